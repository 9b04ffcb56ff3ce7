// The window report over synthetic run folders: every step of the window file in the timeline (latest run, not
// run, unreadable, after --apply), no run at all is 66, and Allure history kept as one point per window.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckResult } from '../../core/result.ts';
import { windowSchedule } from '../../core/schedule.ts';
import { stableCaseId } from '../../reports/allure-results.ts';
import { RunFolderError } from '../../reports/run-folder.ts';
import { commitHistory, stageHistory, windowReportName } from '../../reports/window-history.ts';
import { runWindowReport, stepRunFolders, windowTime } from '../../reports/window-report.ts';
import { JUNE } from '../support/window.ts';
import { makeRunFolder, tmpRoot } from './fixture.ts';

const TMP_ROOT = tmpRoot('window-report');

const check = (id: string, status: CheckResult['status']): CheckResult => ({
  id,
  kind: 'sanity',
  title: `${id} answers`,
  target: { host: 'www', server: 'IC-Web3' },
  severity: 'critical',
  status,
  attempts: 1,
  flaky: false,
  startedAt: '2025-06-22T04:00:00.000Z',
  durationMs: 10,
  ...(status === 'passed'
    ? {}
    : { message: 'IC-Web3 refused the connection', details: { failure: { layer: 'tcp', code: 'ECONNREFUSED' } } }),
});
const ok = [check('sanity:IC-Web1:www:/', 'passed')];
const bad = [...ok, check('sanity:IC-Web3:www:/', 'failed')];

/** A window folder as runs/<date>/ holds it: <step>/<run>/ (names that do not sort by time). */
async function juneFolder(root: string): Promise<string> {
  const w = join(root, '2025-06-22');
  const run = (step: string, name: string, opts: Parameters<typeof makeRunFolder>[1] = {}) =>
    makeRunFolder(w, { phase: step, dir: join(w, step, name), ...opts });
  await run('pre-maintenance', 'r1', { checks: ok });
  await run('web1-5', 'z-first', { checks: bad, startedAt: '2025-06-22T04:00:00.000Z' });
  await run('web1-5', 'a-second', { checks: ok, startedAt: '2025-06-22T04:20:00.000Z' });
  await run('post-window', 'r1', {
    checks: [check('maintenance:my', 'failed'), ...ok],
    summaryExtra: {
      applied: {
        operation: { op: 'maintenance-page', turn: 'off', hosts: ['my'] },
        by: 'lab control API',
        ok: true,
        detail: 'maintenance page off on my',
        recheck: { verdict: 'go', reasons: [], checks: [] },
        verdict: 'go',
      },
    },
  });
  const broken = await run('maintenance-start', 'r1', { checks: ok });
  await writeFile(join(broken.dir, 'summary.json'), '{"window": ');
  await mkdir(join(w, 'web6-10', 'empty'), { recursive: true }); // a run that died before writing anything
  await makeRunFolder(w, { phase: 'web1-5', dir: join(w, 'rehearsal-2025-06-20T10-00-00-000Z', 'web1-5'), checks: ok });
  await mkdir(join(w, 'old-step', 'r1'), { recursive: true });
  await writeFile(join(w, 'old-step', 'r1', 'results.jsonl'), `${JSON.stringify(ok[0])}\n`);
  return w;
}

