// The Application Gateway and the ILB: round robin over healthy pool members, health probes, pulls and put-backs, 502.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Lab } from '../../lab/index.ts';
import { eventually, getWithHost, labPerFile, resetLab, type LabClient } from './helpers.ts';

let lab: Lab;
let client: LabClient;
labPerFile((l, c) => ((lab = l), (client = c)));
afterEach(async () => {
  await resetLab(lab);
  assert.ok(
    await eventually(() => (['gateway', 'ilb'] as const).every((p) => lab.control.status().pools[p].members.every((m) => m.routable))),
    'lab back to healthy',
  );
});

const ALL = Array.from({ length: 10 }, (_, i) => `IC-Web${i + 1}`);

async function sample(balancer: 'gateway' | 'ilb', n: number, host = 'www.invoicecloud.test') {
  const replies = [];
  for (let i = 0; i < n; i++) replies.push(await client.get(lab.manifest[balancer].port, host));
  return replies;
}

for (const balancer of ['gateway', 'ilb'] as const) {
  test(`${balancer} round-robins over all ten servers, passing the identity header and the page through`, async () => {
    const replies = await sample(balancer, 20, 'my.invoicecloud.test');
    assert.ok(replies.every((r) => r.status === 200 && r.body.includes('InvoiceCloud')));
    const order = replies.map((r) => r.servedBy);
    assert.deepEqual(new Set(order), new Set(ALL));
    // Strict rotation: each member once per ten requests.
    for (let i = 0; i < 10; i++) assert.equal(order[i], order[i + 10]);
  });
}

test('the gateway forwards Host and SNI to the backend (each host gets its own page)', async () => {
  const www2 = await client.get(lab.manifest.gateway.port, 'www2.invoicecloud.test');
  const sso = await client.get(lab.manifest.gateway.port, 'sso.invoicecloud.test');
  assert.match(www2.body, /Pay your bill/);
  assert.match(sso.body, /Sign in/);
});

test('an unknown host at the gateway is a 404 naming the host', async () => {
  const r = await getWithHost(lab, lab.manifest.gateway.port, 'www.invoicecloud.test', 'ftp.invoicecloud.test');
  assert.equal(r.status, 404);
  assert.match(r.body, /agw-pri-appgateway0-prd has no listener for "ftp\.invoicecloud\.test"/);
});

test('the health probe drops a web-down server from the pool and re-adds it once cleared', async () => {
  await lab.control.addFault('web-down:IC-Web3');
  const member = () => lab.control.status().pools.gateway.members.find((m) => m.name === 'IC-Web3')!;
  assert.ok(await eventually(() => !member().healthy), 'IC-Web3 dropped');
  assert.equal(member().lastError, 'ECONNREFUSED');
  assert.equal(member().inPool, true, 'still configured in the pool, only unhealthy');
  const seen = new Set((await sample('gateway', 18)).map((r) => r.servedBy));
  assert.equal(seen.size, 9);
  assert.ok(!seen.has('IC-Web3'));
  await lab.control.removeFault('web-down:IC-Web3');
  assert.ok(await eventually(() => member().healthy), 'IC-Web3 back');
  assert.ok((await sample('gateway', 10)).some((r) => r.servedBy === 'IC-Web3'));
});

test('pull takes a server out of one pool only; putBack returns it', async () => {
  await lab.control.pull('gateway', 'IC-Web1');
  await lab.control.pull('gateway', 'ic-web2');
  const gw = new Set((await sample('gateway', 16)).map((r) => r.servedBy));
  const ilb = new Set((await sample('ilb', 10)).map((r) => r.servedBy));
  assert.deepEqual([...gw].sort(), ALL.slice(2).sort());
  assert.equal(ilb.size, 10);
  await lab.control.putBack('gateway', 'IC-Web1');
  assert.ok((await sample('gateway', 9)).some((r) => r.servedBy === 'IC-Web1'));
  await assert.rejects(lab.control.pull('gateway', 'IC-Web11'), /unknown web server "IC-Web11" \(known: IC-Web1, /);
  await assert.rejects(lab.control.pull('appgw' as 'gateway', 'IC-Web1'), /unknown pool "appgw" \(known: gateway, ilb\)/);
});

test('applyState sets both pools to the listed servers', async () => {
  await lab.control.applyState({ inPools: ALL.slice(5), maintenanceOn: [], dnsProvider: 'old' });
  for (const b of ['gateway', 'ilb'] as const) {
    assert.deepEqual(new Set((await sample(b, 10)).map((r) => r.servedBy)), new Set(ALL.slice(5)));
  }
});

test('pool-missing keeps a server out of the gateway pool but not the ILB', async () => {
  await lab.control.addFault('pool-missing:IC-Web7');
  assert.equal(lab.control.status().pools.gateway.members.find((m) => m.name === 'IC-Web7')!.inPool, false);
  assert.ok(!(await sample('gateway', 18)).some((r) => r.servedBy === 'IC-Web7'));
  assert.ok((await sample('ilb', 10)).some((r) => r.servedBy === 'IC-Web7'));
  await lab.control.putBack('gateway', 'IC-Web7');
  assert.ok(!(await sample('gateway', 18)).some((r) => r.servedBy === 'IC-Web7'), 'put back, yet the fault keeps it out');
});

test('no routable member → 502 with a body that says why', async () => {
  await lab.control.applyState({ inPools: [], maintenanceOn: [], dnsProvider: 'old' });
  const r = await client.get(lab.manifest.gateway.port, 'www.invoicecloud.test');
  assert.equal(r.status, 502);
  assert.equal(r.servedBy, undefined);
  assert.match(
    r.body,
    /agw-pri-appgateway0-prd has no healthy member in its backend pool for www\.invoicecloud\.test \(out of pool: IC-Web1, IC-Web2/,
  );
});

test('servers failing the probe (expired certificate, slow) leave the pool; web-error does not (its /health is fine)', async () => {
  await lab.control.addFault('web-cert-expired:IC-Web4');
  await lab.control.addFault('web-slow:IC-Web5');
  await lab.control.addFault('web-error:IC-Web6');
  const m = (n: string) => lab.control.status().pools.ilb.members.find((x) => x.name === n)!;
  assert.ok(await eventually(() => !m('IC-Web4').healthy && !m('IC-Web5').healthy));
  assert.equal(m('IC-Web4').lastError, 'CERT_HAS_EXPIRED');
  assert.equal(m('IC-Web6').healthy, true);
  const replies = await sample('ilb', 16);
  assert.ok(
    replies.some((r) => r.servedBy === 'IC-Web6' && r.status === 500),
    'the 500 reaches the client',
  );
  assert.ok(!replies.some((r) => r.servedBy === 'IC-Web4' || r.servedBy === 'IC-Web5'));
});
