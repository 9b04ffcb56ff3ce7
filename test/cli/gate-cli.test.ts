// Issue 9 through the CLI: killed runs, tampered results, one run per folder, the 08:00 decision and --apply,
// a resolver inside its TTL, and the baseline — each with the verdict and exit code an engineer would see.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Summary } from '../../core/result.ts';
import { runCli, startCli, tempDir } from './helpers.ts';

const summaryOf = (dir: string) => Summary.parse(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')));
const W = '--window=2025-06-22';
const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0);

async function until(cond: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('post-window killed after some Playwright tests: the gate says inconclusive while it runs and after, never go', async () => {
  const out = tempDir('killed-pw');
  const { child, done } = startCli('smoke.ts', ['--phase=post-window', W, '--only=e2e', `--out=${out}`]);
  const results = join(out, 'results.jsonl');
  await until(() => lines(results) >= 2);
  const running = await runCli('gate.ts', [`--run=${out}`]);
  assert.equal(running.code, 2, running.stdout + running.stderr);
  assert.match(running.stdout, /verdict: INCONCLUSIVE/);
  child.kill('SIGKILL');
  await done;
  const plan = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')) as { planned: { id: string }[] };
  assert.ok(plan.planned.filter((p) => p.id.startsWith('e2e:')).length >= 8, 'every Playwright test is planned, one per test and host');
  assert.ok(!plan.planned.some((p) => p.id === 'e2e'), 'no prefix entry stands for the whole batch');
  const gate = await runCli('gate.ts', [`--run=${out}`]);
  assert.equal(gate.code, 2, gate.stdout);
  assert.match(gate.stdout, /verdict: INCONCLUSIVE/);
  const report = await runCli('report.ts', [`--run=${out}`, '--no-html']);
  assert.doesNotMatch(report.stdout + report.stderr, /verdict: GO|\bGO\b.*exit 0/);
});

test('tampered results replay as the worse outcome with the plan severity; a second run on the folder is refused', async () => {
  const out = tempDir('tamper');
  const r = await runCli('smoke.ts', ['--phase=web1-5', W, '--only=sanity', '--fault=web-down:IC-Web3', `--out=${out}`]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const failedLine = readFileSync(join(out, 'results.jsonl'), 'utf8')
    .split('\n')
    .find((l) => l.includes('"sanity:IC-Web3:www:/"'))!;
  const passedAgain = { ...JSON.parse(failedLine), status: 'passed', severity: 'minor', message: undefined, details: undefined };
  appendFileSync(join(out, 'results.jsonl'), `${JSON.stringify(passedAgain)}\n`);
  const gate = await runCli('gate.ts', [`--run=${out}`]);
  assert.equal(gate.code, 1, gate.stdout);
  assert.match(gate.stdout, /sanity:IC-Web3:www:\/ was recorded 2 times with different outcomes \(failed, passed\): counted as failed/);
  const before = readFileSync(join(out, 'results.jsonl'), 'utf8');
  const second = await runCli('smoke.ts', ['--phase=web1-5', W, '--only=sanity', `--out=${out}`]);
  assert.equal(second.code, 64);
  assert.match(second.stderr, /already holds a run/);
  assert.equal(readFileSync(join(out, 'results.jsonl'), 'utf8'), before, 'the first run is untouched');
});

test('two runs started on one folder at once: one is refused (64), the other finishes alone', async () => {
  const out = join(tempDir('race'), 'run');
  const a = startCli('smoke.ts', ['--phase=maintenance-start', W, `--out=${out}`]);
  const b = startCli('smoke.ts', ['--phase=maintenance-start', W, `--out=${out}`]);
  const [ra, rb] = await Promise.all([a.done, b.done]);
  assert.deepEqual([ra.code, rb.code].sort(), [0, 64], ra.stderr + rb.stderr);
  assert.ok(!existsSync(join(out, 'run.lock')), 'the lock is released when the run ends');
  assert.equal(summaryOf(out).counts.passed, 4);
});

test('08:00 with the page stuck on my: take it down on my only, --apply does it, re-checks, exits 0', async () => {
  const out = tempDir('stuck-apply');
  const r = await runCli('smoke.ts', [
    '--phase=post-window',
    W,
    '--only=sanity,e2e',
    '--fault=maintenance-stuck:my',
    '--apply',
    `--out=${out}`,
  ]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /verdict: NO-GO → GO after --apply \(exit 0\)/);
  assert.match(
    r.stdout,
    /action: +the site is healthy but the maintenance page is still served; keep the site open: take the maintenance page down on my/,
  );
  assert.match(r.stderr, /--apply: done: take the maintenance page down on my \(maintenance page off on my \(lab control API\)\)/);
  const s = summaryOf(out);
  assert.deepEqual(s.applied?.operation, { op: 'maintenance-page', turn: 'off', hosts: ['my'] });
  assert.equal(s.applied?.ok, true);
  assert.equal(s.applied?.recheck?.verdict, 'go');
  assert.deepEqual(
    s.applied?.recheck?.checks.map((c) => `${c.id}=${c.status}`),
    ['maintenance:my=passed'],
  );
  assert.equal(s.applied?.verdict, 'go');
  assert.ok(s.partial, 'a --only run is marked partial');
  const gate = await runCli('gate.ts', [`--run=${out}`]);
  assert.equal(gate.code, 0, gate.stdout);
  assert.match(gate.stdout, /verdict: NO-GO → GO after --apply \(exit 0\)/);
});

test('--apply never acts on inconclusive', async () => {
  const out = tempDir('apply-inc');
  const r = await runCli('smoke.ts', ['--phase=internal-network', W, '--apply', `--out=${out}`], { K6_BIN: '', PATH: '/usr/bin:/bin' });
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /--apply: nothing to carry out for verdict inconclusive \(an inconclusive run is never acted on\)/);
  assert.equal(summaryOf(out).applied, undefined);
});

test('one caching resolver inside its TTL at 08:00 is a warning with the time it clears, not a reason to restore the page', async () => {
  const out = tempDir('resolver');
  const r = await runCli('smoke.ts', ['--phase=post-window', W, '--only=dns', '--fault=dns-resolver-stale:lab-resolver-1', `--out=${out}`]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const s = summaryOf(out);
  assert.ok(
    s.warnings?.some((w) =>
      /^dns:resolver:lab-resolver-1 failed: .*will move on once its cache expires \(at most \d+ s, by \d\d:\d\d UTC\).*tolerated at this step/.test(
        w,
      ),
    ),
    JSON.stringify(s.warnings),
  );
  assert.match(s.action!, /keep the site open/);
});

test('a failure already at baseline is pre-existing, named with the baseline run; a new one still blocks', async () => {
  const base = tempDir('baseline');
  // pool-missing: the gateway never routes to IC-Web9, so the same pool failure shows at every step, nothing else.
  const pre = await runCli('smoke.ts', ['--phase=pre-maintenance', W, '--only=sanity', '--fault=pool-missing:IC-Web9', `--out=${base}`]);
  assert.equal(pre.code, 1, pre.stdout);
  const same = tempDir('post-same');
  const r = await runCli('smoke.ts', [
    '--phase=web6-10',
    W,
    '--only=sanity',
    '--fault=pool-missing:IC-Web9',
    `--baseline=${base}`,
    `--out=${same}`,
  ]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const s = summaryOf(same);
  assert.equal(s.baseline, base);
  assert.ok(
    s.warnings?.some(
      (w) =>
        w.includes(`pre-existing: the same failure was in the baseline run ${base}`) &&
        w.startsWith('pool:gateway failed: IC-Web9 never answered'),
    ),
    JSON.stringify(s.warnings),
  );
  const fresh = tempDir('post-new');
  const n = await runCli('smoke.ts', [
    '--phase=web6-10',
    W,
    '--only=sanity',
    '--fault=pool-missing:IC-Web9',
    '--fault=web-down:IC-Web7',
    `--baseline=${base}`,
    `--out=${fresh}`,
  ]);
  assert.equal(n.code, 1, n.stdout);
  assert.ok(
    summaryOf(fresh).reasons.every((x) => /IC-Web7/.test(x)),
    'only the new failure drives the verdict',
  );
});

test('a partial run never satisfies a later step; regression without k6 is not go', async () => {
  const r = await runCli('smoke.ts', ['--phase=regression', W, '--only=k6', `--out=${tempDir('reg')}`], {
    K6_BIN: '',
    PATH: '/usr/bin:/bin',
  });
  assert.equal(r.code, 2, r.stdout);
  assert.match(r.stdout, /PARTIAL \(--only=k6: never satisfies a later step\)/);
});
