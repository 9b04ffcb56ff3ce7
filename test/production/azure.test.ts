// Pool membership from the balancer's own view: the Azure SDK (real client, test credential) reads the lab's
// backend-health API on loopback; both views must agree, a pulled server must be drained, a refusal is named.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AZURE_PERMISSIONS, byServer, readAzureHealth } from '../../azure/backend-health.ts';
import { ARM_TLS_NAME, startArmLab, type ArmLab, type ArmMember } from '../../azure/lab-arm.ts';
import { loadConfig } from '../../core/config/load.ts';
import { runTasks } from '../../core/runner.ts';
import { stepSchema } from '../../core/window/schema.ts';
import { estateFromLab, type AzureView } from '../../estate/model.ts';
import { KINDS } from '../../kinds.ts';
import { parseFault } from '../../lab/faults.ts';
import { startLab } from '../../lab/index.ts';
import { poolProbe } from '../../sanity/pool-probe.ts';
import { planStep } from '../../core/plan.ts';
import { httpsServer, page, testPki, type Running } from '../sanity/fixtures.ts';
import { ROOT } from '../cli/helpers.ts';

const running: { stop?: () => Promise<void>; close?: () => Promise<void> }[] = [];
after(() => Promise.all(running.map((r) => (r.stop ?? r.close)!())));
const scratch = () => mkdtempSync(join(ROOT, '.tmp', 'azure-'));

test('byServer maps Azure backends by unique address, else by the NIC name; a gateway lists a server per setting', () => {
  const servers = [
    { name: 'IC-Web1', address: '10.0.0.1' },
    { name: 'IC-Web2', address: '127.0.0.1' },
    { name: 'IC-Web3', address: '127.0.0.1' },
  ];
  const map = byServer(
    [
      { address: '10.0.0.1', health: 'Up' },
      { address: '10.0.0.1', health: 'Down' },
      {
        address: '127.0.0.1',
        nic: '/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/networkInterfaces/ic-web3-nic/ipConfigurations/ip1',
        health: 'Up',
      },
      { address: '10.9.9.9', health: 'Up' },
    ],
    servers,
  );
  assert.deepEqual([...map.keys()].sort(), ['10.9.9.9', 'IC-Web1', 'IC-Web3']);
  assert.equal(map.get('IC-Web1')?.length, 2);
});

async function arm(members: { gateway: ArmMember[]; ilb?: ArmMember[] }): Promise<ArmLab> {
  const lab = await startArmLab({
    dir: scratch(),
    gateway: { resourceGroup: 'rg', name: 'agw', members: () => members.gateway },
    ilb: { resourceGroup: 'rg', name: 'ilb', rule: 'https', members: () => members.ilb ?? [] },
  });
  running.push(lab);
  return lab;
}

const viewOf = (lab: ArmLab, kind: AzureView['kind'], token = lab.token): AzureView => ({
  kind,
  subscriptionId: lab.subscriptionId,
  resourceGroup: 'rg',
  name: kind === 'application-gateway' ? 'agw' : 'ilb',
  ...(kind === 'load-balancer' ? { rule: 'https' } : {}),
  endpoint: lab.endpoint,
  labToken: token,
  ca: lab.caPem,
  tlsName: ARM_TLS_NAME,
});

test('the Azure SDK reads the stand-in: gateway backend health (202, then the Location) and the ILB rule health', async () => {
  const lab = await arm({
    gateway: [{ name: 'web-a', address: '127.0.1.1', health: 'Up' }],
    ilb: [{ name: 'web-a', address: '127.0.1.1', health: 'Down', why: 'probe timed out' }],
  });
  const g = await readAzureHealth(viewOf(lab, 'application-gateway'), { signal: new AbortController().signal });
  assert.deepEqual(g.ok && g.backends.map((b) => [b.address, b.health]), [['127.0.1.1', 'Up']]);
  const l = await readAzureHealth(viewOf(lab, 'load-balancer'), { signal: new AbortController().signal });
  assert.deepEqual(l.ok && l.backends.map((b) => [b.health, b.why]), [['Down', 'probe timed out']]);
});

