// The k6 planner: which runs each phase makes, the environment each k6 gets (targets pinned through `hosts`,
// the lab CA through SSL_CERT_FILE), k6 missing → broken with the install hint, and the results through the runner.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import rawConfig from '../../harness.config.ts';
import { parseConfig } from '../../core/config/load.ts';
import type { HarnessConfig } from '../../core/config/schema.ts';
import type { ResolvedEstate } from '../../estate/model.ts';
import { severityOf } from '../../core/plan.ts';
import type { Step } from '../../core/window/schema.ts';
import { juneStep } from '../support/window.ts';
import { CheckResult } from '../../core/result.ts';
import type { CheckResult as Result } from '../../core/result.ts';
import type { BatchTask, Task } from '../../core/task.ts';
import { runTasks } from '../../core/runner.ts';
import { decide } from '../../core/gate.ts';
import type { LabManifest } from '../../lab/manifest.ts';
import { K6Params, k6Kind, makeK6Planner } from '../../k6/plan.ts';
import { parseRunPlan } from '../../k6/contract.ts';
import type { K6RunPlan } from '../../k6/contract.ts';
import { DEFAULT_INSTALL_HINT, K6Config } from '../../k6/config.ts';
import { runPlanFor } from '../../k6/adapter/run-plan.ts';
import { fakeK6, tmpDir } from './helpers.ts';

const config: HarnessConfig = parseConfig(rawConfig);
const servers = Array.from({ length: 10 }, (_, i) => ({ name: `IC-Web${i + 1}`, address: '127.0.0.1', port: 20_001 + i }));

function labEstate(): ResolvedEstate {
  const dir = tmpDir('k6-lab');
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nnot a real CA, the fake k6 never reads it\n-----END CERTIFICATE-----\n');
  const hosts = config.estate.hosts.map((h) => ({
    key: h.key,
    name: `${h.label}.invoicecloud.test`,
    marker: h.marker,
    path: h.path,
    maintenancePage: h.maintenancePage,
  }));
  const gateway = { name: 'agw-pri-appgateway0-prd', address: '127.0.0.1', port: 20_100 };
  const ilb = { name: 'IC-LB-WebSVR-4AppSVR', address: '127.0.0.1', port: 20_101 };
  const lab = { caFile, domain: 'invoicecloud.test', webServers: servers, gateway, ilb } as Partial<LabManifest> as LabManifest;
  return {
    env: 'lab',
    domain: 'invoicecloud.test',
    hosts,
    webServers: servers,
    gateway: { ...gateway, identityHeader: 'x-served-by' },
    ilb: { ...ilb, identityHeader: 'x-served-by' },
    services: [],
    maintenance: config.estate.maintenance,
    tokens: config.estate.tokens,
    account: { user: undefined, password: undefined },
    lab,
  };
}

type PhaseId =
  | 'pre-maintenance'
  | 'web1-5'
  | 'web6-10'
  | 'maintenance-start'
  | 'internal-network'
  | 'dns-migration'
  | 'post-window'
  | 'regression';
/** The k6 tasks of a June step, each k6 check through the k6 kind's planner with the severity the window gives it. */
const plan = (step: Step | PhaseId, opts: Parameters<typeof makeK6Planner>[0] = {}, cfg = config, estate = labEstate()) => {
  const s = typeof step === 'string' ? juneStep(step) : step;
  const planner = makeK6Planner({ distDir: tmpDir('k6-dist'), ...opts });
  return s.checks
    .filter((c) => c.kind === 'k6')
    .flatMap((c) =>
      planner(
        { step: s, config: cfg, estate, runDir: tmpDir('k6-run') },
        K6Params.parse({ script: (c as { script: string }).script, hosts: (c as { hosts: string[] }).hosts }),
        severityOf(c, k6Kind, cfg.policy.severity),
      ),
    );
};

async function collect(task: Task, runDir = tmpDir('k6-run')): Promise<Map<string, Result>> {
  assert.equal(task.type, 'batch');
  const out = new Map<string, Result>();
  await (task as BatchTask).run({ signal: new AbortController().signal, runDir, emit: (r) => out.set(r.id, CheckResult.parse(r)) });
  return out;
}

