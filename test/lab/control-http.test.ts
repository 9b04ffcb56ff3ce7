// The control API over HTTP, the Slack receiver and the service listeners.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { request } from 'undici';
import type { Lab } from '../../lab/index.ts';
import { config, labPerFile, port, tcpConnect, type LabClient } from './helpers.ts';

let lab: Lab;
let client: LabClient;
labPerFile((l, c) => ((lab = l), (client = c)));

// biome-ignore lint/suspicious/noExplicitAny: the control API answers several JSON shapes; each test reads its own
async function call(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await request(`${lab.manifest.control.url}${path}`, {
    method,
    body: body === undefined ? null : JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
  return { status: res.statusCode, json: await res.body.json() };
}

test('GET /status reports pools, pages, faults and servers', async () => {
  const r = await call('GET', '/status');
  assert.equal(r.status, 200);
  assert.equal(r.json.pools.gateway.name, 'agw-pri-appgateway0-prd');
  assert.equal(r.json.pools.ilb.members.length, 10);
  assert.deepEqual(r.json.pages, { www: false, www2: false, my: false, sso: false });
  assert.deepEqual(r.json.faults, []);
  assert.equal(r.json.dnsProvider, 'old');
});

test('faults: add, list, remove one, clear; a bad fault is a 400 naming the problem', async () => {
  let r = await call('POST', '/faults', { fault: 'web-down:IC-Web4' });
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.faults, ['web-down:IC-Web4']);
  assert.equal(await tcpConnect(port(lab, 'IC-Web4')), 'ECONNREFUSED');
  await call('POST', '/faults', { fault: 'slack-down' });
  r = await call('GET', '/faults');
  assert.deepEqual(r.json.active.sort(), ['slack-down', 'web-down:IC-Web4']);
  assert.ok(r.json.catalogue.some((f: { name: string }) => f.name === 'web-cert-expired'));
  r = await call('DELETE', `/faults/${encodeURIComponent('web-down:IC-Web4')}`);
  assert.deepEqual(r.json.faults, ['slack-down']);
  assert.equal(await tcpConnect(port(lab, 'IC-Web4')), undefined);
  r = await call('DELETE', '/faults');
  assert.deepEqual(r.json.faults, []);
  r = await call('POST', '/faults', { fault: 'web-down' });
  assert.equal(r.status, 400);
  assert.match(r.json.error, /fault web-down needs an argument: web-down:SERVER/);
  r = await call('POST', '/faults', {});
  assert.equal(r.status, 400);
  assert.match(r.json.error, /missing "fault"/);
});

test('pools, maintenance, DNS provider and phase state through HTTP', async () => {
  let r = await call('POST', '/pools/gateway/pull', { server: 'IC-Web1' });
  assert.equal(r.json.pools.gateway.members[0].inPool, false);
  assert.equal(r.json.pools.ilb.members[0].inPool, true);
  r = await call('POST', '/pools/gateway/put-back', { server: 'IC-Web1' });
  assert.equal(r.json.pools.gateway.members[0].inPool, true);
  r = await call('POST', '/maintenance/www', { on: true });
  assert.equal(r.json.pages.www, true);
  assert.equal((await client.get(lab.manifest.gateway.port, 'www.invoicecloud.test')).status, 503);
  r = await call('POST', '/maintenance/www2', { on: true });
  assert.equal(r.status, 400);
  assert.match(r.json.error, /www2 has no maintenance page/);
  r = await call('POST', '/dns/provider', { provider: 'new' });
  assert.equal(r.json.dnsProvider, 'new');
  r = await call('POST', '/state', { inPools: ['IC-Web2'], maintenanceOn: [], dnsProvider: 'old' });
  assert.equal(r.status, 200);
  assert.deepEqual(
    r.json.pools.gateway.members.filter((m: { inPool: boolean }) => m.inPool).map((m: { name: string }) => m.name),
    ['IC-Web2'],
  );
  assert.equal(r.json.pages.www, false);
  r = await call('POST', '/state', { inPools: 'all', maintenanceOn: ['ftp'], dnsProvider: 'old' });
  assert.equal(r.status, 400);
  assert.match(r.json.error, /invalid state: maintenanceOn\.0/);
  r = await call('POST', '/state', { inPools: 'all', maintenanceOn: [], dnsProvider: 'old' });
  assert.equal(r.status, 200);
});

test('an unknown route is a 404 listing the routes; a non-JSON body is a 400', async () => {
  const r = await call('POST', '/reboot');
  assert.equal(r.status, 404);
  assert.ok(r.json.routes.some((x: string) => x.includes('/pools/{gateway|ilb}/pull')));
  const bad = await request(`${lab.manifest.control.url}/faults`, { method: 'POST', body: 'web-down' });
  assert.equal(bad.statusCode, 400);
  assert.match(((await bad.body.json()) as { error: string }).error, /JSON object/);
});

test('the Slack receiver records JSON posts (readable via the control API) and answers 500 under slack-down', async () => {
  const url = lab.manifest.slack!.url;
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\//);
  const post = async (body: string) => {
    const r = await request(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    return { status: r.statusCode, text: await r.body.text() };
  };
  assert.deepEqual(await post(JSON.stringify({ text: 'web1-5: go' })), { status: 200, text: 'ok' });
  assert.deepEqual(await post('not json'), { status: 400, text: 'invalid_payload' });
  await lab.control.addFault('slack-down');
  assert.equal((await post(JSON.stringify({ text: 'lost' }))).status, 500);
  await lab.control.removeFault('slack-down');
  const r = await call('GET', '/slack/messages');
  assert.deepEqual(
    r.json.messages.map((m: { body: unknown }) => m.body),
    [{ text: 'web1-5: go' }],
  );
  assert.deepEqual(
    lab.control.slackMessages().map((m) => m.body),
    [{ text: 'web1-5: go' }],
  );
});

test('service listeners: one per configured server; sftp sends an SSH banner, the others stay silent', async () => {
  const c = await config();
  const expected = c.estate.serverGroups.flatMap((g) => g.servers.map((s) => `${g.key}/${s.name}`));
  assert.deepEqual(lab.manifest.services.map((s) => `${s.group}/${s.name}`).sort(), expected.sort());
  const firstBytes = (p: number) =>
    new Promise<string>((resolve, reject) => {
      let got = '';
      const s = connect(p, '127.0.0.1');
      s.setEncoding('utf8');
      s.on('data', (d: string) => (got += d));
      s.once('error', reject);
      setTimeout(() => {
        s.destroy();
        resolve(got);
      }, 150);
    });
  const sftp = c.estate.serverGroups.find((g) => g.key === 'sftp')!;
  const seen = await Promise.all(lab.manifest.services.map(async (svc) => ({ svc, got: await firstBytes(svc.port) })));
  for (const { svc, got } of seen) {
    if (svc.group === 'sftp') assert.match(got, new RegExp(sftp.banner!), svc.name);
    else assert.equal(got, '', `${svc.name} says nothing`);
  }
});
