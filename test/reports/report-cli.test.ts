import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseFault, ActiveFaults } from '../../lab/faults.ts';
import { startSlackLab } from '../../lab/slack/index.ts';
import { runCli } from '../cli/helpers.ts';
import { makeRunFolder, syntheticChecks, tmpRoot } from './fixture.ts';

const TMP_ROOT = tmpRoot('report-cli');
import { startWebhookServer } from './webhook-server.ts';

const CANARY = 'CANARY-SECRET-123';

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** The webhook env vars of harness.config.ts cleared, so only what a test sets is used. */
const NO_HOOKS = {
  SLACK_WEBHOOK_PLATFORM_SUPPORT: '',
  SLACK_WEBHOOK_ENGINEERING_MAINTENANCE: '',
  SLACK_WEBHOOK_ENG_MONTHLYMAINTENANCE: '',
  SLACK_WEBHOOK_DAILYOPSISSUES: '',
};

test('bad usage exits 64 with usage; a missing run folder exits 66 naming it', async () => {
  const cases: { args: string[]; code: number; err: RegExp }[] = [
    { args: [], code: 64, err: /--run=DIR \(or --window=DATE\) is required[\s\S]*usage: npm run report/ },
    { args: ['--run=x', '--colour'], code: 64, err: /Unknown option '--colour'[\s\S]*usage:/ },
    { args: ['--run=.tmp/no-such-run'], code: 66, err: /run folder not found: .*\.tmp\/no-such-run/ },
  ];
  for (const c of cases) {
    const r = await runCli('report.ts', c.args);
    assert.equal(r.code, c.code, `${c.args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, c.err);
  }
  const help = await runCli('report.ts', ['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /exit codes: 0 done · 3 reports written but the Slack post failed/);
});

test('a malformed summary.json exits 65 naming the file and the fix', async () => {
  const { dir } = await makeRunFolder(TMP_ROOT);
  await writeFile(join(dir, 'summary.json'), '{"window": ');
  const r = await runCli('report.ts', [`--run=${dir}`, '--no-html']);
  assert.equal(r.code, 65, r.stderr);
  assert.match(r.stderr, /summary\.json is not valid JSON .*delete it to report the results as a partial run/);
});

test('canary: the webhook URL appears in no file under DIR and in no output, with Slack down (exit 3) and up (exit 0)', async () => {
  const server = await startWebhookServer((path) => (path.includes('down') ? 500 : 200));
  try {
    // a result message that leaked the URL (the ledger redacts it; the reporter must too)
    const leakyUrl = server.url(`/hooks/down/${CANARY}`);
    const checks = syntheticChecks().map((c, i) => (i === 1 ? { ...c, message: `posting to ${leakyUrl} failed` } : c));
    const { dir } = await makeRunFolder(TMP_ROOT, { checks });
    const inputs = new Set(['plan.json', 'results.jsonl', 'summary.json'].map((f) => join(dir, f)));

    const down = await runCli('report.ts', [`--run=${dir}`, '--slack'], { ...NO_HOOKS, SLACK_WEBHOOK_ENG_MONTHLYMAINTENANCE: leakyUrl });
    assert.equal(down.code, 3, down.stderr);
    assert.match(down.stdout, /slack #eng-monthlymaintenance: post failed after 3 attempts: Slack answered HTTP 500/);
    assert.match(down.stdout, /slack #engineering-maintenance: not posted: SLACK_WEBHOOK_ENGINEERING_MAINTENANCE not set/);
    assert.match(down.stdout, /allure report: .*allure-report\/index\.html/);
    for (const f of ['junit.xml', 'slack.json', 'allure-report/index.html']) assert.equal(existsSync(join(dir, f)), true, f);
    assert.equal(down.stdout.includes(CANARY) || down.stderr.includes(CANARY), false, 'canary in output');
    const written = (await filesUnder(dir)).filter((f) => !inputs.has(f));
    assert.ok(written.length > 30, 'reports were written');
    for (const f of written) assert.equal((await readFile(f, 'utf8')).includes(CANARY), false, `canary in ${f}`);

    const upUrl = server.url(`/hooks/up/${CANARY}`);
    const up = await runCli('report.ts', [`--run=${dir}`, '--slack', '--no-html'], {
      ...NO_HOOKS,
      SLACK_WEBHOOK_ENG_MONTHLYMAINTENANCE: upUrl,
    });
    assert.equal(up.code, 0, up.stdout + up.stderr);
    assert.match(up.stdout, /slack #eng-monthlymaintenance: posted/);
    assert.equal(up.stdout.includes(CANARY) || up.stderr.includes(CANARY), false);
    assert.equal(JSON.parse(await readFile(join(dir, 'slack.json'), 'utf8')).ok, true);
    assert.ok(
      server.received.some((r) => r.path === `/hooks/up/${CANARY}`),
      'the up hook got the message',
    );
  } finally {
    await server.close();
  }
});

test('lab slack-down fault: nothing is lost, the post is reported failed; healthy lab receiver records it', async () => {
  const faults = new ActiveFaults([parseFault('slack-down')]);
  const lab = await startSlackLab(faults);
  try {
    const { dir } = await makeRunFolder(TMP_ROOT, { phase: 'web1-5' });
    const env = { ...NO_HOOKS, SLACK_WEBHOOK_ENG_MONTHLYMAINTENANCE: lab.url };
    const down = await runCli('report.ts', [`--run=${dir}`, '--slack', '--no-html'], env);
    assert.equal(down.code, 3, down.stdout + down.stderr);
    assert.match(down.stdout, /post failed after 3 attempts: Slack answered HTTP 500 \(internal_error\)/);
    assert.equal(existsSync(join(dir, 'junit.xml')), true);
    assert.equal(lab.messages().length, 0);

    faults.clear();
    const up = await runCli('report.ts', [`--run=${dir}`, '--slack', '--no-html'], env);
    assert.equal(up.code, 0, up.stdout + up.stderr);
    const [message] = lab.messages();
    assert.match(String((message?.body as { text?: string } | undefined)?.text), /^:x: NO-GO: web1-5 · window 2025-06-22 · lab/);
  } finally {
    await lab.stop();
  }
});

test('--run twice: one HTML report over both runs (in the first folder), each its own junit.xml; --baseline marks pre-existing', async () => {
  const checks = syntheticChecks()
    .filter((c) => c.status !== 'failed' && c.status !== 'skipped')
    .map((c) => (c.status === 'broken' ? { ...c, severity: 'major' as const } : c));
  const { dir: base } = await makeRunFolder(TMP_ROOT, { checks, phase: 'pre-maintenance' });
  const { dir: a } = await makeRunFolder(TMP_ROOT, { checks, phase: 'web1-5' });
  const { dir: b } = await makeRunFolder(TMP_ROOT, { checks, phase: 'web6-10' });
  const r = await runCli('report.ts', [`--run=${a}`, `--run=${b}`, `--baseline=${base}`]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.ok(existsSync(join(a, 'junit.xml')) && existsSync(join(b, 'junit.xml')), 'each run its junit.xml');
  const html = await readFile(join(a, 'allure-report', 'index.html'), 'utf8');
  assert.match(html, /aria-label="Decision for web1-5"[\s\S]*aria-label="Decision for web6-10"/, 'both runs on the first screen');
  // the 7 broken non-blocking checks failed the same way at the baseline
  assert.equal([...html.matchAll(/Pre-existing: failed the same way at baseline: <b>7<\/b>/g)].length, 2);
  assert.match(r.stdout, new RegExp(`baseline ${base.replace(/[/.]/g, '\\$&')}: pre-maintenance`));
});

test('window report flags: usage errors say what is valid', async () => {
  const cases: { args: string[]; err: RegExp }[] = [
    { args: ['--run=x', '--window-dir=y'], err: /--window-dir belong to the window report \(--window=DATE\)/ },
    { args: ['--window=2025-06-22', '--slack'], err: /--window builds the window report .* it takes no --slack/ },
    { args: ['--window=2025-06-22', '--run=x'], err: /it takes no --run/ },
    { args: ['--window=2031-01-05'], err: /--window=2031-01-05: there is no window file/ },
    { args: ['--run=x', '--history=none'], err: /--history=none is for the window report/ },
  ];
  for (const c of cases) {
    const r = await runCli('report.ts', c.args);
    assert.equal(r.code, 64, `${c.args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, c.err);
  }
});