const refusals: { kind: AzureView['kind']; action: RegExp }[] = [
  {
    kind: 'application-gateway',
    action: /grant the harness's identity Microsoft\.Network\/applicationGateways\/backendhealth\/action and /,
  },
  {
    kind: 'load-balancer',
    action: /grant the harness's identity Microsoft\.Network\/loadBalancers\/loadBalancingRules\/health\/action and /,
  },
];
for (const c of refusals)
  test(`a refusal of the ${c.kind} read names the exact permission, not Reader`, async () => {
    const lab = await arm({
      gateway: [{ name: 'web-a', address: '127.0.1.1', health: 'Up' }],
      ilb: [{ name: 'web-a', address: '127.0.1.1', health: 'Up' }],
    });
    const denied = await readAzureHealth(viewOf(lab, c.kind, 'wrong-token'), { signal: new AbortController().signal });
    assert.equal(!denied.ok && denied.code, 'AZURE_FORBIDDEN');
    const message = !denied.ok ? denied.message : '';
    assert.match(message, c.action);
    assert.match(message, /Microsoft\.Network\/locations\/operationResults\/read.*docs\/production\.md §6/);
  });

test('docs/production.md gives a custom role with exactly the actions the code names; README names them too', () => {
  const docs = readFileSync(join(ROOT, 'docs', 'production.md'), 'utf8');
  const role = JSON.parse(/```json\n(\{\n {2}"Name": "Maintenance harness[\s\S]*?\n\})\n```/.exec(docs)?.[1] ?? '{}') as {
    Actions?: string[];
  };
  const want = [AZURE_PERMISSIONS['application-gateway'], AZURE_PERMISSIONS['load-balancer'], ...AZURE_PERMISSIONS.poll];
  assert.deepEqual(role.Actions, want);
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  for (const a of [AZURE_PERMISSIONS['application-gateway'], AZURE_PERMISSIONS['load-balancer']])
    assert.ok(readme.includes(a), `README names ${a}`);
  // Where the names come from, cited.
  assert.match(docs, /https:\/\/learn\.microsoft\.com\/en-us\/azure\/role-based-access-control\/permissions\/networking/);
  assert.doesNotMatch(docs, /needs \*\*Reader\*\* on the Application Gateway/);
});

/** A balancer whose identity header names members in turn, and the same pool as Azure sees it. */
async function balancer(answering: string[]): Promise<Running> {
  let n = 0;
  const s = await httpsServer((_req, res) => page(res, 200, 'InvoiceCloud', { 'x-served-by': answering[n++ % answering.length]! }));
  running.push(s);
  return s;
}

const servers = [
  { name: 'web-a', address: '127.0.1.1', port: 443 },
  { name: 'web-b', address: '127.0.1.2', port: 443 },
];
const cases: {
  name: string;
  answering: string[];
  expected: string[];
  azure: ArmMember[];
  status: string;
  code?: string;
  message?: RegExp;
}[] = [
  {
    name: 'both views agree: passed',
    answering: ['web-a', 'web-b'],
    expected: ['web-a', 'web-b'],
    azure: servers.map((s) => ({ ...s, health: 'Up' })),
    status: 'passed',
    message: /Azure reports them Up in agw's backend health/,
  },
  {
    name: 'Azure says web-b is Down though it answered: failed naming the probe log',
    answering: ['web-a', 'web-b'],
    expected: ['web-a', 'web-b'],
    azure: [
      { ...servers[0]!, health: 'Up' },
      { ...servers[1]!, health: 'Down', why: 'Time taken by the backend to respond to the probe is more than the time-out threshold' },
    ],
    status: 'failed',
    code: 'AZURE_MEMBER_NOT_UP',
    message: /Azure does not report web-b Up in agw's backend health: web-b Down \(Time taken/,
  },
  {
    name: 'drain: web-b was pulled but Azure still sends it traffic',
    answering: ['web-a'],
    expected: ['web-a'],
    azure: [
      { ...servers[0]!, health: 'Up' },
      { ...servers[1]!, health: 'Draining' },
    ],
    status: 'failed',
    code: 'AZURE_MEMBER_NOT_DRAINED',
    message: /Azure still sends traffic to web-b in agw's backend health \(Draining\), which should be out of the pool/,
  },
  {
    name: 'web-b dropped out of the pool: both views name it',
    answering: ['web-a'],
    expected: ['web-a', 'web-b'],
    azure: [{ ...servers[0]!, health: 'Up' }],
    status: 'failed',
    code: 'POOL_MEMBER_MISSING',
    message: /web-b never answered through .*; Azure does not report web-b Up in agw's backend health: web-b not in the backend pool/,
  },
];
for (const c of cases)
  test(`pool membership by header and by Azure's backend health: ${c.name}`, async () => {
    const { trust } = await testPki();
    const lab = await arm({ gateway: c.azure });
    const b = await balancer(c.answering);
    const r = await poolProbe(
      {
        balancer: {
          name: 'agw',
          address: '127.0.0.1',
          port: b.port,
          identityHeader: 'x-served-by',
          azure: viewOf(lab, 'application-gateway'),
          backends: servers,
        },
        host: { name: 'www.invoicecloud.test', path: '/' },
        expected: c.expected,
      },
      { trust, samplesPerMember: 3, concurrency: 2, requestTimeoutMs: 3_000, timeoutMs: 15_000 },
      new AbortController().signal,
    );
    assert.equal(r.status, c.status, r.message);
    if (c.code) assert.equal(r.failure?.code, c.code);
    if (c.message) assert.match(r.message ?? '', c.message);
  });

