#!/usr/bin/env node
// TEST DOUBLE — NOT k6 (no k6 can be installed here). `k6 run <bundle>` as real k6 v1.3.0 behaves in the
// recordings (test/k6/fixtures, README "What real k6 does that a stand-in hides"): Request Failed warnings with
// Go-like errors and error_code/status tags, sub-metrics with zero values and ok: true Rate thresholds when empty,
// gracefulStop (default 30 s) cutting iterations off without a trace but a warning, exit 0/99/105/107.
// Requests go through curl (hosts pins → --connect-to, a name as pin dials 0.0.0.0 as k6 does; SSL_CERT_FILE →
// --cacert, verification on). VUs take turns per iteration (http.get is synchronous), which is enough for the
// harness: it reads outcomes, not throughput.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { emit, summaryData, crossedThresholds, durationMs } from './metrics.mjs';

const args = process.argv.slice(2);
const bundle = args.at(-1);
const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const q = (s) => `"${String(s).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t')}"`;
const log = (level, msg, extra = '') => process.stderr.write(`time="${now()}" level=${level} msg=${q(msg)}${extra}\n`);
if (args[0] !== 'run' || !bundle) {
  process.stderr.write('stand-in k6: only "k6 run [flags] <script>" is supported\n');
  process.exit(255);
}

const CUT = Symbol('cut off by the graceful stop');
const t0 = performance.now();
let hardStopAt = Infinity;
let stopRequested = false;
let exitCode = 0;
process.on('SIGTERM', () => {
  stopRequested = true; // real k6: stops, writes the summary, exits 105
  exitCode = 105;
});

// --- k6 modules -------------------------------------------------------------------------------------------
const rootChecks = new Map();
const parseDur = (d, dflt) => (d === undefined ? dflt : durationMs(String(d)));
function sleepMs(ms) {
  const until = Math.min(performance.now() + ms, hardStopAt);
  if (until > performance.now()) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, until - performance.now());
  if (performance.now() >= hardStopAt) throw CUT;
}

const GO_ERRORS = (curl, stderr, u, dial) => {
  const host = `${dial.host}:${dial.port}`;
  if (curl === 7) return [1212, `dial tcp ${host}: connect: connection refused`];
  if (curl === 28) return [1050, 'request timeout'];
  if (curl === 6) return [1101, `lookup ${u.hostname}: no such host`];
  if (curl === 56 || curl === 55) return [1220, `read tcp 127.0.0.1:${40000 + Math.floor(Math.random() * 20000)}->${host}: read: connection reset by peer`];
  if (curl === 52) return [1000, 'EOF'];
  if ([35, 51, 58, 60].includes(curl)) {
    if (/expired/i.test(stderr)) return [1000, `tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time ${now()} is after the certificate's NotAfter`];
    if (/subject name|alternative/i.test(stderr)) return [1311, `tls: failed to verify certificate: x509: certificate is not valid for ${u.hostname}`];
    if (/issuer|local issuer|self.signed|unknown ca/i.test(stderr)) return [1310, 'tls: failed to verify certificate: x509: certificate signed by unknown authority'];
    return [1300, 'remote error: tls: handshake failure'];
  }
  return [1000, `curl exit ${curl}`];
};

