// The k6 stand-in (test/k6/stand-in) against the recordings of real k6 v1.3.0: the recorded scripts, run on the
// stand-in against a local copy of their target server, must show what real k6 showed — the same exit code,
// Request Failed lines, empty sub-metrics written ok: true, cut-off iterations leaving only a warning.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, readFixture, standInK6, tmpDir } from './helpers.ts';
import type { FixtureCase } from './helpers.ts';

let server: Server;
let base = '';
const held = new Set<NodeJS.Timeout>();
before(async () => {
  // The recordings' target-server.js, on a free port (it listens on 18081).
  server = createServer((req, res) => {
    const delay = /^\/delay\/(\d+)/.exec(req.url ?? '')?.[1];
    if (delay) {
      const t = setTimeout(() => res.end('delayed ok'), Number(delay));
      held.add(t);
      return;
    }
    res.setHeader('content-type', 'text/html');
    res.end('<html><title>Home</title><body>Pay your bill</body></html>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  for (const t of held) clearTimeout(t);
  server.closeAllConnections();
  server.close();
});

/** Async: the target server lives in this process and must keep answering. */
async function standIn(c: FixtureCase, env: Record<string, string> = {}) {
  const out = join(tmpDir('stand-in-run'), 'summary.json');
  const t0 = performance.now();
  const child = spawn(standInK6().bin, ['run', '--no-usage-report', '--no-color', '-q', join(FIXTURES, c, 'script.js')], {
    env: { PATH: process.env.PATH ?? '', BASE: base, OUT: out, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exitCode = await new Promise<number | null>((r) => child.on('close', r));
  return { exitCode, stderr, summary: existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : undefined, wallMs: performance.now() - t0 };
}
const metricNames = (s: { metrics: Record<string, unknown> }) => Object.keys(s.metrics).sort();

test('no-samples: exit 0, the never-requested sub-metric all zero with count 0, every Rate threshold ok: true', async () => {
  const real = readFixture('no-samples');
  const r = await standIn('no-samples');
  assert.equal(r.exitCode, real.exitCode);
  const want = JSON.parse(real.summaryText!);
  for (const k of ['http_req_duration{host:sso}', 'sso_marker_ok', 'checks']) {
    assert.deepEqual(r.summary.metrics[k].thresholds, want.metrics[k].thresholds, k);
    assert.deepEqual(Object.keys(r.summary.metrics[k].values).sort(), Object.keys(want.metrics[k].values).sort(), k);
  }
  assert.deepEqual(r.summary.metrics['http_req_duration{host:sso}'].values, want.metrics['http_req_duration{host:sso}'].values);
  assert.deepEqual(r.summary.metrics.checks.values, { rate: 0, passes: 0, fails: 0 });
  assert.equal(r.summary.metrics['http_req_duration{host:www}'].values.count, 3);
  assert.equal(r.stderr, '', 'real k6 says nothing about empty metrics');
});

test('refused: exit 99, one Request Failed warning per request with the Go error, no expected_response sub-metric', async () => {
  const real = readFixture('refused');
  const r = await standIn('refused');
  assert.equal(r.exitCode, real.exitCode);
  const lines = (s: string) =>
    s
      .trim()
      .split('\n')
      .map((l) => l.replace(/^time="[^"]+" /, ''));
  assert.deepEqual(lines(r.stderr), lines(real.stderr));
  assert.deepEqual(
    metricNames(r.summary).filter((m) => !m.startsWith('http_req_') || m === 'http_req_failed' || m === 'http_req_duration'),
    [
      'checks',
      'data_received',
      'data_sent',
      'http_req_duration',
      'http_req_failed',
      'http_reqs',
      'iteration_duration',
      'iterations',
      'vus',
      'vus_max',
    ].filter((m) => metricNames(r.summary).includes(m)),
  );
  assert.ok(!('http_req_duration{expected_response:true}' in r.summary.metrics));
  assert.deepEqual(r.summary.metrics.http_req_failed.values, JSON.parse(real.summaryText!).metrics.http_req_failed.values);
});

test('interrupted-graceful0: cut off at 2 s, no request or iteration metric, only the warning, exit 0', async () => {
  const real = readFixture('interrupted-graceful0');
  const r = await standIn('interrupted-graceful0');
  assert.equal(r.exitCode, real.exitCode);
  assert.deepEqual(r.stderr.trim().replace(/^time="[^"]+" /, ''), real.stderr.trim().replace(/^time="[^"]+" /, ''));
  for (const m of ['http_reqs', 'iterations', 'iteration_duration', 'http_req_duration']) assert.ok(!(m in r.summary.metrics), m);
  assert.deepEqual(r.summary.metrics.checks, JSON.parse(real.summaryText!).metrics.checks);
  assert.ok(r.summary.metrics.data_sent.values.count > 0, 'the requests were sent');
  assert.ok(r.wallMs < 3_500, `ended on time (${Math.round(r.wallMs)} ms; real 2.03 s)`);
});

test('interrupted (default gracefulStop 30 s): both in-flight iterations finish after the 2 s duration', async () => {
  const r = await standIn('interrupted');
  assert.equal(r.exitCode, 0);
  assert.equal(r.summary.metrics.iterations.values.count, 2);
  assert.equal(r.stderr, '');
  assert.ok(r.wallMs >= 3_900, `ran past the duration (${Math.round(r.wallMs)} ms; real 4.04 s)`);
});

test('init-exception: exit 107 with hint="script exception", no summary', async () => {
  const r = await standIn('init-exception');
  assert.equal(r.exitCode, 107);
  assert.match(r.stderr, /level=error msg=".*" hint="script exception"/);
  assert.equal(r.summary, undefined);
});
