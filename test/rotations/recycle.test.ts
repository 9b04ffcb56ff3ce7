// The IIS recycle check (kind `recycle`) against the lab and small local servers: every way a server's app can fail
// to prove it loaded Key Vault's current version is failed or broken with its code, never passed; no value is shown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { parseConfig } from '../../core/config/load.ts';
import type { ProbeResult } from '../../core/probe.ts';
import type { CheckTask } from '../../core/task.ts';
import { estateFromLab, type ResolvedEstate, type ResolvedHost } from '../../estate/model.ts';
import harness from '../../harness.config.ts';
import { LAB_API_TOKEN, LAB_MAILGUN_KEY, LAB_MAILGUN_OLD_KEY } from '../../lab/apis/credentials.ts';
import { LAB_KEYVAULT_VERSIONS } from '../../lab/apis/keyvault.ts';
import type { Lab } from '../../lab/index.ts';
import { KeyVaultRef, vaultFor } from '../../rotations/keyvault.ts';
import { recycleKind, recycleProbe } from '../../rotations/recycle.ts';
import { parsePath } from '../../api/json-path.ts';
import { fastLab } from '../lab/helpers.ts';
import { closedPort, httpsServer, testPki, type Running } from '../sanity/fixtures.ts';
import { juneStep } from '../support/window.ts';

const config = parseConfig(harness);
const [OLD, CURRENT] = LAB_KEYVAULT_VERSIONS;
const SECRETS = [LAB_MAILGUN_KEY, LAB_MAILGUN_OLD_KEY, LAB_API_TOKEN];
let lab: Lab;
let estate: ResolvedEstate;
const running: Running[] = [];
before(async () => {
  lab = await fastLab();
  estate = estateFromLab(config, lab.manifest);
});
after(async () => {
  await Promise.all(running.map((r) => r.close()));
  await lab.stop();
});

function planned(params: Record<string, unknown>, on = estate): CheckTask[] {
  return recycleKind.plan(
    { step: juneStep('mailgun-rotation'), config, estate: on, runDir: '/tmp' },
    recycleKind.params.parse({ keyVault: { secret: 'mailgun-api-key' }, ...params }),
    'critical',
  ) as CheckTask[];
}
const run = (t: CheckTask) => t.run(AbortSignal.timeout(t.timeoutMs));
function noSecrets(r: ProbeResult, what: string): void {
  const text = JSON.stringify(r);
  for (const v of SECRETS) assert.ok(!text.includes(v), `${what}: a secret value was shown`);
}

interface Case {
  name: string;
  faults?: string[];
  params?: Record<string, unknown>;
  /** Key Vault replaced by a port nothing listens on. */
  vaultDown?: boolean;
  server: string;
  status: 'passed' | 'failed' | 'broken';
  code?: string;
  says: RegExp;
}

const CASES: Case[] = [
  {
    name: 'recycled: the app runs the current version',
    server: 'IC-Web7',
    status: 'passed',
    says: new RegExp(`^IC-Web7's app runs Key Vault mailgun-api-key version ${CURRENT}, the current one$`),
  },
  {
    name: 'not recycled: the old version is named with the current one',
    faults: ['iis-not-recycled:IC-Web3'],
    server: 'IC-Web3',
    status: 'failed',
    code: 'APP_NOT_RECYCLED',
    says: new RegExp(
      `^IC-Web3's app runs Key Vault mailgun-api-key version ${OLD} \\(loaded [^)]+\\), not the current version ${CURRENT} \\(created [^)]+\\): recycle the IIS app pool on IC-Web3`,
    ),
  },
  {
    name: 'the server is down: failed with its network code',
    faults: ['web-down:IC-Web2'],
    server: 'IC-Web2',
    status: 'failed',
    code: 'TCP_CONNECT_REFUSED',
    says: /^IC-Web2 \(127\.0\.0\.1:\d+\) refused the connection/,
  },
  {
    name: 'the app errors: failed, not serving',
    faults: ['web-error:IC-Web4'],
    server: 'IC-Web4',
    status: 'failed',
    code: 'HTTP_STATUS',
    says: /^IC-Web4 answered 500 at \/health\/secrets, expected 200/,
  },
  {
    name: 'no such endpoint (404): broken, the app must expose it',
    params: { path: '/health/loaded-secrets' },
    server: 'IC-Web1',
    status: 'broken',
    code: 'APP_SECRETS_ENDPOINT_MISSING',
    says: /^IC-Web1 answered 404 at \/health\/loaded-secrets: the app does not say which mailgun-api-key version it loaded.*the app must expose it/,
  },
  {
    name: 'not JSON: broken',
    params: { path: '/health' },
    server: 'IC-Web1',
    status: 'broken',
    code: 'APP_SECRETS_NOT_JSON',
    says: /^IC-Web1 answered \/health with something other than JSON/,
  },
  {
    name: 'no such field: broken',
    params: { field: 'secrets["mailgun-key"].version' },
    server: 'IC-Web1',
    status: 'broken',
    code: 'APP_SECRET_VERSION_MISSING',
    says: /^IC-Web1's \/health\/secrets has no secrets\["mailgun-key"\]\.version: the app does not report/,
  },
  {
    name: 'Key Vault down: broken, the server not judged',
    vaultDown: true,
    server: 'IC-Web1',
    status: 'broken',
    code: 'KEYVAULT_UNREACHABLE',
    says: /refused the connection: cannot tell which mailgun-api-key version IC-Web1 should run, so IC-Web1 was not checked/,
  },
  {
    name: 'Key Vault has no such secret: broken',
    params: { keyVault: { secret: 'mailgun-api-key-2' } },
    server: 'IC-Web1',
    status: 'broken',
    code: 'KEYVAULT_SECRET_MISSING',
    says: /^Key Vault has no secret mailgun-api-key-2: cannot tell/,
  },
];

