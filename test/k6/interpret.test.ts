// The adapter reads each real k6 v1.3.0 output in test/k6/fixtures (real k6 recordings, see its README) into the right statuses and messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { interpretK6Run, expectedIds } from '../../k6/adapter/interpret.ts';
import type { K6Outcome, K6RunSpec, K6RunFacts } from '../../k6/adapter/interpret.ts';
import { parseLogfmt, parseK6Log, iterationExceptions } from '../../k6/adapter/logs.ts';
import { exitMeaning, K6_EXIT_CODES } from '../../k6/adapter/exit-codes.ts';
import { readFixture } from './helpers.ts';
import type { FixtureCase } from './helpers.ts';

// What the fixture scripts set (see script.js in each folder).
const SANITY_THRESHOLDS = {
  http_req_failed: ['rate<0.01'],
  'http_req_duration{host:www}': ['p(95)<800'],
  home_marker_ok: ['rate>0.99'],
  checks: ['rate==1.0'],
};
const SPECS: Record<FixtureCase, K6RunSpec> = {
  pass: { idPrefix: 'k6:fx:www', label: 'fixture', thresholds: SANITY_THRESHOLDS, checks: ['www status is 200', 'www has marker'] },
  'threshold-fail': {
    idPrefix: 'k6:fx:www',
    label: 'fixture',
    thresholds: { ...SANITY_THRESHOLDS, 'http_req_duration{host:www}': ['p(95)<100'] },
    checks: ['www status is 200', 'www has marker'],
  },
  refused: { idPrefix: 'k6:fx:www', label: 'fixture', thresholds: { http_req_failed: ['rate<0.01'] }, checks: ['status is 200'] },
  exception: { idPrefix: 'k6:fx:www', label: 'fixture', thresholds: {}, checks: [] },
  'init-exception': { idPrefix: 'k6:fx:www', label: 'fixture', thresholds: { http_req_failed: ['rate<0.01'] }, checks: ['status is 200'] },
  'no-samples': {
    idPrefix: 'k6:fx:www',
    label: 'fixture',
    thresholds: {
      'http_req_duration{host:www}': ['p(95)<1500'],
      'http_req_duration{host:sso}': ['p(95)<1500'],
      sso_marker_ok: ['rate>0.99'],
      checks: ['rate>=1'],
    },
    checks: [],
  },
  'request-failed-causes': {
    idPrefix: 'k6:fx:www',
    label: 'fixture',
    thresholds: { http_req_failed: ['rate<0.01'], checks: ['rate==1.0'], 'http_req_duration{expected_response:true}': ['p(95)<1000'] },
    checks: [
      'ok: status is 200',
      'refused: status is 200',
      'status500: status is 200',
      'timeout: status is 200',
      'reset: status is 200',
      'expired_cert: status is 200',
    ],
  },
  'hosts-dns-name': {
    idPrefix: 'k6:fx:www',
    label: 'fixture',
    thresholds: { http_req_failed: ['rate<0.01'], checks: ['rate==1.0'] },
    checks: ['status is 200', 'has marker'],
  },
  'hosts-ip': {
    idPrefix: 'k6:fx:www',
    label: 'fixture',
    thresholds: { http_req_failed: ['rate<0.01'], checks: ['rate==1.0'] },
    checks: ['status is 200', 'has marker'],
  },
  interrupted: { idPrefix: 'k6:fx:www', label: 'fixture', thresholds: { checks: ['rate==1.0'] }, checks: ['status is 200'] },
  'interrupted-graceful0': { idPrefix: 'k6:fx:www', label: 'fixture', thresholds: { checks: ['rate==1.0'] }, checks: ['status is 200'] },
  abort: { idPrefix: 'k6:fx:www', label: 'fixture', thresholds: { checks: ['rate==1.0'] }, checks: ['status is 200'] },
  fail: { idPrefix: 'k6:fx:www', label: 'fixture', thresholds: { checks: ['rate==1.0'] }, checks: ['status is 200'] },
};

function run(c: FixtureCase): Map<string, K6Outcome> {
  const f = readFixture(c);
  const facts: K6RunFacts = {
    exitCode: f.exitCode,
    signal: null,
    stopped: false,
    stderr: f.stderr,
    summaryFile: f.summaryFile,
    ...(f.summaryText ? { summaryText: f.summaryText } : {}),
  };
  const out = interpretK6Run(facts, SPECS[c]);
  for (const id of expectedIds(SPECS[c]))
    assert.ok(
      out.some((o) => o.id === id),
      `${c}: expected outcome ${id}`,
    );
  return new Map(out.map((o) => [o.id.replace('k6:fx:www:', ''), o]));
}

