// Backends as a real estate has them: a login form with an antiforgery token and a redirect, an authenticated
// page with a marker, servers that name themselves differently in the identity header, a declared plain-HTTP one.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { TokenConfig } from '../../core/config/estate.ts';
import type { Endpoint } from '../../estate/model.ts';
import { httpsProbe } from '../../sanity/https-probe.ts';
import { poolProbe } from '../../sanity/pool-probe.ts';
import { hiddenInputs, tokenProbe } from '../../sanity/token-probe.ts';
import { httpsServer, page, testPki, type Running } from '../sanity/fixtures.ts';

const running: Running[] = [];
after(() => Promise.all(running.map((r) => r.close())));
const signal = () => new AbortController().signal;
const HOST = { name: 'my.invoicecloud.test', path: '/', marker: 'Northwind' };

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => resolve(body));
  });
}

const cookies = (req: IncomingMessage) =>
  Object.fromEntries((req.headers.cookie ?? '').split(';').map((p) => p.trim().split('=') as [string, string]));

/** An ASP.NET-style app: GET /Account/Login (hidden token + antiforgery cookie), POST → 302 + auth cookie, /Account/Home. */
function portalApp(key: string, opts: { password?: string } = {}) {
  const sign = (v: string) => `${v}.${createHmac('sha256', key).update(v).digest('hex').slice(0, 16)}`;
  return (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'https://x');
    if (url.pathname === '/Account/Login' && req.method === 'GET')
      return page(
        res,
        200,
        `<form method="post"><input type="hidden" name="__RequestVerificationToken" value="tok&amp;123"><input name="Email"><input type="password" name="Password"></form>`,
        { 'set-cookie': '__Antiforgery=af1; Path=/; HttpOnly' },
      );
    if (url.pathname === '/Account/Login' && req.method === 'POST')
      return void readBody(req).then((body) => {
        const f = new URLSearchParams(body);
        const ok =
          f.get('__RequestVerificationToken') === 'tok&123' &&
          cookies(req)['__Antiforgery'] === 'af1' &&
          f.get('Email') === 'payer@example.test' &&
          f.get('Password') === (opts.password ?? 'pw') &&
          f.get('RememberMe') === 'false';
        if (!ok) return page(res, 200, '<p role="alert">Invalid login attempt.</p>');
        res.writeHead(302, { location: '/Account/Home', 'set-cookie': `.AspNet.Auth=${sign('payer')}; Path=/; Secure; HttpOnly` });
        res.end();
      });
    if (url.pathname === '/Account/Home') {
      const c = cookies(req)['.AspNet.Auth'];
      if (c && c === sign('payer')) return page(res, 200, '<h1>Signed in as payer@example.test</h1>');
      res.writeHead(302, { location: '/Account/Login' });
      return void res.end();
    }
    page(res, 404, 'not found');
  };
}

const PORTAL_FLOW = TokenConfig.parse({
  formPath: '/Account/Login',
  loginPath: '/Account/Login',
  verifyPath: '/Account/Home',
  cookieName: '.AspNet.Auth',
  userField: 'Email',
  passwordField: 'Password',
  extraFields: { RememberMe: 'false' },
  verifyMarker: 'Signed in as',
});

async function farm(keys: string[], opts: { password?: string } = {}): Promise<Endpoint[]> {
  const out: Endpoint[] = [];
  for (const [i, key] of keys.entries()) {
    const s = await httpsServer(portalApp(key, opts));
    running.push(s);
    out.push({ name: `web-${String.fromCharCode(97 + i)}`, address: '127.0.0.1', port: s.port });
  }
  return out;
}

test('hiddenInputs: the antiforgery token and other hidden fields, entities decoded, visible inputs left out', () => {
  assert.deepEqual(
    hiddenInputs(
      `<input type="hidden" name="__RequestVerificationToken" value="a&amp;b"><input name="Email"><INPUT TYPE=hidden NAME=x value='1'>`,
    ),
    { __RequestVerificationToken: 'a&b', x: '1' },
  );
});