test('each phase plans the runs of the issue: www2 during the window, every host + smoke-load after it, every script in regression', () => {
  const ids = (p: PhaseId) => plan(p).map((t) => t.id);
  assert.deepEqual(ids('internal-network'), ['k6:connection-sanity:www2']);
  assert.deepEqual(ids('dns-migration'), ['k6:connection-sanity:www2']);
  assert.deepEqual(ids('post-window'), [
    'k6:connection-sanity:www',
    'k6:connection-sanity:www2',
    'k6:connection-sanity:my',
    'k6:connection-sanity:sso',
    'k6:smoke-load:www+my+sso',
  ]);
  assert.deepEqual(ids('regression'), [...ids('post-window'), ...servers.map((s) => `k6:backend-sweep:${s.name}`)]);
  for (const p of ['pre-maintenance', 'web1-5', 'web6-10', 'maintenance-start'] as const) assert.deepEqual(ids(p), [], p);
  const [www2] = plan('internal-network');
  assert.ok(www2!.expected.includes('k6:connection-sanity:www2:threshold:http_req_failed'));
  assert.ok(
    www2!.expected.includes('k6:connection-sanity:www2:threshold:http_req_duration{expected_response:true}'),
    'latency over successful responses only',
  );
  assert.ok(www2!.expected.includes('k6:connection-sanity:www2:threshold:checks'));
  assert.ok(www2!.expected.includes('k6:connection-sanity:www2:check:status is 200'));
  assert.ok(www2!.expected.includes('k6:connection-sanity:www2:run'));
  assert.deepEqual(
    [www2!.kind, www2!.family, www2!.severity, www2!.timeoutMs],
    ['k6', 'k6', 'critical', config.policy.timeouts.k6Ms + 10_000],
    'the June window marks www2 blocking',
  );
  // Queued runs wait for a slot (production: one k6 at a time): the outer limit covers the queue, not only the run.
  const regression = plan('regression', {}, config, { ...labEstate(), lab: undefined });
  assert.equal(regression[0]!.timeoutMs, config.policy.timeouts.k6Ms * regression.length + 10_000);
  assert.deepEqual(www2!.target, { host: 'www2.invoicecloud.test' });
});

test('k6 absent: every planned k6 check is broken, says how to install k6, and a critical one keeps the verdict from go', async () => {
  const critical = parseConfig({ ...rawConfig, policy: { severity: { k6: 'critical' } } });
  const tasks = plan('internal-network', { env: { PATH: '/nonexistent' } }, critical);
  const results = await collect(tasks[0]!);
  assert.deepEqual([...results.keys()].sort(), [...tasks[0]!.expected].sort());
  for (const r of results.values()) {
    assert.equal(r.status, 'broken');
    assert.equal(r.kind, 'k6');
    assert.equal(r.severity, 'critical');
    const why = r.id.endsWith(':run') ? ' (no k6 found on PATH and K6_BIN is not set)' : '';
    assert.equal(r.message, `${DEFAULT_INSTALL_HINT}${why}`);
    assert.match(r.message!, /install k6 v0\.52 or later .*brew install k6.*set K6_BIN/);
    assert.deepEqual([r.attempts, r.flaky], [1, false]);
    assert.ok(!Number.isNaN(Date.parse(r.startedAt)));
  }
  const sanityPassed: Result = {
    id: 'sanity:IC-Web1:www2:/',
    kind: 'sanity',
    title: 'www2 on IC-Web1',
    target: { server: 'IC-Web1', host: 'www2.invoicecloud.test' },
    severity: 'critical',
    status: 'passed',
    attempts: 1,
    flaky: false,
    startedAt: new Date().toISOString(),
    durationMs: 5,
  };
  const planned = [
    sanityPassed,
    ...tasks[0]!.expected.map((id) => ({ id, kind: 'k6' as const, title: id, severity: 'critical' as const, target: tasks[0]!.target })),
  ];
  const verdict = decide({ step: juneStep('internal-network'), checks: [sanityPassed, ...results.values()], planned });
  assert.notEqual(verdict.verdict, 'go');
  assert.ok(
    verdict.reasons.some((r) => r.startsWith('k6:connection-sanity:www2:run broken: k6 is not installed')),
    verdict.reasons.join('\n'),
  );
  // The same run with k6 merely major: reported, but the gate's policy lets it pass as a warning.
  const major = decide({
    step: juneStep('internal-network'),
    checks: [sanityPassed, ...[...results.values()].map((r) => ({ ...r, severity: 'major' as const }))],
    planned: [sanityPassed],
  });
  assert.equal(major.verdict, 'go');
  assert.ok(major.warnings.some((w) => w.includes('k6 is not installed')));
});

