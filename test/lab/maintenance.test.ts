// The maintenance page: per host at the gateway, never on www2, and the faults that keep it up or down.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HostKey } from '../../core/config/estate.ts';
import { juneStep } from '../support/window.ts';
import type { Lab } from '../../lab/index.ts';
import { config, fastLab, labPerFile, LabClient } from './helpers.ts';

let lab: Lab;
let client: LabClient;
labPerFile((l, c) => ((lab = l), (client = c)), { resetAfterEach: true });

const HOSTS: HostKey[] = ['www', 'www2', 'my', 'sso'];

async function pageUp(host: HostKey, balancer: 'gateway' | 'ilb' = 'gateway'): Promise<boolean> {
  const c = await config();
  const r = await client.get(lab.manifest[balancer].port, `${host}.invoicecloud.test`);
  if (r.status === c.estate.maintenance.status && r.body.includes(c.estate.maintenance.marker)) {
    assert.equal(r.headers['retry-after'], '3600');
    assert.equal(r.servedBy, undefined, 'the page comes from the gateway, not a server');
    return true;
  }
  assert.equal(r.status, 200, `${host}: ${r.body}`);
  assert.ok(r.servedBy);
  return false;
}

async function upHosts(balancer: 'gateway' | 'ilb' = 'gateway'): Promise<HostKey[]> {
  const out: HostKey[] = [];
  for (const h of HOSTS) if (await pageUp(h, balancer)) out.push(h);
  return out;
}

test('no page by default; each host goes up and down on its own', async () => {
  assert.deepEqual(await upHosts(), []);
  await lab.control.setMaintenance('my', true);
  assert.deepEqual(await upHosts(), ['my']);
  assert.deepEqual(lab.control.status().pages, { www: false, www2: false, my: true, sso: false });
  await lab.control.setMaintenance('www', true);
  await lab.control.setMaintenance('my', false);
  assert.deepEqual(await upHosts(), ['www']);
});

test("maintenance-start's state puts the page on www, my, sso; www2 keeps serving; the ILB is not behind the page", async () => {
  await lab.control.applyState(juneStep('maintenance-start').after);
  assert.deepEqual(await upHosts(), ['www', 'my', 'sso']);
  assert.deepEqual(await upHosts('ilb'), []);
  await lab.control.applyState(juneStep('post-window').after);
  assert.deepEqual(await upHosts(), []);
});

test('www2 has no maintenance page: asking for one is an error', async () => {
  await assert.rejects(lab.control.setMaintenance('www2', true), /www2 has no maintenance page \(maintenancePage: false in the config\)/);
  await assert.rejects(
    lab.control.applyState({ inPools: 'all', maintenanceOn: ['www', 'www2'], dnsProvider: 'old' }),
    /www2 has no maintenance page/,
  );
  assert.deepEqual(await upHosts(), [], 'a rejected state changes nothing');
});

test('maintenance-stuck keeps the page up after it is taken down, on that host only', async () => {
  await lab.control.addFault('maintenance-stuck:sso');
  await lab.control.applyState(juneStep('maintenance-start').after);
  await lab.control.applyState(juneStep('post-window').after);
  assert.deepEqual(await upHosts(), ['sso']);
  await lab.control.removeFault('maintenance-stuck:sso');
  assert.deepEqual(await upHosts(), [], 'comes down once the fault is cleared');
});

test('maintenance-stuck: taking the page down on that host by hand (control API, --apply) unsticks it', async () => {
  await lab.control.addFault('maintenance-stuck:my');
  await lab.control.applyState(juneStep('maintenance-start').after);
  await lab.control.applyState(juneStep('post-window').after);
  assert.deepEqual(await upHosts(), ['my']);
  await lab.control.setMaintenance('my', false);
  assert.deepEqual(await upHosts(), []);
  assert.ok(!lab.control.status().faults.includes('maintenance-stuck:my'));
});

test('maintenance-missing keeps the page from going up, on that host only', async () => {
  await lab.control.addFault('maintenance-missing:www');
  await lab.control.applyState(juneStep('maintenance-start').after);
  assert.deepEqual(await upHosts(), ['my', 'sso']);
});

test('a lab started in a phase with a fault is in that state from the first request', async () => {
  const other = await fastLab({ state: juneStep('maintenance-start').after, faults: [{ name: 'maintenance-missing', arg: 'my' }] });
  const c2 = new LabClient(other);
  try {
    const my = await c2.get(other.manifest.gateway.port, 'my.invoicecloud.test');
    const www = await c2.get(other.manifest.gateway.port, 'www.invoicecloud.test');
    assert.equal(my.status, 200);
    assert.equal(www.status, 503);
  } finally {
    await c2.close();
    await other.stop();
  }
});
