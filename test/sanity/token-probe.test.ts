// Token portability against real lab-app servers (lab/app): each signs and checks the auth cookie with its own key.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createApp } from '../../lab/app/index.ts';
import { ActiveFaults } from '../../lab/faults.ts';
import { TokenConfig } from '../../core/config/estate.ts';
import { tokenProbe, type TokenOptions } from '../../sanity/token-probe.ts';
import type { Endpoint } from '../../estate/model.ts';
import { closedPort, httpsServer, page, testPki, type Running } from './fixtures.ts';

const running: Running[] = [];
after(() => Promise.all(running.map((r) => r.close())));
const PASSWORD = 'pw-9f3a-secret';
const USER = 'tester@invoicecloud.test';
const FARM = randomBytes(32);
const tokens = TokenConfig.parse({});

/** Web servers named IC-Web1..n; `keys[i]` is server i's machineKey; 'down' / 'error' stand for a broken server. */
async function farm(keys: (Buffer | 'down' | 'error')[]): Promise<Endpoint[]> {
  return Promise.all(
    keys.map(async (key, i) => {
      const name = `IC-Web${i + 1}`;
      if (key === 'down') return { name, address: '127.0.0.1', port: await closedPort() };
      const app =
        key === 'error'
          ? undefined
          : createApp({
              serverName: name,
              machineKey: () => key,
              faults: new ActiveFaults(),
              account: { user: USER, password: () => PASSWORD },
              cookieName: tokens.cookieName,
              marker: 'InvoiceCloud',
            });
      const s = await httpsServer((req, res) => (app ? app(req, res, 'my') : page(res, 500, 'Server Error')));
      running.push(s);
      return { name, address: '127.0.0.1', port: s.port };
    }),
  );
}

async function probe(servers: Endpoint[], over: Partial<TokenOptions> = {}) {
  const { trust } = await testPki();
  const options: TokenOptions = {
    trust,
    tokens,
    account: { user: USER, password: PASSWORD },
    requestTimeoutMs: 3_000,
    concurrency: 4,
    timeoutMs: 10_000,
    ...over,
  };
  const r = await tokenProbe({ servers, host: { name: 'my.invoicecloud.test' } }, options, AbortSignal.timeout(options.timeoutMs));
  assert.ok(!JSON.stringify(r).includes(PASSWORD), 'the password never appears in the result');
  return r;
}

const other = () => randomBytes(32);
const cases: { name: string; keys: () => (Buffer | 'down' | 'error')[]; status: string; code?: string; message: RegExp }[] = [
  {
    name: 'one machineKey on every server',
    keys: () => [FARM, FARM, FARM, FARM],
    status: 'passed',
    message: /^all 4 servers accepted the auth cookie issued by IC-Web1 on my\.invoicecloud\.test$/,
  },
  {
    name: 'one server with another machineKey',
    keys: () => [FARM, FARM, FARM, FARM, FARM, FARM, other()],
    status: 'failed',
    code: 'TOKEN_REJECTED',
    message: /^IC-Web7 rejected the auth cookie issued by IC-Web1 — machineKey differs \(PLAT-2374\)$/,
  },
  {
    name: 'the issuer is the odd one out',
    keys: () => [other(), FARM, FARM, FARM],
    status: 'failed',
    code: 'TOKEN_ISSUER_KEY_DIFFERS',
    message: /^IC-Web1's machineKey is the odd one out: 3 of 3 other servers rejected the auth cookie it issued \(PLAT-2374\)$/,
  },
  {
    name: 'a server that cannot be reached',
    keys: () => [FARM, FARM, 'down', FARM],
    status: 'failed',
    code: 'TOKEN_VERIFY_FAILED',
    message: /^IC-Web3 \(127\.0\.0\.1:\d+\) refused the connection, so the auth cookie issued by IC-Web1 could not be checked there$/,
  },
  {
    name: 'a server answering 500',
    keys: () => [FARM, 'error', FARM],
    status: 'failed',
    code: 'TOKEN_VERIFY_FAILED',
    message: /^IC-Web2 answered 500 at \/auth\/verify, so the auth cookie issued by IC-Web1 could not be checked there$/,
  },
  {
    name: 'the first issuer is down: the next one issues',
    keys: () => ['down', FARM, FARM],
    status: 'failed',
    code: 'TOKEN_VERIFY_FAILED',
    message: /^IC-Web1 \(127\.0\.0\.1:\d+\) refused the connection, so the auth cookie issued by IC-Web2 could not be checked there$/,
  },
];

for (const c of cases) {
  test(`token probe: ${c.name}`, async () => {
    const r = await probe(await farm(c.keys()));
    assert.equal(r.status, c.status, JSON.stringify(r));
    assert.match(r.message ?? '', c.message);
    if (c.code) assert.equal(r.failure?.code, c.code);
  });
}

test('token probe: details give every server its outcome', async () => {
  const r = await probe(await farm([FARM, other(), FARM]));
  const d = r.details as { issuer: string; perServer: Record<string, { outcome: string; status?: number }> };
  assert.equal(d.issuer, 'IC-Web1');
  assert.deepEqual(d.perServer, {
    'IC-Web1': { outcome: 'accepted', status: 200 },
    'IC-Web2': { outcome: 'rejected', status: 401 },
    'IC-Web3': { outcome: 'accepted', status: 200 },
  });
});

test('token probe: a refused login names the server and the account, never the password', async () => {
  const r = await probe(await farm([FARM, FARM]), { account: { user: USER, password: 'wrong-password-77' } });
  assert.equal(r.failure?.code, 'TOKEN_LOGIN_REJECTED');
  assert.match(r.message ?? '', /^IC-Web1 refused the test account tester@invoicecloud\.test at \/auth\/login on my\.invoicecloud\.test/);
  assert.ok(!JSON.stringify(r).includes('wrong-password-77'));
});

test('token probe: without a test account the check is broken and says which variables to set', async () => {
  const r = await probe(await farm([FARM]), { account: { user: USER, password: undefined } });
  assert.equal(r.status, 'broken');
  assert.match(r.message ?? '', /export HARNESS_TEST_USER and HARNESS_TEST_PASSWORD/);
});