test('every step of the window file is in the timeline with its verdict: latest run, not run, after --apply, unreadable', async () => {
  const w = await juneFolder(join(TMP_ROOT, 'a'));
  assert.deepEqual(
    stepRunFolders(w, 'web1-5').map((d) => d.split('/').pop()),
    ['z-first', 'a-second'],
    'ordered by when they started',
  );
  const lines: string[] = [];
  const outcome = await runWindowReport({
    window: JUNE,
    schedule: windowSchedule(JUNE),
    windowDir: w,
    historyPath: null,
    log: (l) => lines.push(l),
  });
  assert.equal(outcome.exitCode, 65, 'a step whose run cannot be read: reported, and said by the exit code');
  assert.ok(outcome.htmlPath && existsSync(outcome.htmlPath));
  assert.ok(outcome.htmlPath.startsWith(join(w, 'window-report')), 'written beside the runs, not into one of them');
  const state = Object.fromEntries(
    outcome.steps.map((s) => [s.step.id, s.view ? (s.view.applied?.verdict ?? s.view.verdict) : s.error ? 'unreadable' : 'not-run']),
  );
  assert.deepEqual(
    Object.keys(state),
    JUNE.steps.map((s) => s.id),
    'every step, in runbook order',
  );
  assert.equal(state['pre-maintenance'], 'go');
  assert.equal(state['web1-5'], 'go', 'the latest run of web1-5');
  assert.equal(state['post-window'], 'go', 'the verdict after --apply');
  assert.equal(state['maintenance-start'], 'unreadable');
  assert.equal(state['web6-10'], 'not-run', 'a folder without run files is no run');
  assert.ok(lines.some((l) => /old-step is no step of window 2025-06-22: left out/.test(l)));
  assert.ok(
    lines.some((l) =>
      /a rehearsal of this window: .*rehearsal-2025-06-20T10-00-00-000Z \(its report: npm run report -- --window=2025-06-22 --window-dir=/.test(
        l,
      ),
    ),
    'a rehearsal folder is pointed at, not mixed in',
  );

  const html = await readFile(outcome.htmlPath, 'utf8');
  const rows = [...html.matchAll(/<tr data-step="([^"]+)" data-verdict="([^"]+)">/g)].map((m) => [m[1], m[2]]);
  assert.deepEqual(
    rows,
    JUNE.steps.map((s) => [s.id, state[s.id]]),
    'one timeline row per step, in order, with its verdict',
  );
  const schedule = windowSchedule(JUNE);
  const web = schedule.find((r) => r.phase === 'web1-5')!;
  assert.match(web.et, /^Sun 2025-06-22 00:00 EDT$/);
  assert.match(html, /<tr data-step="web1-5" data-verdict="go"><td><span title="2025-06-22 00:00 EDT"><b>Sun 00:00<\/b> EDT/);
  assert.match(html, /<span title="2025-06-22 09:30 GMT\+5:30"><b>Sun 09:30<\/b> IST/, 'IST beside ET');
  assert.match(html, /<a href="#step-web1-5"[^>]*>1 checks<\/a><span class="hd-note"> · latest of 2 runs<\/span>/);
  assert.match(html, /id="step-web1-5"/, 'the step links to its block');
  assert.match(html, /NO-GO before --apply/);
  assert.match(
    html,
    /All 2 checks of this run<\/summary><ul><li><span class="hd-st hd-st-failed">failed<\/span> <a href="#[0-9a-f]{32}">maintenance:my/,
  );
});

test("a rehearsal's window folder (<step>/ is the run folder itself) is read with --window-dir", async () => {
  const rehearsal = join(TMP_ROOT, 'rehearsal', 'rehearsal-x');
  for (const [step, checks] of [
    ['pre-maintenance', ok],
    ['web1-5', bad],
  ] as const)
    await makeRunFolder(rehearsal, { phase: step, dir: join(rehearsal, step), checks: [...checks] });
  const outcome = await runWindowReport({
    window: JUNE,
    schedule: windowSchedule(JUNE),
    windowDir: rehearsal,
    historyPath: null,
    html: false,
    log: () => undefined,
  });
  assert.equal(outcome.exitCode, 0);
  const shown = outcome.steps.filter((s) => s.view).map((s) => [s.step.id, s.view!.verdict, s.runs]);
  assert.deepEqual(shown, [
    ['pre-maintenance', 'go', 1],
    ['web1-5', 'no-go', 1],
  ]);
});

test('a window with no readable run is 66, naming the folder', async () => {
  const empty = join(TMP_ROOT, 'empty', '2025-06-22');
  await mkdir(empty, { recursive: true });
  await assert.rejects(
    runWindowReport({ window: JUNE, schedule: windowSchedule(JUNE), windowDir: empty, historyPath: null, log: () => undefined }),
    (err: unknown) => err instanceof RunFolderError && err.exitCode === 66 && err.message.includes(empty),
  );
});

test('history file: earlier windows of the same environment staged; a rebuilt window replaces its own point, dated by the runbook', async () => {
  const dir = join(TMP_ROOT, 'history');
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'h.jsonl');
  const point = (date: string, env: string, uuid: string, timestamp: number) =>
    JSON.stringify({ uuid, name: windowReportName(date, env), timestamp, testResults: {} });
  await writeFile(
    file,
    [
      point('2025-05-18', 'lab', 'may', 1),
      point('2025-06-22', 'lab', 'june-old', 2),
      point('2025-07-20', 'lab', 'july', 3),
      point('2025-05-18', 'production', 'may-prod', 4),
      '{"uuid":"someone else","name":"Allure Report","timestamp":5}',
    ].join('\n') + '\n',
  );
  const stage = join(dir, 'stage.jsonl');
  assert.equal(await stageHistory(file, stage, '2025-06-22', 'lab'), 1);
  assert.deepEqual(
    (await readFile(stage, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { uuid: string }).uuid),
    ['may'],
    'June shows May as its history: not itself, not July, not production',
  );
  await writeFile(stage, `${await readFile(stage, 'utf8')}${point('2025-06-22', 'lab', 'june-new', Date.now())}\n`); // what allure appends
  const at = windowTime(windowSchedule(JUNE), '2025-06-22');
  assert.equal(new Date(at).toISOString(), '2025-06-22T13:00:00.000Z', 'the last step of the June window (regression, 09:00 EDT)');
  await commitHistory(file, stage, '2025-06-22', 'lab', at);
  const after = (await readFile(file, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { uuid: string; timestamp: number });
  assert.deepEqual(
    after.map((p) => p.uuid).sort(),
    ['july', 'june-new', 'may', 'may-prod', 'someone else'],
    'one June point, the others kept',
  );
  assert.equal(after.find((p) => p.uuid === 'june-new')?.timestamp, at);
  assert.ok(!existsSync(stage));
});

test('a check that fails every month: two windows, one history file, the same case id per step across windows', async () => {
  const root = join(TMP_ROOT, 'months');
  const history = join(root, 'window-history.lab.jsonl');
  for (const [date, window] of [
    ['2025-05-18', { ...JUNE, date: '2025-05-18' }],
    ['2025-06-22', JUNE],
  ] as const) {
    const w = join(root, date);
    const { dir } = await makeRunFolder(w, { phase: 'web1-5', dir: join(w, 'web1-5', 'r1'), checks: bad });
    const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as { window: string };
    await writeFile(join(dir, 'summary.json'), JSON.stringify({ ...summary, window: date }));
    const outcome = await runWindowReport({
      window,
      schedule: windowSchedule(window),
      windowDir: w,
      historyPath: history,
      log: () => undefined,
    });
    assert.equal(outcome.exitCode, 0);
  }
  const points = (await readFile(history, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { name: string; testResults: Record<string, { status: string }> });
  const line = (p: (typeof points)[number]) => Object.entries(p.testResults).find(([k]) => k.startsWith(`${key}.`))?.[1];
  // allure keys a history line by md5(testCaseId) '.' md5(parameters); ours is md5('<step>:<check id>')
  const key = stableCaseId(stableCaseId('web1-5:sanity:IC-Web3:www:/'));
  assert.deepEqual(
    points.map((p) => p.name),
    [windowReportName('2025-05-18', 'lab'), windowReportName('2025-06-22', 'lab')],
  );
  assert.deepEqual(
    points.map((p) => line(p)?.status),
    ['failed', 'failed'],
    'the same check at the same step is one history line across windows',
  );
});
