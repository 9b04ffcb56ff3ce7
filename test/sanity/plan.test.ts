// What the sanity planner makes of each phase: ids, kinds, targets, severities, deadlines, selections.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../core/config/load.ts';
import type { HarnessConfig } from '../../core/config/schema.ts';
import { estateFromEnvironment } from '../../estate/model.ts';
import { selectServers } from '../../sanity/plan.ts';
import type { CheckTask } from '../../core/task.ts';
import { planStep } from '../../core/plan.ts';
import type { Step } from '../../core/window/schema.ts';
import { KINDS } from '../../kinds.ts';
import { juneStep } from '../support/window.ts';

async function setup(policy: Partial<HarnessConfig['policy']> = {}) {
  const base = await loadConfig(new URL('../../harness.config.ts', import.meta.url).pathname);
  const names = Object.keys(base.environments.production!.addresses);
  const config: HarnessConfig = {
    ...base,
    policy: { ...base.policy, ...policy },
    environments: { t: { domain: 'invoicecloud.test', addresses: Object.fromEntries(names.map((n) => [n, '127.0.0.1'])) } },
  };
  return { config, estate: estateFromEnvironment(config, 't') };
}

async function plan(id: string | Step, policy: Partial<HarnessConfig['policy']> = {}) {
  const { config, estate } = await setup(policy);
  const step = typeof id === 'string' ? juneStep(id) : id;
  const has = step.checks.some((c) => KINDS.find((k) => k.id === c.kind)?.family === 'sanity');
  return (
    has
      ? planStep({ step, config, estate, runDir: '.tmp' }, { kinds: KINDS, policySeverity: config.policy.severity, only: ['sanity'] })
      : []
  ) as CheckTask[];
}

test('web1-5: IC-Web1..5 × four hosts, both pools, four maintenance checks; no all-ten tokens while PLAT-2374 rolls the key', async () => {
  const tasks = await plan('web1-5');
  const ids = tasks.map((t) => t.id);
  const direct = ids.filter((id) => /^sanity:IC-Web/.test(id));
  assert.equal(direct.length, 20);
  assert.ok(direct.includes('sanity:IC-Web3:www:/') && direct.includes('sanity:IC-Web5:sso:/'));
  assert.ok(!direct.some((id) => /IC-Web(6|7|8|9|10):/.test(id)));
  assert.deepEqual(ids.filter((id) => !id.startsWith('sanity:IC-Web')).sort(), [
    'maintenance:my',
    'maintenance:sso',
    'maintenance:www',
    'maintenance:www2',
    'pool:gateway',
    'pool:ilb',
  ]);
  const web3 = tasks.find((t) => t.id === 'sanity:IC-Web3:www:/')!;
  assert.deepEqual(web3.target, { server: 'IC-Web3', host: 'www.invoicecloud.test' });
  assert.equal(web3.kind, 'direct');
  assert.equal(web3.severity, 'critical');
  assert.equal(web3.timeoutMs, 5_000);
  assert.equal(web3.retries, 2);
  assert.equal(tasks.find((t) => t.id === 'pool:gateway')!.kind, 'pool');
  assert.equal(tasks.find((t) => t.id === 'maintenance:www')!.kind, 'maintenance');
  assert.equal(new Set(ids).size, ids.length, 'ids are unique');
});

test('web6-10 probes IC-Web6..10; the pool and token deadlines grow with the requests they send', async () => {
  const tasks = await plan('web6-10', {
    timeouts: { probeMs: 1_000, dnsMs: 2_000, k6Ms: 600_000, e2eMs: 900_000 },
    concurrency: 4,
    poolSamplesPerMember: 4,
  });
  assert.deepEqual(
    [...new Set(tasks.filter((t) => t.id.startsWith('sanity:IC-')).map((t) => t.target.server))],
    ['IC-Web6', 'IC-Web7', 'IC-Web8', 'IC-Web9', 'IC-Web10'],
  );
  // 40 requests, 4 at a time: 10 rounds of at most 1 s, plus one.
  assert.equal(tasks.find((t) => t.id === 'pool:gateway')!.timeoutMs, 11_000);
  assert.ok(tasks.find((t) => t.id === 'sanity:tokens')!.timeoutMs > 3_000);
});