const status = (m: Map<string, K6Outcome>) => Object.fromEntries([...m].map(([k, o]) => [k, o.status]));

test('pass: every threshold, every check and the run passed', () => {
  const m = run('pass');
  assert.deepEqual(status(m), {
    run: 'passed',
    'threshold:http_req_failed': 'passed',
    'threshold:http_req_duration{host:www}': 'passed',
    'threshold:home_marker_ok': 'passed',
    'threshold:checks': 'passed',
    'check:www status is 200': 'passed',
    'check:www has marker': 'passed',
  });
  assert.match(m.get('threshold:http_req_duration{host:www}')!.message, /p\(95\) was 6\.98 ms, within p\(95\)<800 ms/);
  assert.match(m.get('run')!.message, /k6 exited 0: 8 iterations, 8 requests, no iteration errors/);
});

test('threshold-fail: each crossed threshold failed by name with the observed value and the limit', () => {
  const m = run('threshold-fail');
  assert.equal(m.get('threshold:http_req_duration{host:www}')!.status, 'failed');
  assert.equal(
    m.get('threshold:http_req_duration{host:www}')!.message,
    'threshold crossed on http_req_duration{host:www}: p(95) was 303.57 ms, limit p(95)<100 ms',
  );
  assert.equal(
    m.get('threshold:home_marker_ok')!.message,
    'threshold crossed on home_marker_ok: rate was 0 (0 of 8 true), limit rate>0.99',
  );
  assert.equal(m.get('threshold:checks')!.message, 'threshold crossed on checks: rate was 0.5 (8 of 16 checks passed), limit rate==1.0');
  assert.equal(m.get('threshold:http_req_failed')!.status, 'passed', 'a threshold that held is not dragged down by the others');
  assert.deepEqual(m.get('threshold:checks')!.details, {
    metric: 'checks',
    expression: 'rate==1.0',
    observed: 0.5,
    limit: 1,
    ok: false,
    samples: 16,
  });
  assert.equal(m.get('check:www has marker')!.status, 'failed');
  assert.equal(m.get('check:www has marker')!.message, 'check "www has marker" failed 8 of 8 times');
  assert.equal(m.get('check:www status is 200')!.status, 'passed');
  // Exit 99 is k6 reporting the thresholds, which have their own checks: the run itself completed.
  assert.equal(m.get('run')!.status, 'passed');
  assert.match(m.get('run')!.message, /k6 exited 99.*crossed: .*http_req_duration\{host:www\} p\(95\)<100/);
});

test('refused: the connection failures fail http_req_failed and the status check', () => {
  const m = run('refused');
  assert.equal(m.get('threshold:http_req_failed')!.status, 'failed');
  assert.equal(
    m.get('threshold:http_req_failed')!.message,
    'threshold crossed on http_req_failed: rate was 1 (3 of 3 requests failed), limit rate<0.01 — k6 saw "dial tcp 127.0.0.1:1: connect: connection refused" ×3 on 127.0.0.1',
  );
  assert.equal(m.get('check:status is 200')!.status, 'failed');
  assert.match(
    m.get('check:status is 200')!.message,
    /^check "status is 200" failed 3 of 3 times — k6 saw "dial tcp 127\.0\.0\.1:1: connect: connection refused" ×3/,
  );
});

test('exception: k6 exited 0 but iterations threw, so the run failed', () => {
  const f = readFixture('exception');
  assert.equal(f.exitCode, 0, 'the fixture is the case where trusting the exit code would pass');
  const m = run('exception');
  assert.equal(m.get('run')!.status, 'failed');
  assert.equal(
    m.get('run')!.message,
    "1 iteration threw an exception, which k6 logs without failing the run (k6 exited 0): SyntaxError: invalid character '<' looking for beginning of value",
  );
  assert.equal(m.get('run')!.details.iterationErrors, 1);
});

test('init-exception: no summary, exit 107 explained, every threshold and check broken', () => {
  const m = run('init-exception');
  const r = m.get('run')!;
  assert.equal(r.status, 'broken');
  assert.equal(
    r.message,
    'k6 exited 107: the script threw an exception (in the init context or setup) — GoError: stat /home/runner/k6/missing-config.json: no such file or directory',
  );
  assert.equal(m.get('threshold:http_req_failed')!.status, 'broken');
  assert.match(m.get('threshold:http_req_failed')!.message, /^threshold http_req_failed rate<0\.01 not evaluated: k6 exited 107/);
  assert.equal(m.get('check:status is 200')!.status, 'broken');
  assert.match(m.get('check:status is 200')!.message, /not evaluated: k6 exited 107/);
});