const options = {};
function get(url, params = {}) {
  const u = new URL(url);
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  const pin = options.hosts?.[u.hostname];
  // k6 parses a hosts value with net.ParseIP: a name gives nil and k6 dials ":port", i.e. 0.0.0.0 (fixtures/hosts-dns-name).
  let dial = { host: u.hostname, port };
  if (pin) {
    const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(pin) ?? [null, pin, port];
    dial = { host: isIP(m[1]) ? m[1] : '0.0.0.0', port: m[2] };
  }
  const timeoutMs = parseDur(params.timeout, 60_000);
  const left = hardStopAt - performance.now();
  const maxMs = Math.max(1, Math.min(timeoutMs, left));
  const ca = process.env.SSL_CERT_FILE ? ['--cacert', process.env.SSL_CERT_FILE, '--capath', '/etc/ssl/certs'] : [];
  const connectTo = pin ? ['--connect-to', `${u.hostname}:${port}:${dial.host.includes(':') ? `[${dial.host}]` : dial.host}:${dial.port}`] : [];
  const started = performance.now();
  const r = spawnSync('curl', ['-sS', '-v', '--max-time', (maxMs / 1000).toFixed(3), ...ca, ...connectTo, '-D', '-', url], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const took = performance.now() - started;
  const connected = /Connected to/.test(r.stderr);
  if (connected) emit('data_sent', 'counter', 120, {});
  if (r.status === 28 && maxMs < timeoutMs && performance.now() >= hardStopAt - 5) throw CUT; // cut off: k6 records nothing of it
  const tags = { ...options.tags, ...params.tags, method: 'GET', url, name: params.tags?.name ?? url, scenario: currentScenario, proto: 'HTTP/1.1' };
  let res;
  if (r.status !== 0) {
    const [code, text] = GO_ERRORS(r.status, r.stderr, u, dial);
    log('warning', 'Request Failed', ` error=${q(`Get ${q(url)}: ${text}`)}`);
    res = { status: 0, body: null, headers: {}, tls_version: '', error: text, error_code: code };
    Object.assign(tags, { status: '0', error_code: String(code), expected_response: 'false' });
  } else {
    const [head = '', ...rest] = r.stdout.split('\r\n\r\n');
    const [statusLine = '', ...lines] = head.split('\r\n');
    const status = Number(statusLine.split(' ')[1]);
    const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).replace(/(^|-)([a-z])/g, (_, a, b) => a + b.toUpperCase()), l.slice(l.indexOf(':') + 1).trim()]));
    const tls = /SSL connection using TLSv1\.(\d)/.exec(r.stderr)?.[1];
    const ok = status >= 200 && status < 400;
    res = { status, body: rest.join('\r\n\r\n'), headers, tls_version: tls ? `tls1.${tls}` : '', error: ok ? '' : '', error_code: status >= 400 ? 1000 + status : 0 };
    Object.assign(tags, { status: String(status), expected_response: String(ok), ...(status >= 400 ? { error_code: String(1000 + status) } : {}), ...(tls ? { tls_version: `tls1.${tls}` } : {}) });
    emit('data_received', 'counter', r.stdout.length, {});
  }
  const duration = res.status === 0 && res.error_code !== 1050 ? 0 : took;
  emit('http_reqs', 'counter', 1, tags);
  emit('http_req_duration', 'trend', duration, tags, 'time');
  emit('http_req_failed', 'rate', tags.expected_response === 'false' ? 1 : 0, tags);
  return res;
}

function check(val, sets, tags = {}) {
  let all = true;
  for (const [name, f] of Object.entries(sets)) {
    const ok = Boolean(typeof f === 'function' ? f(val) : f);
    all &&= ok;
    emit('checks', 'rate', ok ? 1 : 0, { ...options.tags, ...tags, check: name, scenario: currentScenario });
    const c = rootChecks.get(name) ?? { name, path: `::${name}`, id: name, passes: 0, fails: 0 };
    c[ok ? 'passes' : 'fails'] += 1;
    rootChecks.set(name, c);
  }
  return all;
}

class Metric {
  constructor(name, type, isTime) {
    Object.assign(this, { name, type, contains: type === 'trend' && isTime ? 'time' : 'default' });
  }
  add(v, tags = {}) {
    emit(this.name, this.type, typeof v === 'boolean' ? Number(v) : v, { ...options.tags, ...tags }, this.contains);
  }
}
let currentScenario = 'default';
globalThis.__k6 = {
  check, sleep: (s) => sleepMs(s * 1000), group: (_n, f) => f(),
  http: { get, TLS_1_2: 'tls1.2', TLS_1_3: 'tls1.3' },
  metrics: {
    Counter: class extends Metric { constructor(n) { super(n, 'counter'); } },
    Rate: class extends Metric { constructor(n) { super(n, 'rate'); } },
    Trend: class extends Metric { constructor(n, t) { super(n, 'trend', t); } },
    Gauge: class extends Metric { constructor(n) { super(n, 'gauge'); } },
  },
};
globalThis.__ENV = { ...process.env };

