// Issue 2's end-to-end acceptance: the CLI against the in-process lab, as an on-call engineer runs it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CheckResult, Summary } from '../../core/result.ts';
import { runCli, startCli, tempDir } from './helpers.ts';

const readSummary = (dir: string) => Summary.parse(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')));

test('web1-5 --only=sanity on the healthy lab: go, having probed IC-Web1..5 on all four hosts, both pools and the page', async () => {
  const out = tempDir('web15');
  const r = await runCli('smoke.ts', ['--phase=web1-5', '--only=sanity', `--out=${out}`]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /verdict: GO \(exit 0\)/);
  assert.match(r.stdout, /action: +post in #eng-monthlymaintenance/);
  const s = readSummary(out);
  assert.equal(s.verdict, 'go');
  const ids = new Set(s.checks.map((c) => c.id));
  for (let n = 1; n <= 5; n++)
    for (const h of ['www', 'www2', 'my', 'sso']) assert.ok(ids.has(`sanity:IC-Web${n}:${h}:/`), `IC-Web${n} ${h}`);
  assert.ok(![...ids].some((id) => /IC-Web(6|7|8|9|10):/.test(id)), 'web1-5 probes only IC-Web1..5 directly');
  for (const id of ['pool:gateway', 'pool:ilb', 'maintenance:www', 'maintenance:my', 'maintenance:sso', 'maintenance:www2'])
    assert.ok(ids.has(id), id);
  assert.ok(
    s.checks.every((c) => c.status === 'passed'),
    JSON.stringify(s.checks.filter((c) => c.status !== 'passed')),
  );
  // results.jsonl holds the same checks, one per line.
  const lines = readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n');
  assert.equal(lines.length, s.checks.length);
});

test('without --only the run is honest about every family the phase plans', async () => {
  const out = tempDir('web15all');
  const r = await runCli('smoke.ts', ['--phase=web1-5', `--out=${out}`, '--json']);
  const s = Summary.parse(JSON.parse(r.stdout));
  assert.ok(
    s.checks.some((c) => c.kind === 'e2e'),
    'the e2e smoke on www is planned and reported',
  );
  for (const c of s.checks.filter((x) => x.status === 'broken'))
    assert.ok(c.message && c.message.length > 10, `${c.id} says why it is broken`);
  assert.equal(r.code, { go: 0, 'no-go': 1, inconclusive: 2 }[s.verdict]);
});

test('a web fault through the CLI: no-go, exit 1, the server and the cause named', async () => {
  const out = tempDir('webdown');
  const r = await runCli('smoke.ts', ['--phase=web1-5', '--only=sanity', '--fault=web-down:IC-Web3', `--out=${out}`]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /verdict: NO-GO/);
  assert.match(r.stdout, /4 checks failed: IC-Web3 \(127\.0\.0\.1:\d+\) refused the connection\n\s+sanity:IC-Web3:www:\//);
  assert.ok(readSummary(out).reasons.some((x) => /^sanity:IC-Web3:www:\/ failed: IC-Web3 .*refused the connection$/.test(x)));
  const gate = await runCli('gate.ts', [`--run=${out}`]);
  assert.equal(gate.code, 1, 'the gate replayed on stored results agrees');
  assert.match(gate.stdout, /verdict: NO-GO/);
});

test('a run killed with SIGKILL leaves only whole, finished checks in results.jsonl; the gate calls it inconclusive', async () => {
  const out = tempDir('killed');
  // web-slow keeps the run going long enough to be killed mid-way.
  const { child, done } = startCli('smoke.ts', [
    '--phase=web1-5',
    '--only=sanity',
    '--fault=web-slow:IC-Web2',
    '--fault=web-slow:IC-Web4',
    `--out=${out}`,
  ]);
  const results = join(out, 'results.jsonl');
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && !(existsSync(results) && statSync(results).size > 0)) await new Promise((r) => setTimeout(r, 25));
  child.kill('SIGKILL');
  const r = await done;
  assert.equal(r.signal, 'SIGKILL');
  assert.ok(!existsSync(join(out, 'summary.json')), 'killed before the summary');
  const text = readFileSync(results, 'utf8');
  assert.ok(text.endsWith('\n'));
  const lines = text.trim().split('\n');
  assert.ok(lines.length >= 1);
  for (const line of lines) {
    const c = CheckResult.parse(JSON.parse(line));
    assert.ok(['passed', 'failed', 'broken'].includes(c.status), 'a finished check');
  }
  const gate = await runCli('gate.ts', [`--run=${out}`, '--json']);
  const s = Summary.parse(JSON.parse(gate.stdout));
  // A critical failure recorded before the kill is still a truthful no-go; otherwise the missing checks make it inconclusive.
  const criticalFailed = lines.map((l) => CheckResult.parse(JSON.parse(l))).some((c) => c.severity === 'critical' && c.status === 'failed');
  assert.equal(s.verdict, criticalFailed ? 'no-go' : 'inconclusive');
  assert.equal(gate.code, criticalFailed ? 1 : 2);
  assert.ok(s.reasons.some((x) => /no result was recorded/.test(x)));
});

test('Ctrl-C ends the run with a partial summary whose verdict is inconclusive', async () => {
  const out = tempDir('sigint');
  const { child, done } = startCli('smoke.ts', ['--phase=web1-5', '--only=sanity', '--fault=web-slow:IC-Web1', `--out=${out}`]);
  const plan = join(out, 'plan.json');
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && !existsSync(plan)) await new Promise((r) => setTimeout(r, 25));
  await new Promise((r) => setTimeout(r, 300));
  child.kill('SIGINT');
  const r = await done;
  assert.equal(r.code, 2, r.stdout + r.stderr);
  const s = readSummary(out);
  assert.equal(s.verdict, 'inconclusive');
  assert.equal(s.interrupted, true);
  assert.match(s.reasons[0]!, /run interrupted/);
});

test('a canary secret in the environment appears in no output file and no console output', async () => {
  const out = tempDir('canary');
  const canary = `canary-${Math.random().toString(36).slice(2)}-secret`;
  const env = { HARNESS_TEST_PASSWORD: canary, SLACK_WEBHOOK_ENG_MONTHLYMAINTENANCE: `http://127.0.0.1:9/hooks/${canary}` };
  const r = await runCli('smoke.ts', ['--phase=web1-5', '--only=sanity', `--out=${out}`], env);
  assert.equal(r.code, 0, 'the lab accepted the password from the environment: ' + r.stdout + r.stderr);
  assert.ok(!r.stdout.includes(canary) && !r.stderr.includes(canary));
  const walk = (d: string): string[] =>
    readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
  const files = walk(out);
  assert.ok(files.length >= 3);
  for (const f of files) assert.ok(!readFileSync(f).includes(canary), `${f} leaks the canary`);
});

test("the lab performs each phase's runbook step, so faults that interfere with the step are caught through the CLI", async () => {
  const cases: { phase: string; fault: string; reason: RegExp; action: RegExp }[] = [
    {
      phase: 'post-window',
      fault: 'maintenance-stuck:my',
      reason: /maintenance:my failed: maintenance page still served on my\.invoicecloud\.test/,
      action: /maintenance page is still served; keep the site open: take the maintenance page down on my/,
    },
    {
      phase: 'maintenance-start',
      fault: 'maintenance-missing:sso',
      reason: /maintenance:sso failed: .*sso\.invoicecloud\.test/,
      action: /put the maintenance page up/,
    },
    {
      phase: 'web6-10',
      fault: 'pool-missing:IC-Web8',
      reason: /pool:gateway failed: IC-Web8 never answered through agw-pri-appgateway0-prd/,
      action: /keep the failing IC-Web6\.\.10/,
    },
  ];
  for (const c of cases) {
    const out = tempDir(c.phase);
    const r = await runCli('smoke.ts', [`--phase=${c.phase}`, '--only=sanity', `--fault=${c.fault}`, `--out=${out}`]);
    assert.equal(r.code, 1, `${c.fault}: ${r.stdout}${r.stderr}`);
    assert.match(r.stdout, c.reason, c.fault);
    assert.match(r.stdout, c.action, c.fault);
    assert.equal(readSummary(out).reasons.length, 1, `${c.fault}: only the faulted check drives the verdict`);
  }
});

test('web-slow through the CLI: every failing check names the slow server and the timeout', async () => {
  const out = tempDir('slow');
  const r = await runCli('smoke.ts', ['--phase=web1-5', '--only=sanity', '--fault=web-slow:IC-Web3', `--out=${out}`]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const s = readSummary(out);
  assert.ok(s.reasons.length >= 4);
  for (const reason of s.reasons) assert.match(reason, /IC-Web3/, reason);
  assert.ok(s.reasons.some((x) => /sanity:IC-Web3:www:\/ failed: IC-Web3 did not send response headers within \d+ ms/.test(x)));
});
