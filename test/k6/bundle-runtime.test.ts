// Runs the built bundles, unchanged, on a STUB k6 runtime (a stand-in for k6's `k6` and `k6/http` modules,
// not k6): the plan from HARNESS_K6 becomes the options (hosts pins, thresholds, load), each iteration
// requests the right URLs and makes exactly the checks the harness expects, handleSummary writes the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { build } from 'esbuild';
import type { Plugin } from 'esbuild';
import { bundleScript } from '../../k6/build/bundle.ts';
import { allCheckNames, PLAN_ENV, SUMMARY_ENV } from '../../k6/contract.ts';
import type { K6RunPlan, ScriptName } from '../../k6/contract.ts';
import { readFixture, tmpDir } from './helpers.ts';

interface Stub {
  requests: { url: string; params: { tags?: Record<string, string>; timeout?: string } }[];
  checks: Record<string, boolean[]>;
  respond: (url: string) => { status: number; body: string; headers: Record<string, string>; tls_version: string; error_code?: number };
  counters?: Record<string, number>;
}
interface Loaded {
  options: { hosts: Record<string, string>; thresholds: Record<string, string[]>; scenarios: Record<string, unknown> };
  default: () => void;
  handleSummary: (d: unknown) => Record<string, string>;
}

const STUB_K6 = `export function check(v, sets) { let ok = true; for (const [n, f] of Object.entries(sets)) { const r = Boolean(f(v)); (globalThis.__stub.checks[n] ??= []).push(r); ok &&= r; } return ok; }
export function sleep() {}
export function group(_n, f) { return f(); }`;
const STUB_METRICS = `export class Counter { constructor(n) { this.n = n; } add(v) { const c = (globalThis.__stub.counters ??= {}); c[this.n] = (c[this.n] ?? 0) + v; } }`;
const STUB_HTTP = `export const TLS_1_2 = 'tls1.2'; export const TLS_1_3 = 'tls1.3';
const expectedStatuses = (...want) => ({ want });
export default { TLS_1_2, TLS_1_3, expectedStatuses, get(url, params) { globalThis.__stub.requests.push({ url, params }); return { error_code: 0, ...globalThis.__stub.respond(url) }; } };`;

const stubRuntime: Plugin = {
  name: 'stub-k6-runtime',
  setup(b) {
    b.onResolve({ filter: /^k6(\/http|\/metrics)?$/ }, (a) => ({ path: a.path, namespace: 'stub' }));
    b.onLoad({ filter: /.*/, namespace: 'stub' }, (a) => ({
      contents: a.path === 'k6' ? STUB_K6 : a.path === 'k6/metrics' ? STUB_METRICS : STUB_HTTP,
      loader: 'js',
    }));
  },
};

