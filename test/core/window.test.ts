// Window files: which one a run takes and why, and how a bad one is refused (every path named, exit 78).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../core/config/load.ts';
import { UsageError } from '../../core/errors.ts';
import { windowSchedule } from '../../core/schedule.ts';
import { chooseWindow, loadWindow } from '../../core/window/load.ts';
import { KINDS } from '../../kinds.ts';
import { ROOT, tempDir } from '../cli/helpers.ts';
import { JUNE } from '../support/window.ts';

test('window choice: --window, else today or the next, else the latest (stale), said in words', () => {
  const dir = tempDir('windows');
  for (const d of ['2025-05-18', '2025-06-22', '2025-07-20']) writeFileSync(join(dir, `${d}.ts`), '');
  writeFileSync(join(dir, 'notes.md'), '');
  const cases: { flag?: string; today: string; date: string; why: RegExp; stale: boolean }[] = [
    { flag: '2025-05-18', today: '2025-07-01', date: '2025-05-18', why: /given by --window/, stale: false },
    { today: '2025-06-22', date: '2025-06-22', why: /dated today/, stale: false },
    { today: '2025-06-23', date: '2025-07-20', why: /the next window \(today is 2025-06-23\)/, stale: false },
    { today: '2025-01-01', date: '2025-05-18', why: /the next window/, stale: false },
    { today: '2026-12-01', date: '2025-07-20', why: /the latest window file; none is dated today \(2026-12-01\) or later/, stale: true },
  ];
  for (const c of cases) {
    const got = chooseWindow(dir, c.flag, c.today);
    assert.equal(got.date, c.date, JSON.stringify(c));
    assert.match(got.why, c.why);
    assert.equal(got.stale, c.stale);
  }
  assert.throws(
    () => chooseWindow(dir, '2025-08-17', '2025-01-01'),
    (e: unknown) =>
      e instanceof UsageError &&
      /no window file .*2025-08-17\.ts; window files: .*2025-05-18\.ts, .*2025-06-22\.ts, .*2025-07-20\.ts/.test(e.message),
  );
  const empty = tempDir('nowindows');
  assert.throws(() => chooseWindow(empty, undefined, '2025-01-01'), /no window files in/);
});

test('a bad window file is a configuration error naming every bad path', async () => {
  const dir = join(tempDir('badwindow'), 'windows');
  mkdirSync(dir);
  const file = join(dir, '2026-03-15.ts');
  writeFileSync(
    file,
    `import { defineWindow } from ${JSON.stringify(join(ROOT, 'kinds.ts'))};
export default defineWindow({ date: '2026-03-08', title: 'x', steps: [
  { id: 'web1-5', at: { time: '00:00' }, title: 'a', requires: ['later'], checks: [{ kind: 'direct', hosts: ['ftp'] }], actions: { go: { say: 'g' }, 'no-go': { say: 'n' } } },
  { id: 'web1-5', at: { time: '04:30' }, title: 'b', checks: [], actions: { go: { say: 'g' }, 'no-go': { say: 'n', do: { op: 'maintenance-page', turn: 'up', hosts: [] } }, inconclusive: { say: 'i' } } },
] } as never);\n`,
  );
  const err = await loadWindow(file, KINDS).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(err instanceof ConfigError, String(err));
  assert.equal(err.exitCode, 78);
  for (const p of ['steps.0.actions.inconclusive', 'steps.1.checks', 'steps.1.actions.no-go.do', 'steps.0.requires', 'steps.1.id'])
    assert.ok(
      err.problems.some((x) => x.startsWith(`${p}`)),
      `${p} in\n${err.problems.join('\n')}`,
    );
  const named = join(dir, '2026-03-22.ts');
  writeFileSync(named, `export default (await import(${JSON.stringify(join(ROOT, 'windows/2025-05-18.ts'))})).default;\n`);
  await assert.rejects(loadWindow(named, KINDS), /date: the file is named 2026-03-22 but its date is 2025-05-18/);
});

test('the June window keeps the runbook times in ET, IST and UTC', () => {
  const rows = Object.fromEntries(windowSchedule(JUNE).map((r) => [r.phase, r]));
  assert.equal(rows['pre-maintenance']!.et, 'Sat 2025-06-21 19:00 EDT');
  assert.equal(rows['web1-5']!.ist, 'Sun 2025-06-22 09:30 GMT+5:30');
  assert.equal(rows['web6-10']!.ist, 'Sun 2025-06-22 14:00 GMT+5:30');
  assert.equal(rows['maintenance-start']!.utc, 'Sun 2025-06-22 08:45 UTC');
  assert.equal(rows['post-window']!.et, 'Sun 2025-06-22 08:00 EDT');
  assert.deepEqual(
    JUNE.steps.map((s) => s.id),
    [
      'pre-maintenance',
      'pull-web1-5',
      'web1-5',
      'pull-web6-10',
      'web6-10',
      'maintenance-start',
      'internal-network',
      'dns-migration',
      'patch-app',
      'patch-gateway',
      'patch-management',
      'patch-mcc-db',
      'patch-pdfextract',
      'patch-proxy',
      'patch-sftp1',
      'patch-sftp2',
      'patch-ts-licensing',
      'k8s-clusters',
      'mailgun-rotation',
      'jwt-certificates',
      'post-window',
      'post-steps',
      'regression',
    ],
  );
});

test('the runbook decides what blocks: k6 after PLAT-2018 and PLAT-1125, the 08:00 smoke and load', () => {
  const blocking = (id: string, kind: string) =>
    JUNE.steps
      .find((s) => s.id === id)!
      .checks.filter((c) => c.kind === kind)
      .map((c) => c.blocking);
  assert.deepEqual(blocking('internal-network', 'k6'), [true]);
  assert.deepEqual(blocking('dns-migration', 'k6'), [true]);
  assert.deepEqual(blocking('post-window', 'k6'), [true, true]);
  assert.deepEqual(blocking('post-window', 'e2e'), [true]);
  assert.deepEqual(blocking('post-window', 'service'), [true]);
  assert.deepEqual(JUNE.steps.find((s) => s.id === 'internal-network')!.tickets, ['PLAT-2018']);
});