for (const c of CASES) {
  test(`recycle: ${c.name} → ${c.status}`, async () => {
    for (const f of c.faults ?? []) await lab.control.addFault(f);
    try {
      let on = estate;
      if (c.vaultDown)
        on = { ...estate, lab: { ...estate.lab!, apis: { ...estate.lab!.apis, keyvault: `http://127.0.0.1:${await closedPort()}` } } };
      const task = planned({ servers: [c.server], ...c.params }, on).find((t) => t.id === `recycle:${c.server}`)!;
      assert.equal(task.gap, undefined);
      const r = await run(task);
      assert.equal(r.status, c.status, r.message);
      if (c.code) assert.equal(r.failure?.code, c.code, r.message);
      assert.match(r.message ?? '', c.says);
      if (c.status === 'failed' && c.code === 'APP_NOT_RECYCLED')
        assert.deepEqual({ runs: r.details?.runsVersion, current: r.details?.currentVersion }, { runs: OLD, current: CURRENT });
      noSecrets(r, c.name);
    } finally {
      for (const f of c.faults ?? []) await lab.control.removeFault(f);
    }
  });
}

test('recycle: by default every web server of the estate is asked, one check each; unknown servers are gaps', () => {
  assert.deepEqual(
    planned({}).map((t) => t.id),
    estate.webServers.map((s) => `recycle:${s.name}`),
  );
  assert.match(planned({ servers: ['IC-Web30'] })[0]!.gap ?? '', /IC-Web30, but the estate has no such web server/);
  const prod = { ...estate, env: 'production', lab: undefined } as ResolvedEstate;
  assert.match(planned({}, prod)[0]!.gap ?? '', /environments\.production\.addresses\["keyvault"\]/);
});

test('recycle: the schema is strict, with limits', () => {
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ path: 'health/secrets' }, /path/],
    [{ field: 'secrets[*].version' }, /one value/],
    [{ field: 'secrets..version' }, /bad JSON path/],
    [{ by: 'md5' }, /by/],
    [{ servers: [] }, /servers/],
    [{ extra: 1 }, /extra/],
    [{ keyVault: {} }, /secret/],
  ];
  for (const [params, says] of bad) {
    const r = recycleKind.params.safeParse({ keyVault: { secret: 'mailgun-api-key' }, ...params });
    assert.equal(r.success, false, JSON.stringify(params));
    assert.match(JSON.stringify(r.error?.issues), says, JSON.stringify(params));
  }
  const ok = recycleKind.params.parse({ keyVault: { secret: 'mailgun-api-key' } });
  assert.deepEqual(
    { servers: ok.servers, host: ok.host, path: ok.path, by: ok.by, field: ok.field },
    { servers: 'all', host: 'www', path: '/health/secrets', by: 'version', field: undefined },
  );
});

test('recycle by sha256: the digest of the current value passes, an older one names its version, the value itself is refused unshown', async () => {
  const { trust } = await testPki();
  const sha = (v: string) => createHash('sha256').update(v).digest('hex');
  const vault = vaultFor(config, estate, KeyVaultRef.parse({ secret: 'mailgun-api-key' }));
  assert.ok(vault.ok);
  const cases: { name: string; reports: unknown; status: string; code?: string; says: RegExp }[] = [
    {
      name: 'current digest',
      reports: `sha256:${sha(LAB_MAILGUN_KEY)}`,
      status: 'passed',
      says: new RegExp(`version ${CURRENT}, the current one`),
    },
    {
      name: 'older digest',
      reports: sha(LAB_MAILGUN_OLD_KEY),
      status: 'failed',
      code: 'APP_NOT_RECYCLED',
      says: new RegExp(`^IC-Web3's app runs Key Vault mailgun-api-key version ${OLD}, not the current version ${CURRENT}`),
    },
    {
      name: 'unknown digest',
      reports: sha('another key'),
      status: 'failed',
      code: 'APP_NOT_RECYCLED',
      says: /a version Key Vault does not list/,
    },
    {
      name: 'the value itself',
      reports: LAB_MAILGUN_KEY,
      status: 'failed',
      code: 'APP_EXPOSES_SECRET_VALUE',
      says: /holds the mailgun-api-key value itself/,
    },
    {
      name: 'not a digest',
      reports: 'xyz',
      status: 'broken',
      code: 'APP_SECRET_VERSION_UNREADABLE',
      says: /is not a hex SHA-256 digest \(not shown\)/,
    },
    { name: 'a number', reports: 42, status: 'broken', code: 'APP_SECRET_VERSION_MISSING', says: /has no app\.mailgunKeySha256/ },
  ];
  for (const c of cases) {
    const s = await httpsServer((_q, res: ServerResponse) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ app: { mailgunKeySha256: c.reports } }));
    });
    running.push(s);
    const target = {
      server: { name: 'IC-Web3', address: '127.0.0.1', port: s.port },
      host: { name: 'www.invoicecloud.test' } as ResolvedHost,
      path: '/health/secrets',
      field: { text: 'app.mailgunKeySha256', segments: parsePath('app.mailgunKeySha256') },
      by: 'sha256' as const,
      vault: vault.value,
      headers: {},
    };
    const r = await recycleProbe(target, { trust, requestMs: 3_000 }, AbortSignal.timeout(10_000));
    assert.equal(r.status, c.status, `${c.name}: ${r.message}`);
    if (c.code) assert.equal(r.failure?.code, c.code, c.name);
    assert.match(r.message ?? '', c.says, c.name);
    noSecrets(r, c.name);
  }
});
