// Each web fault does what the faults table of docs/contracts.md says, seen by a verifying client talking to the server directly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:tls';
import { readFileSync } from 'node:fs';
import type { Lab } from '../../lab/index.ts';
import { config, eventually, FAST, labPerFile, port, tcpConnect, type LabClient } from './helpers.ts';

let lab: Lab;
let client: LabClient;
labPerFile((l, c) => ((lab = l), (client = c)), { resetAfterEach: true });

const WWW = 'www.invoicecloud.test';

/** TLS handshake verified against the lab CA; servername undefined → no SNI (an IP literal sends none). */
function handshake(p: number, servername: string | undefined): Promise<string | undefined> {
  const ca = readFileSync(lab.manifest.caFile, 'utf8');
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port: p, ...(servername ? { servername } : {}), ca }, () => {
      s.destroy();
      resolve(undefined);
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code));
  });
}

test('web-down refuses connections on the same port, and serves again there once cleared', async () => {
  const p = port(lab, 'IC-Web3');
  await client.get(p, WWW); // an open keep-alive connection that must be cut
  await lab.control.addFault('web-down:IC-Web3');
  assert.equal(await tcpConnect(p), 'ECONNREFUSED');
  await assert.rejects(client.get(p, WWW), (e: NodeJS.ErrnoException) => e.code === 'ECONNREFUSED' || e.code === 'UND_ERR_SOCKET');
  assert.equal(lab.control.status().webServers.find((w) => w.name === 'IC-Web3')!.up, false);
  assert.equal(await tcpConnect(port(lab, 'IC-Web4')), undefined, 'other servers unaffected');
  await lab.control.removeFault('web-down:IC-Web3');
  assert.equal(await tcpConnect(p), undefined);
  const r = await client.get(p, WWW);
  assert.equal(r.servedBy, 'IC-Web3');
});

test('web-down set directly on lab.faults (not through control) still closes the listener', async () => {
  lab.faults.add({ name: 'web-down', arg: 'IC-Web8' });
  assert.ok(await eventually(async () => (await tcpConnect(port(lab, 'IC-Web8'))) === 'ECONNREFUSED'));
});

test('web-slow answers after slowMs, and a client that gives up frees the held request', async () => {
  // Out of both pools, so no health probe is held there and the held-request count is this test's alone.
  await lab.control.pull('gateway', 'IC-Web2');
  await lab.control.pull('ilb', 'IC-Web2');
  await lab.control.addFault('web-slow:IC-Web2');
  const t0 = Date.now();
  const r = await client.get(port(lab, 'IC-Web2'), WWW);
  assert.ok(Date.now() - t0 >= FAST.slowMs - 20, `took ${Date.now() - t0} ms`);
  assert.equal(r.status, 200);
  assert.equal(r.servedBy, 'IC-Web2');
  const delayed = () => lab.control.status().webServers.find((w) => w.name === 'IC-Web2')!.delayed;
  assert.equal(delayed(), 0);
  const gaveUp = client.get(port(lab, 'IC-Web2'), WWW, '/', { signal: AbortSignal.timeout(1_000) });
  assert.ok(await eventually(() => delayed() === 1, 900), 'the request is held');
  await assert.rejects(gaveUp, (e: Error) => e.name === 'TimeoutError' || e.name === 'AbortError');
  assert.ok(await eventually(() => delayed() === 0, FAST.slowMs / 2), 'held request released when the client left, before slowMs');
  const fast = Date.now();
  await client.get(port(lab, 'IC-Web1'), WWW);
  assert.ok(Date.now() - fast < FAST.slowMs / 2, 'other servers answer at once');
});

test('web-error answers 500 on the app pages of every host, /health stays 200', async () => {
  await lab.control.addFault('web-error:IC-Web5');
  for (const host of ['www', 'www2', 'my', 'sso']) {
    const r = await client.get(port(lab, 'IC-Web5'), `${host}.invoicecloud.test`);
    assert.equal(r.status, 500, host);
    assert.equal(r.servedBy, 'IC-Web5');
  }
  assert.equal((await client.get(port(lab, 'IC-Web5'), WWW, '/health')).status, 200);
  assert.equal((await client.get(port(lab, 'IC-Web6'), WWW)).status, 200);
});