let seq = 0;
async function load(script: ScriptName, env: Record<string, string>, stub: Stub): Promise<Loaded> {
  const bundle = await bundleScript(script, tmpDir('k6-dist'));
  const r = await build({
    entryPoints: [bundle.file],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    plugins: [stubRuntime],
    logLevel: 'silent',
    outdir: tmpDir('k6-rt'),
  });
  Object.assign(globalThis, { __ENV: env, __stub: stub });
  // A unique trailing comment makes each import a fresh module, so init code reads this test's __ENV.
  return (await import(`data:text/javascript;base64,${Buffer.from(r.outputFiles[0]!.text + `\n//${seq++}`).toString('base64')}`)) as Loaded;
}

const plan = (script: ScriptName, over: Partial<K6RunPlan> = {}): K6RunPlan => ({
  script,
  targets: [
    { key: 'www2', name: 'www2.invoicecloud.test', path: '/', marker: 'InvoiceCloud', expectStatus: 200, address: '127.0.0.1:20100' },
  ],
  identityHeader: 'x-served-by',
  thresholds: { http_req_failed: ['rate<0.01'], http_req_duration: ['p(95)<1500'], checks: ['rate>=1'] },
  load: { vus: 2, duration: '5s', pauseMs: 0, requestTimeout: '10s' },
  ...over,
});
const healthy =
  (server = 'IC-Web3') =>
  () => ({ status: 200, body: '<h1>InvoiceCloud</h1>', headers: { 'X-Served-By': server }, tls_version: 'tls1.3' });

test('connection-sanity: options come from the plan, the request keeps the host name, the checks are the expected ones', async () => {
  const stub: Stub = { requests: [], checks: {}, respond: healthy() };
  const p = plan('connection-sanity');
  const m = await load('connection-sanity', { [PLAN_ENV]: JSON.stringify(p) }, stub);
  assert.deepEqual(m.options.hosts, { 'www2.invoicecloud.test': '127.0.0.1:20100' });
  for (const [metric, exprs] of Object.entries(p.thresholds)) assert.deepEqual(m.options.thresholds[metric], exprs, metric);
  // The causes k6 saw reach the summary only through sub-metrics with thresholds: never crossed (count>=0).
  assert.deepEqual(m.options.thresholds['http_reqs{error_code:1212}'], ['count>=0']);
  assert.deepEqual(m.options.thresholds['http_reqs{error_code:1503}'], ['count>=0']);
  // The graceful stop is set, never k6's 30 s default; count tells an empty trend from a measured one.
  assert.deepEqual(m.options.scenarios, { 'connection-sanity': { executor: 'constant-vus', vus: 2, duration: '5s', gracefulStop: '10s' } });
  assert.ok((m.options as { summaryTrendStats?: string[] }).summaryTrendStats?.includes('count'));
  const lab = await load(
    'connection-sanity',
    {
      [PLAN_ENV]: JSON.stringify(
        plan('connection-sanity', { load: { vus: 1, duration: '5s', pauseMs: 0, requestTimeout: '10s', gracefulStop: '1s' } }),
      ),
    },
    stub,
  );
  assert.deepEqual(lab.options.scenarios, {
    'connection-sanity': { executor: 'constant-vus', vus: 1, duration: '5s', gracefulStop: '1s' },
  });
  m.default();
  assert.equal(stub.counters?.harness_iterations_started, 1, 'each iteration counts itself when it starts');
  assert.deepEqual(
    stub.requests.map((r) => [r.url, r.params.tags?.host, r.params.timeout]),
    [['https://www2.invoicecloud.test/', 'www2', '10s']],
  );
  assert.deepEqual(Object.keys(stub.checks).sort(), allCheckNames(p).sort());
  assert.ok(
    Object.values(stub.checks).every((r) => r.every(Boolean)),
    JSON.stringify(stub.checks),
  );
});

test('the checks fail on what they check: status, marker, identity header, TLS version', async () => {
  const stub: Stub = {
    requests: [],
    checks: {},
    respond: () => ({ status: 503, body: 'Scheduled maintenance', headers: {}, tls_version: 'tls1.0' }),
  };
  const m = await load('connection-sanity', { [PLAN_ENV]: JSON.stringify(plan('connection-sanity')) }, stub);
  m.default();
  assert.deepEqual(stub.checks, {
    'status is 200': [false],
    'page has marker': [false],
    'served by a web server': [false],
    'TLS 1.2 or newer': [false],
  });
});

test('a refused connection is not a TLS failure: the TLS check is made only when the request got past TCP', async () => {
  const refused: Stub = {
    requests: [],
    checks: {},
    respond: () => ({ status: 0, body: '', headers: {}, tls_version: '', error_code: 1212 }),
  };
  const m = await load('connection-sanity', { [PLAN_ENV]: JSON.stringify(plan('connection-sanity')) }, refused);
  m.default();
  assert.deepEqual(refused.checks, { 'status is 200': [false], 'page has marker': [false], 'served by a web server': [false] });
  // An expired certificate (k6: status 0, error_code 1000) is a TLS failure and says so.
  const expired: Stub = {
    requests: [],
    checks: {},
    respond: () => ({ status: 0, body: '', headers: {}, tls_version: '', error_code: 1000 }),
  };
  const e = await load('connection-sanity', { [PLAN_ENV]: JSON.stringify(plan('connection-sanity')) }, expired);
  e.default();
  assert.deepEqual(expired.checks['TLS 1.2 or newer'], [false]);
});

test('backend-sweep: the identity header must name the swept server', async () => {
  const p = plan('backend-sweep', {
    server: 'IC-Web7',
    targets: ['www', 'my'].map((k) => ({
      key: k,
      name: `${k}.invoicecloud.test`,
      path: '/',
      marker: 'InvoiceCloud',
      expectStatus: 200,
      address: '127.0.0.1:20007',
    })),
  });
  const stub: Stub = { requests: [], checks: {}, respond: healthy('IC-Web3') };
  const m = await load('backend-sweep', { [PLAN_ENV]: JSON.stringify(p) }, stub);
  assert.deepEqual(m.options.hosts, { 'www.invoicecloud.test': '127.0.0.1:20007', 'my.invoicecloud.test': '127.0.0.1:20007' });
  m.default();
  assert.deepEqual(stub.checks['www served by IC-Web7'], [false], 'answered by IC-Web3, not the swept server');
  assert.deepEqual(stub.checks['www status is 200'], [true]);
});

test('handleSummary writes the JSON where the harness asked, and a short text on stdout', async () => {
  const file = `${tmpDir('k6-sum')}/summary.json`;
  const stub: Stub = { requests: [], checks: {}, respond: healthy() };
  const m = await load('smoke-load', { [PLAN_ENV]: JSON.stringify(plan('smoke-load')), [SUMMARY_ENV]: file }, stub);
  const data = JSON.parse(readFixture('threshold-fail').summaryText!) as unknown;
  const out = m.handleSummary(data);
  assert.deepEqual(Object.keys(out).sort(), [file, 'stdout'].sort());
  assert.deepEqual(JSON.parse(out[file]!), data);
  assert.match(out.stdout!, /CROSSED http_req_duration\{host:www\} p\(95\)<100/);
  assert.match(out.stdout!, /FAILED {2}check "www has marker" 0 passed, 8 failed/);
  const operator = await load('smoke-load', { [PLAN_ENV]: JSON.stringify(plan('smoke-load')) }, stub);
  assert.deepEqual(Object.keys(operator.handleSummary(data)), ['stdout'], 'without HARNESS_SUMMARY (operator runners) only stdout');
});

test('a missing or wrong plan stops the script in its init code with a message saying why', async () => {
  const stub: Stub = { requests: [], checks: {}, respond: healthy() };
  await assert.rejects(load('connection-sanity', {}, stub), /HARNESS_K6 is invalid: not set/);
  await assert.rejects(
    load('connection-sanity', { [PLAN_ENV]: JSON.stringify(plan('smoke-load')) }, stub),
    /script is smoke-load, expected connection-sanity/,
  );
  const two = plan('connection-sanity', {
    targets: [...plan('x' as ScriptName).targets, { key: 'my', name: 'my.invoicecloud.test', path: '/', marker: 'm', expectStatus: 200 }],
  });
  await assert.rejects(load('connection-sanity', { [PLAN_ENV]: JSON.stringify(two) }, stub), /connection-sanity checks exactly one host/);
  await assert.rejects(
    load(
      'connection-sanity',
      {
        [PLAN_ENV]: JSON.stringify(
          plan('connection-sanity', { targets: [{ ...plan('x' as ScriptName).targets[0]!, address: 'not an address' }] }),
        ),
      },
      stub,
    ),
    /address must be host:port/,
  );
});

test('a host that must answer with the maintenance page: its 503 is the expected response (not a failed request, in the latency)', async () => {
  const stub: Stub = {
    requests: [],
    checks: {},
    respond: () => ({ status: 503, body: 'Scheduled maintenance', headers: { 'X-Served-By': 'IC-Web1' }, tls_version: 'tls1.3' }),
  };
  const p = plan('connection-sanity', {
    targets: [{ key: 'www', name: 'www.invoicecloud.test', path: '/', marker: 'Scheduled maintenance', expectStatus: 503 }],
  });
  const m = await load('connection-sanity', { [PLAN_ENV]: JSON.stringify(p) }, stub);
  m.default();
  assert.deepEqual((stub.requests[0]!.params as { responseCallback?: unknown }).responseCallback, { want: [{ min: 200, max: 399 }, 503] });
  const normal: Stub = { requests: [], checks: {}, respond: healthy() };
  (await load('connection-sanity', { [PLAN_ENV]: JSON.stringify(plan('connection-sanity')) }, normal)).default();
  assert.equal(
    (normal.requests[0]!.params as { responseCallback?: unknown }).responseCallback,
    undefined,
    "k6's default (200–399) otherwise",
  );
});
