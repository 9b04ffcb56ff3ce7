// The healthy lab: every web server answers every host over verified TLS with its identity and the host's marker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { connect } from 'node:tls';
import { readFileSync } from 'node:fs';
import { estateFromLab } from '../../estate/model.ts';
import type { Lab } from '../../lab/index.ts';
import { config, getWithHost, labPerFile, port, type LabClient } from './helpers.ts';

let lab: Lab;
let client: LabClient;
labPerFile((l, c) => ((lab = l), (client = c)));

test('the manifest names ten web servers, both balancers, the CA, the control API and the .test hosts', async () => {
  const m = lab.manifest;
  const c = await config();
  assert.equal(m.domain, 'invoicecloud.test');
  assert.deepEqual(m.hosts, {
    www: 'www.invoicecloud.test',
    www2: 'www2.invoicecloud.test',
    my: 'my.invoicecloud.test',
    sso: 'sso.invoicecloud.test',
  });
  assert.deepEqual(
    m.webServers.map((w) => w.name),
    c.estate.webServers.map((s) => s.name),
  );
  assert.equal(new Set(m.webServers.map((w) => w.port)).size, 10);
  for (const e of [...m.webServers, m.gateway, m.ilb]) assert.equal(e.address, '127.0.0.1');
  assert.equal(m.gateway.name, 'agw-pri-appgateway0-prd');
  assert.equal(m.ilb.name, 'IC-LB-WebSVR-4AppSVR');
  assert.match(m.control.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.match(readFileSync(m.caFile, 'utf8'), /BEGIN CERTIFICATE/);
  assert.deepEqual(JSON.parse(readFileSync(`${lab.dir}/manifest.json`, 'utf8')), m);
});

test('estateFromLab turns the manifest into the estate the harness probes (CA, services with banners, account)', async () => {
  const c = await config();
  const estate = estateFromLab(c, lab.manifest);
  assert.equal(estate.ca, readFileSync(lab.manifest.caFile, 'utf8'));
  assert.equal(estate.webServers.length, 10);
  assert.equal(
    estate.services.length,
    c.estate.serverGroups.reduce((n, g) => n + g.servers.length, 0),
  );
  assert.equal(estate.services.find((s) => s.name === 'SFTP1')!.banner, '^SSH-2\\.0-');
  assert.equal(estate.account.user, lab.manifest.account.user);
  assert.equal(estate.hosts.find((h) => h.key === 'sso')!.name, 'sso.invoicecloud.test');
});

test('each server answers each host with its identity header and the host marker, TLS verified against the lab CA', async () => {
  const c = await config();
  const replies = await Promise.all(
    lab.manifest.webServers.flatMap((w) =>
      c.estate.hosts.map(async (h) => ({ w: w.name, h, r: await client.get(w.port, `${h.label}.invoicecloud.test`) })),
    ),
  );
  assert.equal(replies.length, 40);
  for (const { w, h, r } of replies) {
    assert.equal(r.status, 200, `${w} ${h.key}`);
    assert.equal(r.servedBy, w, `${w} ${h.key}`);
    assert.ok(r.body.includes(h.marker), `${w} ${h.key} body has the marker`);
  }
});

test('SNI picks the host certificate; it chains to the lab CA and names the host', async () => {
  const ca = readFileSync(lab.manifest.caFile, 'utf8');
  for (const host of ['www.invoicecloud.test', 'sso.invoicecloud.test']) {
    const cert = await new Promise<X509Certificate>((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port: port(lab, 'IC-Web4'), servername: host, ca }, () => {
        const raw = s.getPeerX509Certificate();
        s.destroy();
        raw ? resolve(raw) : reject(new Error('no certificate'));
      });
      s.once('error', reject);
    });
    assert.equal(cert.subjectAltName, `DNS:${host}`);
    assert.ok(cert.checkIssued(new X509Certificate(ca)));
    assert.ok(new Date(cert.validTo) > new Date());
  }
});

test('a client that does not trust the lab CA is refused by verification (verification stays on)', async () => {
  await assert.rejects(
    new Promise((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port: port(lab, 'IC-Web1'), servername: 'www.invoicecloud.test' }, () => resolve(s.destroy()));
      s.once('error', reject);
    }),
    (err: NodeJS.ErrnoException) =>
      err.code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' ||
      err.code === 'SELF_SIGNED_CERT_IN_CHAIN' ||
      err.code === 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  );
});

test('an unknown Host gets 421 naming what the server serves; /health answers 200', async () => {
  const r = await getWithHost(lab, port(lab, 'IC-Web2'), 'www.invoicecloud.test', 'ftp.invoicecloud.test');
  assert.equal(r.status, 421);
  assert.equal(r.servedBy, 'IC-Web2');
  assert.match(r.body, /IC-Web2 does not serve "ftp\.invoicecloud\.test"; it serves www\.invoicecloud\.test, www2/);
  const h = await client.get(port(lab, 'IC-Web2'), 'my.invoicecloud.test', '/health');
  assert.equal(h.status, 200);
});

test('a login on one server gives a cookie every other server accepts (shared machineKey)', async () => {
  const c = await config();
  const body = new URLSearchParams({
    user: lab.manifest.account.user,
    password: process.env[c.estate.tokens.passwordEnv] ?? 'lab-password-not-secret',
  }).toString();
  const login = await client.get(port(lab, 'IC-Web1'), 'my.invoicecloud.test', c.estate.tokens.loginPath, { method: 'POST', body });
  assert.equal(login.status, 200, login.body);
  const setCookie = String(login.headers['set-cookie']);
  const cookie = setCookie.split(';')[0]!;
  assert.ok(cookie.startsWith(`${c.estate.tokens.cookieName}=`));
  const r = await client.get(port(lab, 'IC-Web9'), 'my.invoicecloud.test', c.estate.tokens.verifyPath, { headers: { cookie } });
  assert.equal(r.status, 200, r.body);
});
