// What the sanity planner makes of each phase: ids, kinds, targets, severities, deadlines, selections.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../core/config/load.ts';
import type { HarnessConfig } from '../../core/config/schema.ts';
import { estateFromEnvironment } from '../../estate/model.ts';
import { PHASES, type Phase, type PhaseId } from '../../core/phases.ts';
import { planSanity, selectServers } from '../../sanity/plan.ts';
import type { CheckTask } from '../../core/task.ts';

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

async function plan(id: PhaseId | Phase, policy: Partial<HarnessConfig['policy']> = {}) {
  const { config, estate } = await setup(policy);
  const phase = typeof id === 'string' ? PHASES[id] : id;
  return planSanity({ phase, config, estate, runDir: '.tmp' }) as CheckTask[];
}

test('web1-5: IC-Web1..5 × four hosts, both pools, four maintenance checks, tokens; no services', async () => {
  const tasks = await plan('web1-5');
  const ids = tasks.map((t) => t.id);
  const direct = ids.filter((id) => /^sanity:IC-Web/.test(id));
  assert.equal(direct.length, 20);
  assert.ok(direct.includes('sanity:IC-Web3:www:/') && direct.includes('sanity:IC-Web5:sso:/'));
  assert.ok(!direct.some((id) => /IC-Web(6|7|8|9|10):/.test(id)));
  assert.deepEqual(ids.filter((id) => !id.startsWith('sanity:IC-Web')).sort(), ['maintenance:my', 'maintenance:sso', 'maintenance:www', 'maintenance:www2', 'pool:gateway', 'pool:ilb', 'sanity:tokens']);
  const web3 = tasks.find((t) => t.id === 'sanity:IC-Web3:www:/')!;
  assert.deepEqual(web3.target, { server: 'IC-Web3', host: 'www.invoicecloud.test' });
  assert.equal(web3.kind, 'sanity');
  assert.equal(web3.severity, 'critical');
  assert.equal(web3.timeoutMs, 5_000);
  assert.equal(web3.retries, 2);
  assert.equal(tasks.find((t) => t.id === 'pool:gateway')!.kind, 'pool');
  assert.equal(tasks.find((t) => t.id === 'maintenance:www')!.kind, 'maintenance');
  assert.equal(new Set(ids).size, ids.length, 'ids are unique');
});

test('web6-10 probes IC-Web6..10; the pool and token deadlines grow with the requests they send', async () => {
  const tasks = await plan('web6-10', { timeouts: { probeMs: 1_000, dnsMs: 2_000, k6Ms: 600_000, e2eMs: 900_000 }, concurrency: 4, poolSamplesPerMember: 4 });
  assert.deepEqual([...new Set(tasks.filter((t) => t.id.startsWith('sanity:IC-')).map((t) => t.target.server))], ['IC-Web6', 'IC-Web7', 'IC-Web8', 'IC-Web9', 'IC-Web10']);
  // 40 requests, 4 at a time: 10 rounds of at most 1 s, plus one.
  assert.equal(tasks.find((t) => t.id === 'pool:gateway')!.timeoutMs, 11_000);
  assert.ok(tasks.find((t) => t.id === 'sanity:tokens')!.timeoutMs > 3_000);
});

test('maintenance-start: no direct probes ([1, 0]), no pools, no tokens; the page expected on www, my, sso only', async () => {
  const tasks = await plan('maintenance-start');
  assert.deepEqual(tasks.map((t) => t.id).sort(), ['maintenance:my', 'maintenance:sso', 'maintenance:www', 'maintenance:www2']);
  assert.match(tasks.find((t) => t.id === 'maintenance:www')!.title, /maintenance page is up on www\.invoicecloud\.test/);
  assert.match(tasks.find((t) => t.id === 'maintenance:www2')!.title, /www2\.invoicecloud\.test still serving, not behind the maintenance page/);
});

test('internal-network: every web server on www2 only', async () => {
  const tasks = await plan('internal-network');
  assert.equal(tasks.length, 10);
  assert.ok(tasks.every((t) => /^sanity:IC-Web\d+:www2:\/$/.test(t.id)));
});

test('post-window: services planned as kind service with their severity; maintenance expected down', async () => {
  const tasks = await plan('post-window', { severity: { sanity: 'critical', pool: 'critical', maintenance: 'critical', service: 'minor', dns: 'critical', k6: 'major', e2e: 'major' } });
  const services = tasks.filter((t) => t.kind === 'service');
  assert.ok(services.some((t) => t.id === 'service:SFTP1'));
  assert.ok(services.every((t) => t.severity === 'minor' && t.id.startsWith('service:')));
  assert.match(tasks.find((t) => t.id === 'maintenance:my')!.title, /maintenance page is down on my\.invoicecloud\.test/);
  assert.equal(tasks.filter((t) => t.id.startsWith('sanity:IC-Web')).length, 40);
});

test('regression plans no sanity checks', async () => {
  assert.deepEqual(await plan('regression'), []);
});

test('a pool naming an unknown server is planned as a broken check that says so', async () => {
  const phase: Phase = { ...PHASES['web1-5'], state: { ...PHASES['web1-5'].state, inPools: ['IC-Web1', 'IC-Web77'] } };
  const pool = (await plan(phase)).find((t) => t.id === 'pool:gateway')!;
  const r = await pool.run(AbortSignal.timeout(1_000));
  assert.equal(r.status, 'broken');
  assert.match(r.message ?? '', /IC-Web77/);
});

test('server ranges are 1-based and inclusive; [1, 0] selects none', async () => {
  const { estate } = await setup();
  assert.deepEqual(selectServers(estate, [1, 0]), []);
  assert.deepEqual(selectServers(estate, [2, 3]).map((s) => s.name), ['IC-Web2', 'IC-Web3']);
  assert.equal(selectServers(estate, 'all').length, 10);
});
