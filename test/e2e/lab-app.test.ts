// The lab app as the e2e suites use it, over HTTP: the sso → my round trip with RS256 tokens, the faults
// that break it (login-broken:HOST, sso-key-mismatch), and the JWT checks my applies.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import type { HostKey } from '../../core/config/estate.ts';
import { ActiveFaults } from '../../lab/faults.ts';
import { createApp } from '../../lab/app/index.ts';
import { createSsoKeys } from '../../lab/app/sso-keys.ts';
import { signJwt, verifyJwt, type SsoClaims } from '../../lab/app/jwt.ts';

const USER = 'lab.payer@invoicecloud.test';
const PASSWORD = 'lab-password-not-secret';
const keys = createSsoKeys();
const faults = new ActiveFaults();
const hosts: Record<HostKey, string> = {
  www: 'www.invoicecloud.test',
  www2: 'www2.invoicecloud.test',
  my: 'my.invoicecloud.test',
  sso: 'sso.invoicecloud.test',
};
let server: Server;
let port = 0;

before(async () => {
  const machineKey = randomBytes(32);
  const app = createApp({
    serverName: 'IC-Web1',
    machineKey: () => machineKey,
    faults,
    account: { user: USER, password: () => PASSWORD },
    cookieName: '.ASPXAUTH',
    marker: 'InvoiceCloud',
    sso: keys,
  });
  const byName = new Map(Object.entries(hosts).map(([k, v]) => [v, k as HostKey]));
  server = createServer((req, res) => app(req, res, byName.get(req.headers.host ?? '') ?? 'www'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
after(() => new Promise<void>((r) => server.close(() => r())));

async function call(host: HostKey, path: string, opts: { method?: 'GET' | 'POST'; form?: Record<string, string>; cookie?: string } = {}) {
  const res = await request(`http://127.0.0.1:${port}${path}`, {
    method: opts.method ?? (opts.form ? 'POST' : 'GET'),
    headers: {
      host: hosts[host],
      ...(opts.cookie ? { cookie: opts.cookie } : {}),
      ...(opts.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    ...(opts.form ? { body: new URLSearchParams(opts.form).toString() } : {}),
  });
  const body = await res.body.text();
  const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return {
    status: res.statusCode,
    location: String(res.headers.location ?? ''),
    body,
    cookies: setCookie.map((c) => c.split(';')[0]!).join('; '),
  };
}

/** my /login → sso /authorize (form) → my /sso/callback → /dashboard, as a browser would follow it. */
async function roundTrip(password = PASSWORD) {
  const start = await call('my', '/login');
  assert.equal(start.status, 303);
  const authorize = new URL(start.location);
  assert.equal(authorize.host, hosts.sso);
  const form = Object.fromEntries(authorize.searchParams);
  const signIn = await call('sso', '/authorize', { form: { ...form, user: USER, password } });
  if (signIn.status !== 303) return { signIn };
  const back = new URL(signIn.location);
  assert.equal(back.host, hosts.my);
  const callback = await call('my', `${back.pathname}${back.search}`, { cookie: start.cookies });
  const dashboard = callback.status === 303 ? await call('my', callback.location, { cookie: callback.cookies }) : undefined;
  return { signIn, callback, dashboard };
}

describe('lab app: sso round trip', () => {
  test('healthy: sso signs an RS256 token my accepts, the dashboard lists invoices', async () => {
    const { callback, dashboard } = await roundTrip();
    assert.equal(callback?.status, 303);
    assert.equal(callback?.location, '/dashboard');
    assert.equal(dashboard?.status, 200);
    assert.match(dashboard?.body ?? '', /Your invoices/);
    assert.match(dashboard?.body ?? '', new RegExp(USER.replace('.', '\\.')));
  });

  test('sso-key-mismatch: my refuses the token and says why', async () => {
    faults.add({ name: 'sso-key-mismatch' });
    try {
      const { callback } = await roundTrip();
      assert.equal(callback?.status, 401);
      assert.match(callback?.body ?? '', /signed with a key this portal does not trust/);
    } finally {
      faults.remove({ name: 'sso-key-mismatch' });
    }
  });

  test('login-broken:sso: the sso form rejects the test account', async () => {
    faults.add({ name: 'login-broken', arg: 'sso' });
    try {
      const { signIn } = await roundTrip();
      assert.equal(signIn.status, 200);
      assert.match(signIn.body, /The email address or password is incorrect/);
    } finally {
      faults.remove({ name: 'login-broken', arg: 'sso' });
    }
  });

  test('a redirect outside the estate is refused', async () => {
    const r = await call('sso', '/authorize?client_id=my&redirect_uri=https%3A%2F%2Fevil.invalid%2Fcb&state=x');
    assert.equal(r.status, 400);
  });
});

describe('lab app: www sign-in', () => {
  const cases: { name: string; fault?: string; password: string; signedIn: boolean }[] = [
    { name: 'the test account signs in', password: PASSWORD, signedIn: true },
    { name: 'a wrong password is refused', password: 'wrong-password', signedIn: false },
    { name: 'login-broken:www refuses the test account', fault: 'www', password: PASSWORD, signedIn: false },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      if (c.fault) faults.add({ name: 'login-broken', arg: c.fault });
      try {
        const r = await call('www', '/login', { form: { user: USER, password: c.password } });
        if (c.signedIn) {
          assert.equal(r.status, 303);
          const account = await call('www', r.location, { cookie: r.cookies });
          assert.match(account.body, /Signed in as/);
        } else {
          assert.equal(r.status, 200);
          assert.match(r.body, /The email address or password is incorrect/);
        }
        // The same fault breaks the API sign-in the token checks use.
        const api = await call('www', '/auth/login', { form: { user: USER, password: c.password } });
        assert.equal(api.status, c.signedIn ? 200 : 401);
      } finally {
        if (c.fault) faults.remove({ name: 'login-broken', arg: c.fault });
      }
    });
  }
});

describe('lab app: JWT checks', () => {
  const now = Math.floor(Date.now() / 1000);
  const claims: SsoClaims = { sub: USER, iss: 'https://sso.invoicecloud.test', aud: 'my', iat: now, exp: now + 60, nonce: 'n' };
  const expect = { audience: 'my', issuer: 'https://sso.invoicecloud.test' };
  const unsigned = (c: object) =>
    `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${Buffer.from(JSON.stringify(c)).toString('base64url')}.x`;
  const cases: { name: string; token: string; reason?: string }[] = [
    { name: 'signed with the lab key', token: signJwt(claims, keys.signing.privateKey, keys.kid) },
    { name: 'signed with the rogue key', token: signJwt(claims, keys.rogue.privateKey, keys.rogue.kid), reason: 'bad-signature' },
    { name: 'expired', token: signJwt({ ...claims, exp: now - 5 }, keys.signing.privateKey, keys.kid), reason: 'expired' },
    {
      name: 'for another audience',
      token: signJwt({ ...claims, aud: 'www' }, keys.signing.privateKey, keys.kid),
      reason: 'wrong-audience',
    },
    { name: 'alg none', token: unsigned(claims), reason: 'wrong-algorithm' },
    { name: 'two parts', token: 'a.b', reason: 'malformed' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const out = verifyJwt(c.token, keys.signing.publicKey, expect);
      if (c.reason) assert.deepEqual(out, { valid: false, reason: c.reason });
      else assert.equal(out.valid, true);
    });
  }
});