test('K6_BIN that is not executable is named in the broken message', async () => {
  const results = await collect(plan('internal-network', { env: { K6_BIN: '/nonexistent/k6', PATH: '' } })[0]!);
  assert.match(results.get('k6:connection-sanity:www2:run')!.message!, /\(K6_BIN=\/nonexistent\/k6 is not an executable file\)$/);
});

test('the k6 process gets the bundle, the lab CA in SSL_CERT_FILE and host names pinned to the gateway through hosts', async () => {
  const fake = fakeK6('pass');
  const estate = labEstate();
  const dist = tmpDir('k6-dist');
  const [task] = plan('dns-migration', { env: { K6_BIN: fake.bin, PATH: process.env.PATH }, distDir: dist }, config, estate);
  const runDir = tmpDir('k6-run');
  await collect(task!, runDir);
  const { args, env } = fake.record();
  assert.equal(args.at(-1), join(dist, 'connection-sanity.js'));
  assert.ok(existsSync(join(dist, 'connection-sanity.js')), 'the bundle was built before k6 ran');
  assert.equal(env.SSL_CERT_FILE, estate.lab!.caFile);
  assert.equal(env.K6_NO_USAGE_REPORT, 'true');
  assert.equal(env.HARNESS_SUMMARY, join(runDir, 'k6', 'connection-sanity-www2', 'summary.json'));
  const p: K6RunPlan = parseRunPlan(env.HARNESS_K6, 'connection-sanity');
  assert.deepEqual(p.targets, [
    { key: 'www2', name: 'www2.invoicecloud.test', path: '/', marker: 'InvoiceCloud', expectStatus: 200, address: '127.0.0.1:20100' },
  ]);
  assert.deepEqual(p.thresholds, {
    http_req_failed: ['rate<0.01'],
    'http_req_duration{expected_response:true}': ['p(95)<1500'],
    checks: ['rate>=0.99'],
  });
  assert.deepEqual(
    p.load,
    { vus: 2, duration: '3s', pauseMs: 1_000, requestTimeout: '10s', gracefulStop: '1s' },
    "production vus, capped to the lab duration; the cap is 3 s + 1 s, not + k6's 30 s",
  );
  for (const f of ['stdout.txt', 'stderr.txt', 'summary.json', 'invocation.json'])
    assert.ok(existsSync(join(runDir, 'k6', 'connection-sanity-www2', f)), f);
});

test('outside the lab names go through real DNS (pinHosts lab) and no CA is forced on k6', async () => {
  const fake = fakeK6('pass');
  const estate = { ...labEstate(), env: 'production', domain: 'invoicecloud.com' };
  delete estate.lab;
  delete estate.caFile;
  estate.hosts = estate.hosts.map((h) => ({ ...h, name: h.name.replace('.test', '.com') }));
  await collect(plan('internal-network', { env: { K6_BIN: fake.bin, PATH: process.env.PATH } }, config, estate)[0]!);
  const { env } = fake.record();
  assert.equal(env.SSL_CERT_FILE, undefined);
  // With the environment's caFile (an internal CA), k6 trusts it on top of the system roots.
  const withCa = fakeK6('pass');
  await collect(
    plan('internal-network', { env: { K6_BIN: withCa.bin, PATH: process.env.PATH } }, config, {
      ...estate,
      caFile: '/etc/harness/internal-ca.pem',
    })[0]!,
  );
  assert.equal(withCa.record().env.SSL_CERT_FILE, '/etc/harness/internal-ca.pem');
  const p = parseRunPlan(env.HARNESS_K6, 'connection-sanity');
  assert.deepEqual(
    p.targets.map((t) => [t.name, t.address]),
    [['www2.invoicecloud.com', undefined]],
  );
  assert.deepEqual(
    p.load,
    { vus: 2, duration: '30s', pauseMs: 1_000, requestTimeout: '10s', gracefulStop: '10s' },
    'in-flight requests may finish: graceful stop = request timeout',
  );
});