test('web-cert-expired serves an expired certificate (for SNI and for clients without SNI)', async () => {
  assert.equal(await handshake(port(lab, 'IC-Web7'), WWW), undefined);
  // Without SNI the chain is valid but no certificate names 127.0.0.1.
  assert.equal(await handshake(port(lab, 'IC-Web7'), undefined), 'ERR_TLS_CERT_ALTNAME_INVALID');
  await lab.control.addFault('web-cert-expired:IC-Web7');
  for (const host of [WWW, 'sso.invoicecloud.test', undefined])
    assert.equal(await handshake(port(lab, 'IC-Web7'), host), 'CERT_HAS_EXPIRED', host);
  await assert.rejects(client.get(port(lab, 'IC-Web7'), WWW), (e: NodeJS.ErrnoException) => e.code === 'CERT_HAS_EXPIRED');
  assert.equal(await handshake(port(lab, 'IC-Web6'), WWW), undefined);
  await lab.control.removeFault('web-cert-expired:IC-Web7');
  assert.equal(await handshake(port(lab, 'IC-Web7'), WWW), undefined);
});

test('web-stale-key: cookies issued by the farm fail on that server, and its cookies fail on the farm', async () => {
  const c = await config();
  const t = c.estate.tokens;
  const body = new URLSearchParams({
    user: lab.manifest.account.user,
    password: process.env[t.passwordEnv] ?? 'lab-password-not-secret',
  }).toString();
  const login = async (server: string) => {
    const r = await client.get(port(lab, server), 'my.invoicecloud.test', t.loginPath, { method: 'POST', body });
    assert.equal(r.status, 200, r.body);
    return String(r.headers['set-cookie']).split(';')[0]!;
  };
  const verify = async (server: string, cookie: string) =>
    (await client.get(port(lab, server), 'my.invoicecloud.test', t.verifyPath, { headers: { cookie } })).status;
  const farmCookie = await login('IC-Web1');
  await lab.control.addFault('web-stale-key:IC-Web9');
  assert.equal(await verify('IC-Web9', farmCookie), 401);
  assert.equal(await verify('IC-Web2', farmCookie), 200);
  const staleCookie = await login('IC-Web9');
  assert.equal(await verify('IC-Web1', staleCookie), 401);
  assert.equal(await verify('IC-Web9', staleCookie), 200);
});

// A rehearsal injects a fault and runs its step at once: the control API returns only once the fault holds (it once
// waited for a 100 ms poll, and a loaded machine let patch-sftp1 pass with SFTP1 'down').
test('service-down through the control API holds when addFault returns, and clears when removeFault returns', async () => {
  const sftp = lab.manifest.services.find((s) => s.name === 'SFTP1')!;
  const other = lab.manifest.services.find((s) => s.name === 'SFTP2')!;
  for (let i = 0; i < 5; i++) {
    await lab.control.addFault('service-down:SFTP1');
    assert.equal(await tcpConnect(sftp.port), 'ECONNREFUSED', `round ${i}: down as soon as addFault returned`);
    assert.equal(await tcpConnect(other.port), undefined, 'SFTP2 unaffected');
    await lab.control.removeFault('service-down:SFTP1');
    assert.equal(await tcpConnect(sftp.port), undefined, `round ${i}: up as soon as removeFault returned`);
  }
});

test('faults with an unknown server or host are refused with the known names', async () => {
  await assert.rejects(
    lab.control.addFault('web-down:IC-Web12'),
    /fault web-down:IC-Web12: unknown web server "IC-Web12" \(known: IC-Web1/,
  );
  await assert.rejects(lab.control.addFault('maintenance-stuck:ftp'), /unknown host "ftp" \(known: www, www2, my, sso\)/);
  await assert.rejects(lab.control.addFault('web-melted:IC-Web1'), /unknown fault "web-melted"/);
  // An argument naming nothing in this lab is refused through the control API too, as at start.
  await assert.rejects(lab.control.addFault('service-down:NOPE1'), /NOPE1/);
  await lab.control.addFault('web-down:ic-web1');
  assert.deepEqual(lab.control.status().faults, ['web-down:IC-Web1']);
});
