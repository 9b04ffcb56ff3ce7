// The adapter's process handling, exercised for real against a test double (test/k6/fake-k6.mjs) that
// replays real k6 outputs: arguments, environment, exit code, summary file, evidence, stop on abort.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { runK6 } from '../../k6/adapter/process.ts';
import { locateK6 } from '../../k6/adapter/locate.ts';
import { fakeK6, readFixture, tmpDir } from './helpers.ts';

function bundleFile(): string {
  const f = join(tmpDir('k6-bundle'), 'connection-sanity.js');
  writeFileSync(f, 'export default function () {}\n');
  return f;
}

test('runs k6 without usage reports or REST API, with only the environment it is given, and reads the summary', async () => {
  const fake = fakeK6('threshold-fail');
  const out = tmpDir('k6-out');
  const bundle = bundleFile();
  const raw = await runK6({
    bin: fake.bin,
    bundle,
    outDir: out,
    summaryFile: join(out, 'summary.json'),
    signal: new AbortController().signal,
    env: {
      PATH: process.env.PATH ?? '',
      HARNESS_K6: '{"x":1}',
      HARNESS_SUMMARY: join(out, 'summary.json'),
      SSL_CERT_FILE: '/lab/ca.pem',
      K6_NO_USAGE_REPORT: 'true',
    },
  });
  assert.equal(raw.exitCode, 99);
  assert.equal(raw.stopped, false);
  const seen = fake.record();
  assert.deepEqual(seen.args, ['run', '--no-usage-report', '--no-color', '--quiet', '--address=', bundle]);
  assert.equal(seen.env.SSL_CERT_FILE, '/lab/ca.pem');
  assert.equal(seen.env.HARNESS_K6, '{"x":1}');
  assert.equal(seen.env.K6_NO_USAGE_REPORT, 'true');
  assert.equal(seen.env.HOME, undefined, 'nothing is inherited from the harness process');
  assert.equal(raw.summaryText, readFixture('threshold-fail').summaryText);
  assert.match(raw.stderr, /thresholds on metrics 'checks, home_marker_ok, http_req_duration\{host:www\}' have been crossed/);
  for (const f of ['stdout.txt', 'stderr.txt', 'summary.json', 'invocation.json']) assert.ok(existsSync(join(out, f)), `evidence ${f}`);
  const inv = JSON.parse(readFileSync(join(out, 'invocation.json'), 'utf8'));
  assert.deepEqual(inv.env, ['HARNESS_K6', 'HARNESS_SUMMARY', 'K6_NO_USAGE_REPORT', 'PATH', 'SSL_CERT_FILE'], 'names only, no values');
});

test("a summary left by an earlier run is never read as this run's", async () => {
  const fake = fakeK6('init-exception');
  const out = tmpDir('k6-out');
  writeFileSync(join(out, 'summary.json'), readFixture('pass').summaryText!);
  const raw = await runK6({
    bin: fake.bin,
    bundle: bundleFile(),
    outDir: out,
    summaryFile: join(out, 'summary.json'),
    signal: new AbortController().signal,
    env: { PATH: process.env.PATH ?? '', HARNESS_SUMMARY: join(out, 'summary.json') },
  });
  assert.equal(raw.exitCode, 107);
  assert.equal(raw.summaryText, undefined);
});

test('abort stops k6 with SIGTERM and says it was stopped', async () => {
  const fake = fakeK6('hang');
  const out = tmpDir('k6-out');
  const ac = new AbortController();
  const running = runK6({
    bin: fake.bin,
    bundle: bundleFile(),
    outDir: out,
    summaryFile: join(out, 'summary.json'),
    signal: ac.signal,
    env: { PATH: process.env.PATH ?? '' },
    killGraceMs: 5_000,
  });
  while (!existsSync(join(fake.dir, 'record.json'))) await new Promise((r) => setTimeout(r, 20)); // the fake is up
  const t0 = Date.now();
  ac.abort();
  const raw = await running;
  assert.equal(raw.stopped, true);
  assert.equal(raw.exitCode, 105, 'k6 got SIGTERM and stopped itself (no SIGKILL needed)');
  assert.ok(Date.now() - t0 < 5_000, 'stopped promptly');
});

test('a binary that cannot be started is reported, not thrown', async () => {
  const out = tmpDir('k6-out');
  const raw = await runK6({
    bin: join(out, 'no-such-k6'),
    bundle: bundleFile(),
    outDir: out,
    summaryFile: join(out, 'summary.json'),
    signal: new AbortController().signal,
    env: {},
  });
  assert.equal(raw.exitCode, null);
  assert.match(raw.spawnError ?? '', /^ENOENT: cannot start .*no-such-k6/);
});

test('locateK6: K6_BIN wins and must be executable; otherwise PATH; otherwise the reason', () => {
  const fake = fakeK6('pass');
  assert.deepEqual(locateK6({ K6_BIN: fake.bin, PATH: '' }), { ok: true, bin: fake.bin, from: 'K6_BIN' });
  assert.deepEqual(locateK6({ PATH: `/nonexistent:${fake.dir}` }), { ok: true, bin: join(fake.dir, 'k6'), from: 'PATH' });
  const notExec = join(tmpDir('k6-noexec'), 'k6');
  writeFileSync(notExec, '#!/bin/sh\n');
  chmodSync(notExec, 0o644);
  assert.deepEqual(locateK6({ K6_BIN: notExec, PATH: fake.dir }), { ok: false, reason: `K6_BIN=${notExec} is not an executable file` });
  assert.deepEqual(locateK6({ PATH: '/nonexistent' }), { ok: false, reason: 'no k6 found on PATH and K6_BIN is not set' });
});