test('backend-sweep pins every host to one server and expects that server to answer; smoke-load has a p(95) per host', async () => {
  const fake = fakeK6('pass');
  const tasks = plan('regression', { env: { K6_BIN: fake.bin, PATH: process.env.PATH } });
  await collect(tasks.find((t) => t.id === 'k6:backend-sweep:IC-Web7')!);
  const sweep = parseRunPlan(fake.record().env.HARNESS_K6, 'backend-sweep');
  assert.equal(sweep.server, 'IC-Web7');
  assert.deepEqual(
    sweep.targets.map((t) => [t.name, t.address]),
    ['www', 'www2', 'my', 'sso'].map((k) => [`${k}.invoicecloud.test`, '127.0.0.1:20007']),
  );
  assert.ok(
    tasks.find((t) => t.id === 'k6:backend-sweep:IC-Web7')!.expected.includes('k6:backend-sweep:IC-Web7:check:www2 served by IC-Web7'),
  );
  const smoke = tasks.find((t) => t.id === 'k6:smoke-load:www+my+sso')!;
  for (const k of ['www', 'my', 'sso'])
    assert.ok(smoke.expected.includes(`k6:smoke-load:www+my+sso:threshold:http_req_duration{host:${k},expected_response:true}`), k);
  assert.deepEqual(smoke.target, { server: 'agw-pri-appgateway0-prd' });
});

test('a host behind the maintenance page in the phase must answer with the page', async () => {
  const fake = fakeK6('pass');
  const phase = { ...juneStep('maintenance-start'), checks: [{ kind: 'k6', script: 'connection-sanity', hosts: ['www'] }] } as Step;
  const [task] = plan(phase, { env: { K6_BIN: fake.bin, PATH: process.env.PATH } });
  assert.ok(task!.expected.includes('k6:connection-sanity:www:check:status is 503'));
  await collect(task!);
  const [t] = parseRunPlan(fake.record().env.HARNESS_K6, 'connection-sanity').targets;
  assert.deepEqual([t!.expectStatus, t!.marker], [503, 'Scheduled maintenance in progress']);
});

test('replayed real outputs through the planner: exception fails the run although k6 exited 0; init exception breaks everything with 107', async () => {
  const exception = await collect(plan('internal-network', { env: { K6_BIN: fakeK6('exception').bin, PATH: process.env.PATH } })[0]!);
  const run = exception.get('k6:connection-sanity:www2:run')!;
  assert.equal(run.status, 'failed');
  assert.match(run.message!, /1 iteration threw an exception, which k6 logs without failing the run \(k6 exited 0\)/);
  assert.equal(exception.get('k6:connection-sanity:www2:check:status is 200')!.status, 'broken');
  assert.match(exception.get('k6:connection-sanity:www2:check:status is 200')!.message!, /never ran: iterations threw before reaching it/);

  const init = await collect(plan('internal-network', { env: { K6_BIN: fakeK6('init-exception').bin, PATH: process.env.PATH } })[0]!);
  assert.ok([...init.values()].every((r) => r.status === 'broken'));
  assert.match(init.get('k6:connection-sanity:www2:run')!.message!, /^k6 exited 107: the script threw an exception/);
  assert.match(init.get('k6:connection-sanity:www2:threshold:http_req_failed')!.message!, /not evaluated: k6 exited 107/);
});