test('Azure unreachable while the header view passed: broken, never passed', async () => {
  const { trust } = await testPki();
  const lab = await arm({ gateway: [] });
  const b = await balancer(['web-a']);
  const r = await poolProbe(
    {
      balancer: {
        name: 'agw',
        address: '127.0.0.1',
        port: b.port,
        identityHeader: 'x-served-by',
        azure: viewOf(lab, 'application-gateway', 'expired'),
        backends: servers,
      },
      host: { name: 'www.invoicecloud.test', path: '/' },
      expected: ['web-a'],
    },
    { trust, samplesPerMember: 2, concurrency: 1, requestTimeoutMs: 3_000, timeoutMs: 15_000 },
    new AbortController().signal,
  );
  assert.equal(r.status, 'broken', r.message);
  assert.equal(r.failure?.code, 'AZURE_FORBIDDEN');
});

/** A pull-out-of-the-pool step, as a window writes it: IC-Web1..5 out, the pool checked by header and by Azure. */
const PULL = stepSchema(KINDS).parse({
  id: 'pull-web1-5',
  at: { time: '23:50' },
  title: 'IC-Web1..5 out of both pools',
  before: { inPools: 'all' },
  after: { inPools: ['IC-Web6', 'IC-Web7', 'IC-Web8', 'IC-Web9', 'IC-Web10'] },
  checks: [{ kind: 'pool', blocking: true }],
  actions: { go: { say: 'patch IC-Web1..5' }, 'no-go': { say: 'pull them again' }, inconclusive: { say: 're-run' } },
});

for (const c of [
  { name: 'drained: pool checks pass by header and by Azure', faults: [] as string[], status: 'passed' },
  {
    name: 'pool-missing:IC-Web7 while pulling: both views name IC-Web7',
    faults: ['pool-missing:IC-Web7'],
    status: 'failed',
    names: /IC-Web7/,
  },
])
  test(`lab with Azure's API, a drain step: ${c.name}`, async () => {
    const base = await loadConfig(join(ROOT, 'harness.config.ts'));
    const lab = await startLab({
      config: base,
      state: PULL.before!,
      faults: c.faults.map(parseFault),
      azure: true,
      healthIntervalMs: 1_000,
    });
    running.push(lab);
    await lab.control.applyState(PULL.after);
    await lab.control.settle();
    const estate = estateFromLab(base, lab.manifest);
    assert.ok(estate.gateway.azure && estate.ilb.azure, 'the lab publishes its Azure view');
    const tasks = planStep({ step: PULL, config: base, estate, runDir: '.tmp' }, { kinds: KINDS, policySeverity: {} });
    const results = await runTasks(tasks, {
      concurrency: 2,
      backoffMs: 50,
      runDir: '.tmp',
      signal: new AbortController().signal,
      onResult: () => undefined,
    });
    // pool-missing leaves the server out of the gateway's pool only; the ILB keeps it.
    for (const r of results) {
      assert.equal(r.status, r.id === 'pool:gateway' ? c.status : 'passed', `${r.id}: ${r.message}`);
      if (c.names && r.id === 'pool:gateway') assert.match(r.message ?? '', c.names);
    }
    if (c.status === 'passed') assert.match(results[0]?.message ?? '', /Azure reports them Up/);
    else
      assert.match(
        results.find((r) => r.id === 'pool:gateway')?.message ?? '',
        /Azure does not report IC-Web7 Up .*not in the backend pool/,
      );
  });