// --- load the script with the k6 modules swapped for the above ----------------------------------------------
const MODULES = {
  k6: 'const k = globalThis.__k6; export const check = k.check, sleep = k.sleep, group = k.group; export default k;',
  'k6/http': 'const h = globalThis.__k6.http; export default h; export const get = h.get, TLS_1_2 = h.TLS_1_2, TLS_1_3 = h.TLS_1_3;',
  'k6/metrics': 'const m = globalThis.__k6.metrics; export const Counter = m.Counter, Rate = m.Rate, Trend = m.Trend, Gauge = m.Gauge;',
};
const work = mkdtempSync(join(tmpdir(), 'k6-stand-in-'));
let mod;
try {
  const file = join(work, 'script.mjs');
  await build({
    entryPoints: [bundle], bundle: true, format: 'esm', platform: 'neutral', outfile: file, logLevel: 'silent',
    plugins: [{ name: 'k6-modules', setup(b) {
      b.onResolve({ filter: /^k6(\/.*)?$/ }, (a) => ({ path: a.path, namespace: 'k6' }));
      b.onLoad({ filter: /.*/, namespace: 'k6' }, (a) => ({ contents: MODULES[a.path] ?? `throw new Error('unknown module ${a.path}')`, loader: 'js' }));
    } }],
  });
  mod = await import(pathToFileURL(file).href);
} catch (e) {
  // Real k6: an exception in the init context is logged with hint="script exception", no summary, exit 107.
  log('error', `${e?.message ?? e}\n\tat ${bundle}\n`, ' hint="script exception"');
  process.exit(107);
} finally {
  rmSync(work, { recursive: true, force: true });
}

// --- run the scenario -----------------------------------------------------------------------------------------
Object.assign(options, mod.options ?? {});
const [scenarioName, sc] = Object.entries(options.scenarios ?? { default: { executor: 'shared-iterations', vus: options.vus ?? 1, iterations: options.iterations ?? 1 } })[0];
currentScenario = scenarioName;
const vus = sc.vus ?? 1;
emit('vus', 'gauge', vus, {});
emit('vus_max', 'gauge', vus, {});
const durMs = sc.executor === 'constant-vus' ? durationMs(sc.duration) : Infinity;
hardStopAt = t0 + durMs + parseDur(sc.gracefulStop, 30_000);
let iterations = 0;
let completed = 0;
const iterate = mod.default ?? (() => {});
run: while (!stopRequested) {
  for (let vu = 0; vu < vus; vu += 1) {
    if (stopRequested || performance.now() - t0 >= durMs || (sc.iterations !== undefined && iterations >= sc.iterations)) break run;
    iterations += 1;
    const began = performance.now();
    try {
      iterate();
    } catch (e) {
      if (e === CUT) break run; // in flight when the graceful stop ran out: no iteration sample
      log('error', `${e?.name ?? 'Error'}: ${e?.message ?? e}\n\tat default (file://${bundle})\n`, ` executor=${sc.executor} scenario=${scenarioName} source=stacktrace`);
    }
    emit('iterations', 'counter', 1, {});
    emit('iteration_duration', 'trend', performance.now() - began, {}, 'time');
    completed += 1;
    await new Promise((r) => setImmediate(r)); // let a SIGTERM in
  }
}
if (completed === 0 && !stopRequested) log('warning', 'No script iterations fully finished, consider making the test duration longer');

// --- summary, handleSummary, exit code --------------------------------------------------------------------------
const data = summaryData({ options, checks: [...rootChecks.values()], testRunDurationMs: performance.now() - t0 });
const out = mod.handleSummary ? mod.handleSummary(data) : { stdout: '' };
for (const [k, v] of Object.entries(out ?? {})) {
  if (k === 'stdout') process.stdout.write(v);
  else if (k === 'stderr') process.stderr.write(v);
  else writeFileSync(k, v);
}
const crossed = crossedThresholds(data);
if (crossed.length) log('error', `thresholds on metrics '${crossed.join(', ')}' have been crossed`);
process.exit(exitCode || (crossed.length ? 99 : 0));