test('through the runner: every expected id comes back as a valid CheckResult', async () => {
  const fake = fakeK6('refused');
  const tasks = plan('post-window', { env: { K6_BIN: fake.bin, PATH: process.env.PATH } });
  const results: Result[] = [];
  await runTasks(tasks, {
    concurrency: 4,
    backoffMs: 10,
    runDir: tmpDir('k6-run'),
    signal: new AbortController().signal,
    onResult: (r) => results.push(r),
  });
  const got = new Set(results.map((r) => r.id));
  for (const t of tasks) for (const id of t.expected) assert.ok(got.has(id), id);
  // The replayed summary crossed http_req_failed: that threshold is failed on every run, by name.
  for (const t of tasks) {
    const r = results.find((x) => x.id === `${t.id}:threshold:http_req_failed`)!;
    assert.equal(r.status, 'failed');
    assert.match(r.message!, /threshold crossed on http_req_failed: rate was 1 \(3 of 3 requests failed\), limit rate<0\.01/);
  }
});

test('a k6 that runs past policy.timeouts.k6Ms is stopped and its checks are broken, naming the deadline', async () => {
  const quick = parseConfig({ ...rawConfig, policy: { timeouts: { k6Ms: 1_000 } } });
  const t0 = Date.now();
  const results = await collect(plan('internal-network', { env: { K6_BIN: fakeK6('hang').bin, PATH: process.env.PATH } }, quick)[0]!);
  assert.ok(Date.now() - t0 < 8_000, 'stopped at its deadline');
  const run = results.get('k6:connection-sanity:www2:run')!;
  assert.equal(run.status, 'broken');
  assert.match(
    run.message!,
    /k6 was stopped by the harness before it finished: it ran longer than policy\.timeouts\.k6Ms \(1000 ms\); k6 exited 105/,
  );
  assert.equal(results.get('k6:connection-sanity:www2:check:status is 200')!.status, 'broken');
});

test('a gateway configured by name is resolved before k6: k6 gets the address (here localhost → loopback)', async () => {
  const fake = fakeK6('pass');
  const estate = labEstate();
  estate.gateway = { ...estate.gateway, address: 'localhost' };
  await collect(plan('internal-network', { env: { K6_BIN: fake.bin, PATH: process.env.PATH } }, config, estate)[0]!);
  const [t] = parseRunPlan(fake.record().env.HARNESS_K6, 'connection-sanity').targets;
  assert.match(t!.address!, /^(127\.\d+\.\d+\.\d+|\[::1\]):20100$/, 'an IP address, never the name');
});

test('a pinned name that does not resolve: k6 is not started, every check of the run is broken naming the name', async () => {
  const fake = fakeK6('pass');
  const estate = labEstate();
  estate.gateway = { ...estate.gateway, address: 'agw.internal.example' };
  const lookup = async (name: string) => {
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
  };
  const results = await collect(
    plan('internal-network', { env: { K6_BIN: fake.bin, PATH: process.env.PATH }, lookup }, config, estate)[0]!,
  );
  assert.ok(!existsSync(join(fake.dir, 'record.json')), 'k6 never ran');
  for (const r of results.values()) {
    assert.equal(r.status, 'broken');
    assert.match(
      r.message!,
      /^the address k6 would pin www2\.invoicecloud\.test to does not resolve: agw\.internal\.example \(ENOTFOUND\)/,
    );
  }
});

// The lab's duration and VUs are caps: a longer script is cut to them, a shorter one keeps its own; outside the lab
// the script's own load is used as configured.
test('lab caps: duration and VUs never raised, only lowered', () => {
  const cases: [string, { vus: number; duration: string }, boolean, { vus: number; duration: string }][] = [
    ['production length, in the lab', { vus: 5, duration: '2m' }, true, { vus: 2, duration: '3s' }],
    ['shorter than the cap, in the lab', { vus: 1, duration: '1500ms' }, true, { vus: 1, duration: '1500ms' }],
    ['equal to the cap, in the lab', { vus: 2, duration: '3s' }, true, { vus: 2, duration: '3s' }],
    ['production length, outside the lab', { vus: 5, duration: '2m' }, false, { vus: 5, duration: '2m' }],
  ];
  for (const [name, load, lab, want] of cases) {
    const k6 = K6Config.parse({ scripts: { 'connection-sanity': load, 'smoke-load': load, 'backend-sweep': load } });
    const p = runPlanFor('connection-sanity', [], k6, 'x-served-by', undefined, lab);
    assert.deepEqual({ vus: p.load.vus, duration: p.load.duration }, want, name);
  }
});