const tokenCases = [
  { name: 'every server shares the key: passed', keys: ['k1', 'k1', 'k1'], want: 'passed', code: undefined },
  {
    name: 'web-c signs with another key: failed naming it',
    keys: ['k1', 'k1', 'k2'],
    want: 'failed',
    code: 'TOKEN_REJECTED',
    names: /web-c rejected/,
  },
  {
    name: 'the account is refused: failed, login named',
    keys: ['k1', 'k1'],
    password: 'other',
    want: 'failed',
    code: 'TOKEN_LOGIN_FAILED',
    names: /web-a answered 200 without a \.AspNet\.Auth cookie at \/Account\/Login/,
  },
];
for (const c of tokenCases)
  test(`token portability through a configured login flow (form page, fields, redirect, marker): ${c.name}`, async () => {
    const { trust } = await testPki();
    const servers = await farm(c.keys, c.password ? { password: c.password } : {});
    const r = await tokenProbe(
      { servers, host: HOST },
      {
        trust,
        tokens: PORTAL_FLOW,
        account: { user: 'payer@example.test', password: 'pw' },
        requestTimeoutMs: 3_000,
        concurrency: 4,
        timeoutMs: 10_000,
      },
      signal(),
    );
    assert.equal(r.status, c.want, r.message);
    if (c.code) assert.equal(r.failure?.code, c.code, r.message);
    if (c.names) assert.match(r.message ?? '', c.names);
  });

test('the pool probe maps identity-header values to configured names (IIS machine names, any case)', async () => {
  const { trust } = await testPki();
  let n = 0;
  const names = ['WEBA01', 'weba01', 'WEBB01'];
  const s = await httpsServer((_req, res) => page(res, 200, 'Northwind', { 'x-served-by': names[n++ % names.length]! }));
  running.push(s);
  const r = await poolProbe(
    {
      balancer: {
        name: 'agw',
        address: '127.0.0.1',
        port: s.port,
        identityHeader: 'x-served-by',
        identities: { WEBA01: 'web-a', WEBB01: 'web-b' },
      },
      host: HOST,
      expected: ['web-a', 'web-b'],
    },
    { trust, samplesPerMember: 3, concurrency: 2, requestTimeoutMs: 3_000, timeoutMs: 10_000 },
    signal(),
  );
  assert.equal(r.status, 'passed', r.message);
  assert.deepEqual(Object.keys((r.details as { perMember: object }).perMember).sort(), ['web-a', 'web-b']);
});

async function plainServer(): Promise<Running> {
  const server = createHttpServer((_req, res) => page(res, 200, '<h1>Northwind</h1>'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  return {
    port: addr && typeof addr === 'object' ? addr.port : 0,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

test('a backend declared plain HTTP is probed over HTTP; undeclared, the same server fails TLS (never a silent downgrade)', async () => {
  const { trust } = await testPki();
  const plain = await plainServer();
  running.push(plain);
  const options = { trust, latencyBudgetMs: 2_000, tlsExpiryWarningDays: 0, timeoutMs: 3_000 };
  const declared = await httpsProbe(
    { server: { name: 'web-c', address: '127.0.0.1', port: plain.port, scheme: 'http' }, host: HOST },
    options,
    signal(),
  );
  assert.equal(declared.status, 'passed', declared.message);
  assert.match(declared.message ?? '', /served http:\/\/my\.invoicecloud\.test\//);
  const undeclared = await httpsProbe({ server: { name: 'web-c', address: '127.0.0.1', port: plain.port }, host: HOST }, options, signal());
  assert.equal(undeclared.status, 'failed');
  assert.equal(undeclared.failure?.layer, 'tls', undeclared.message);
});

test('wherever TLS is used the certificate is verified for the host name: a backend with the wrong name fails', async () => {
  const { trust } = await testPki();
  // The fixture serves www's certificate for names it has no leaf for.
  const s = await httpsServer((_req, res) => page(res, 200, 'Northwind'));
  running.push(s);
  const r = await httpsProbe(
    {
      server: { name: 'web-a', address: '127.0.0.1', port: s.port },
      host: { name: 'portal.northwind.test', path: '/', marker: 'Northwind' },
    },
    { trust, latencyBudgetMs: 2_000, tlsExpiryWarningDays: 0, timeoutMs: 3_000 },
    signal(),
  );
  assert.equal(r.status, 'failed');
  assert.equal(r.failure?.layer, 'tls', r.message);
  assert.match(r.failure?.code ?? '', /ALTNAME|HOSTNAME|CERT/);
});