test('exit codes: thresholds are not a run failure, abort/fail are failures, the rest is broken', () => {
  const table: [number | null, string | null][] = [
    [0, null],
    [99, null],
    [108, 'failed'],
    [110, 'failed'],
    [104, 'broken'],
    [107, 'broken'],
    [109, 'broken'],
    [255, 'broken'],
    [null, 'broken'],
  ];
  for (const [code, want] of table) assert.equal(exitMeaning(code, code === null ? 'SIGKILL' : null).status, want, `exit ${code}`);
  for (const code of [97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110])
    assert.ok(K6_EXIT_CODES[code], `exit ${code} documented`);
  assert.match(exitMeaning(255, null).meaning, /not one of k6's documented exit codes/);
  assert.match(exitMeaning(null, 'SIGKILL').meaning, /killed by SIGKILL/);
});

const pass = readFixture('pass');
const facts = (over: Partial<K6RunFacts>): K6RunFacts => ({
  exitCode: 0,
  signal: null,
  stopped: false,
  stderr: '',
  summaryFile: '/x/summary.json',
  summaryText: pass.summaryText!,
  ...over,
});
const spec = SPECS.pass;
const runOf = (f: K6RunFacts) => interpretK6Run(f, spec).find((o) => o.id.endsWith(':run'))!;

test('the run check does not trust an inconsistent or missing report', () => {
  const cases: [string, Partial<K6RunFacts>, string, RegExp][] = [
    [
      'exit 99 with no crossed threshold',
      { exitCode: 99 },
      'failed',
      /k6 exited 99 \(thresholds crossed\) but the summary shows no crossed threshold/,
    ],
    [
      'exit 0 with crossed thresholds',
      { summaryText: readFixture('threshold-fail').summaryText! },
      'failed',
      /k6 exited 0 although the summary shows crossed thresholds: checks rate==1\.0/,
    ],
    ['no summary file', { summaryText: undefined }, 'broken', /k6 wrote no summary to \/x\/summary\.json; k6 exited 0/],
    ['summary not JSON', { summaryText: '{"metrics": ' }, 'broken', /is not JSON/],
    ['summary of another shape', { summaryText: '{"metrics": {}}' }, 'broken', /is not a k6 summary: root_group/],
    ['test.abort()', { exitCode: 108 }, 'failed', /k6 exited 108: the script aborted the test with test\.abort\(\)/],
    ['stopped by the harness', { stopped: true, exitCode: 105 }, 'broken', /stopped by the harness.*k6 exited 105/],
    [
      'cannot start',
      { spawnError: 'EACCES: cannot start /x/k6: permission denied', exitCode: null },
      'broken',
      /k6 could not be started: EACCES/,
    ],
  ];
  for (const [name, over, want, msg] of cases) {
    const f = facts(over);
    if ('summaryText' in over && over.summaryText === undefined) delete f.summaryText;
    const r = runOf(f);
    assert.equal(r.status, want, name);
    assert.match(r.message, msg, name);
  }
});

test('an expected check or threshold missing from the summary is broken, not passed', () => {
  const out = interpretK6Run(facts({}), {
    ...spec,
    thresholds: { ...spec.thresholds, 'http_req_duration{host:my}': ['p(95)<800'] },
    checks: [...spec.checks, 'my status is 200'],
  });
  const by = new Map(out.map((o) => [o.id, o]));
  assert.equal(by.get('k6:fx:www:threshold:http_req_duration{host:my}')!.status, 'broken');
  assert.match(
    by.get('k6:fx:www:threshold:http_req_duration{host:my}')!.message,
    /k6 reported no samples for http_req_duration\{host:my\}/,
  );
  assert.equal(by.get('k6:fx:www:check:my status is 200')!.status, 'broken');
  assert.match(by.get('k6:fx:www:check:my status is 200')!.message, /never ran: no iteration reached it/);
});

test('k6 log lines: logfmt with quoted values, exceptions told apart from other errors', () => {
  const l = parseLogfmt('time="2026-11-26T16:00:46Z" level=error msg="a \\"b\\"\\n\\tat x" executor=shared-iterations source=stacktrace');
  assert.deepEqual([l?.level, l?.msg, l?.source, l?.fields.executor], ['error', 'a "b"\n\tat x', 'stacktrace', 'shared-iterations']);
  const lines = parseK6Log(readFixture('threshold-fail').stderr + readFixture('exception').stderr + 'not a log line\n');
  assert.equal(lines.length, 2);
  assert.deepEqual(iterationExceptions(lines), ["SyntaxError: invalid character '<' looking for beginning of value"]);
  assert.deepEqual(iterationExceptions(parseK6Log(readFixture('refused').stderr)), [], 'request warnings are not exceptions');
});

// --- issue 13: what real k6 does that a stand-in hides -------------------------------------------------------

test('causes: each failure names what k6 saw — the error_code sub-metrics and the Request Failed lines', () => {
  const m = run('request-failed-causes');
  const failed = m.get('threshold:http_req_failed')!;
  assert.equal(failed.status, 'failed');
  for (const seen of [
    'connection refused (error_code 1212) ×2',
    'request timeout (error_code 1050) ×2',
    'connection reset by peer (error_code 1220) ×2',
    'HTTP 500 (error_code 1500) ×2',
    'error_code 1000) ×2',
    '"dial tcp 127.0.0.1:1: connect: connection refused" ×2',
    '"request timeout" ×2',
  ])
    assert.ok(failed.message.includes(seen), `${seen} in ${failed.message}`);
  const codes = (failed.details.causes as { codes: { code: number }[] }).codes.map((c) => c.code).sort();
  assert.deepEqual(codes, [1000, 1050, 1212, 1220, 1500], 'codes come from the tags, not from the text');
  // The x509 error has no code of its own (1000): it is named by quoting k6's line, per host.
  const errors = (failed.details.causes as { errors: { host: string; error: string; count: number }[] }).errors;
  assert.ok(
    errors.some(
      (e) =>
        e.error.startsWith('tls: failed to verify certificate: x509: certificate has expired') && e.error.includes('current time … is'),
    ),
    JSON.stringify(errors),
  );
  assert.ok(
    errors.some((e) => e.error === 'read tcp 127.0.0.1:…->127.0.0.1:18081: read: connection reset by peer'),
    JSON.stringify(errors),
  );
  assert.equal(
    errors.find((e) => e.error.includes('connection reset'))!.count,
    2,
    'the ephemeral ports are folded, so both resets are one cause',
  );
  // The watched http_reqs{error_code:N} sub-metrics are observations, not harness thresholds.
  assert.ok(![...m.keys()].some((k) => k.includes('http_reqs{')), [...m.keys()].join(', '));
  assert.equal(m.get('run')!.status, 'passed', 'the run itself completed (exit 99: thresholds have their own checks)');
});

test("causes: a check of one host names that host's errors; a refused run is not a TLS failure", () => {
  const f = readFixture('refused');
  const facts: K6RunFacts = {
    exitCode: f.exitCode,
    signal: null,
    stopped: false,
    stderr: f.stderr,
    summaryFile: f.summaryFile,
    summaryText: f.summaryText!,
  };
  // The harness script evaluates "TLS 1.2 or newer" only when the connection got past TCP: refused → no sample.
  const out = interpretK6Run(facts, {
    ...SPECS.refused,
    checks: ['status is 200', 'TLS 1.2 or newer'],
    checkHosts: { 'status is 200': '127.0.0.1', 'TLS 1.2 or newer': '127.0.0.1' },
  });
  const tls = out.find((o) => o.id.endsWith('check:TLS 1.2 or newer'))!;
  assert.equal(tls.status, 'broken');
  assert.match(
    tls.message,
    /^check "TLS 1\.2 or newer" never ran: no request got far enough to check it — k6 saw "dial tcp 127\.0\.0\.1:1: connect: connection refused" ×3/,
  );
  const other = interpretK6Run(facts, { ...SPECS.refused, checkHosts: { 'status is 200': 'www.elsewhere.test' } }).find((o) =>
    o.id.endsWith('check:status is 200'),
  )!;
  assert.equal(other.message, 'check "status is 200" failed 3 of 3 times', "another host's errors are not this check's");
});

test('no data: a threshold on a metric with no samples is broken, though real k6 wrote ok: true', () => {
  const m = run('no-samples');
  const sso = m.get('threshold:http_req_duration{host:sso}')!;
  assert.equal(sso.status, 'broken');
  assert.equal(
    sso.message,
    'no data: k6 recorded no samples for http_req_duration{host:sso}, so p(95)<1500 was not evaluated (k6 reports it ok: true)',
  );
  assert.equal(m.get('threshold:sso_marker_ok')!.status, 'broken');
  assert.equal(m.get('threshold:checks')!.status, 'broken', 'rate>=1 with no check() call is not a pass');
  assert.equal(m.get('threshold:http_req_duration{host:www}')!.status, 'passed');
  assert.equal(m.get('threshold:http_req_duration{host:www}')!.details.samples, 3, 'count from summaryTrendStats');
  // A rate's passes and fails are counted, and shown.
  assert.match(run('threshold-fail').get('threshold:checks')!.message, /\(8 of 16 checks passed\)/);
  assert.equal(run('threshold-fail').get('threshold:checks')!.details.samples, 16);
});

test('latency over successful responses: all refused → the expected_response:true duration has no data, so broken, not passed', () => {
  const f = readFixture('refused');
  const facts: K6RunFacts = {
    exitCode: 99,
    signal: null,
    stopped: false,
    stderr: f.stderr,
    summaryFile: f.summaryFile,
    summaryText: f.summaryText!,
  };
  // What real k6 writes for that threshold when no response was expected_response:true: zero values, ok: true.
  const summary = JSON.parse(f.summaryText!);
  summary.metrics['http_req_duration{expected_response:true}'] = {
    type: 'trend',
    contains: 'time',
    values: { avg: 0, min: 0, med: 0, max: 0, 'p(90)': 0, 'p(95)': 0, 'p(99)': 0, count: 0 },
    thresholds: { 'p(95)<1500': { ok: true } },
  };
  const out = interpretK6Run(
    { ...facts, summaryText: JSON.stringify(summary) },
    { ...SPECS.refused, thresholds: { http_req_failed: ['rate<0.01'], 'http_req_duration{expected_response:true}': ['p(95)<1500'] } },
  );
  const d = out.find((o) => o.id.endsWith('threshold:http_req_duration{expected_response:true}'))!;
  assert.equal(d.status, 'broken');
  assert.match(d.message, /^no data: k6 recorded no samples for http_req_duration\{expected_response:true\}.* — k6 saw "dial tcp/);
  // In the causes recording the 500s and errors are left out of it: p(95) over the two 200s only.
  assert.match(
    run('request-failed-causes').get('threshold:http_req_duration{expected_response:true}')!.message,
    /p\(95\) was 4\.19 ms, within p\(95\)<1000 ms/,
  );
});

test('stops: iterations cut off by gracefulStop are said to be cut off, not "the load never ran"', () => {
  const m = run('interrupted-graceful0');
  const r = m.get('run')!;
  assert.equal(r.status, 'failed');
  assert.doesNotMatch(r.message, /the load never ran/);
  assert.match(
    r.message,
    /^no iteration completed \(k6 exited 0\): iterations in flight were cut off when the duration and graceful stop ran out after 2\.0 s \(k6 keeps no metric of a cut-off iteration\): requests were sent \(162 B\) but got no complete answer before the stop$/,
  );
  assert.equal(m.get('check:status is 200')!.status, 'broken');
  assert.match(m.get('check:status is 200')!.message, /never ran: iterations in flight were cut off/);
  assert.equal(m.get('threshold:checks')!.status, 'broken', 'checks rate==1.0 ok: true with 0 of 0 is no data');
  // With the default gracefulStop the iterations finished (4 s for a 2 s duration): nothing was cut off.
  assert.equal(run('interrupted').get('run')!.status, 'passed');
  // A harness script counts the iterations it starts: the count cut off is then known.
  const f = readFixture('interrupted-graceful0');
  const s = JSON.parse(f.summaryText!);
  s.metrics.harness_iterations_started = { type: 'counter', contains: 'default', values: { count: 2, rate: 1 } };
  const out = interpretK6Run(
    { exitCode: 0, signal: null, stopped: false, stderr: f.stderr, summaryFile: f.summaryFile, summaryText: JSON.stringify(s) },
    SPECS['interrupted-graceful0'],
  );
  assert.match(out[0]!.message, /: 2 iterations were cut off when the duration and graceful stop ran out/);
  assert.equal((out[0]!.details.interrupted as { cutOff: number }).cutOff, 2);
});

test("abort (108) and fail (110) fail the run with k6's reason, though every threshold says ok: true", () => {
  const a = run('abort').get('run')!;
  assert.equal(a.status, 'failed');
  assert.match(a.message, /^k6 exited 108: the script aborted the test with test\.abort\(\) — test aborted: reason text/);
  const f = run('fail').get('run')!;
  assert.equal(f.status, 'failed');
  assert.match(f.message, /^k6 exited 110: .* — test marked as failed: reason/);
});