test('maintenance-start: no direct probes, no pools, no tokens; the page expected on www, my, sso only', async () => {
  const tasks = await plan('maintenance-start');
  assert.deepEqual(tasks.map((t) => t.id).sort(), ['maintenance:my', 'maintenance:sso', 'maintenance:www', 'maintenance:www2']);
  assert.match(tasks.find((t) => t.id === 'maintenance:www')!.title, /maintenance page is up on www\.invoicecloud\.test/);
  assert.match(
    tasks.find((t) => t.id === 'maintenance:www2')!.title,
    /www2\.invoicecloud\.test still serving, not behind the maintenance page/,
  );
});

test('internal-network: every web server on www2 only', async () => {
  const tasks = await plan('internal-network');
  assert.equal(tasks.length, 10);
  assert.ok(tasks.every((t) => /^sanity:IC-Web\d+:www2:\/$/.test(t.id)));
});

test('post-window: services planned as kind service, blocking as the window says; policy is only the fallback', async () => {
  const tasks = await plan('post-window', { severity: { service: 'minor' } });
  const services = tasks.filter((t) => t.kind === 'service');
  assert.ok(services.some((t) => t.id === 'service:SFTP1'));
  assert.ok(
    services.every((t) => t.severity === 'critical' && t.id.startsWith('service:')),
    'the window marks them blocking',
  );
  const unmarked = { ...juneStep('post-window'), checks: [{ kind: 'service', groups: 'all' }] } as Step;
  assert.ok(
    (await plan(unmarked, { severity: { service: 'minor' } })).every((t) => t.severity === 'minor'),
    'unmarked: policy.severity',
  );
  assert.ok(
    (await plan(unmarked)).every((t) => t.severity === 'major'),
    'unmarked, no policy: the kind default',
  );
  assert.match(tasks.find((t) => t.id === 'maintenance:my')!.title, /maintenance page is down on my\.invoicecloud\.test/);
  assert.equal(tasks.filter((t) => t.id.startsWith('sanity:IC-Web')).length, 40);
});

test('regression plans no sanity checks', async () => {
  assert.deepEqual(await plan('regression'), []);
});

test('a pool naming an unknown server is planned as a broken check that says so', async () => {
  const step: Step = { ...juneStep('web1-5'), after: { ...juneStep('web1-5').after, inPools: ['IC-Web1', 'IC-Web77'] } };
  const pool = (await plan(step)).find((t) => t.id === 'pool:gateway')!;
  const r = await pool.run(AbortSignal.timeout(1_000));
  assert.equal(r.status, 'broken');
  assert.match(r.message ?? '', /IC-Web77/);
});

test('servers are named; a name the estate does not have is a gap, never silently skipped', async () => {
  const { estate } = await setup();
  assert.deepEqual(
    selectServers(estate, ['IC-Web3', 'IC-Web2']).servers.map((s) => s.name),
    ['IC-Web2', 'IC-Web3'],
  );
  assert.equal(selectServers(estate, 'all').servers.length, 10);
  assert.deepEqual(selectServers(estate, ['IC-Web2', 'IC-Web11']).unknown, ['IC-Web11']);
  const step: Step = {
    ...juneStep('web6-10'),
    checks: [{ kind: 'direct', servers: ['IC-Web6', 'IC-Web11'], hosts: 'all', blocking: true }],
  };
  const tasks = await plan(step);
  const gap = tasks.find((t) => t.gap)!;
  assert.match(gap.gap!, /the window names IC-Web11, but the estate has no such web server/);
  assert.equal(gap.severity, 'critical');
  assert.equal(tasks.filter((t) => /^sanity:IC-Web6:/.test(t.id)).length, 4);
});
