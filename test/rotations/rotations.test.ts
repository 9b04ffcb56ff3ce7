// The rotation kinds' other failures against the lab and small fakes: a Key Vault secret or a key that is not there,
// a cron job reading another secret, my refusing sso's token, the validator down, Mailgun never delivering.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { parseConfig } from '../../core/config/load.ts';
import type { AnyKind } from '../../core/kind.ts';
import type { CheckTask } from '../../core/task.ts';
import { estateFromLab, type ResolvedEstate } from '../../estate/model.ts';
import harness from '../../harness.config.ts';
import { LAB_MAILGUN_KEY, LAB_MAILGUN_OLD_KEY } from '../../lab/apis/credentials.ts';
import type { Lab } from '../../lab/index.ts';
import { jwtKind } from '../../rotations/jwt.ts';
import { machineKeyKind } from '../../rotations/machinekey.ts';
import { mailgunKeyProbe, mailgunKind, mailRoutingProbe } from '../../rotations/mailgun.ts';
import { authHeaders } from '../../api/endpoint.ts';
import { createTrust } from '../../sanity/trust.ts';
import { secretSyncKind } from '../../rotations/secret-sync.ts';
import { fastLab } from '../lab/helpers.ts';
import { juneStep } from '../support/window.ts';

const config = parseConfig(harness);
let lab: Lab;
let estate: ResolvedEstate;
before(async () => {
  lab = await fastLab();
  estate = estateFromLab(config, lab.manifest);
});
after(() => lab.stop());

function planned(kind: AnyKind, params: unknown, on = estate, cfg = config): CheckTask[] {
  return kind.plan(
    { step: juneStep('mailgun-rotation'), config: cfg, estate: on, runDir: '/tmp' },
    kind.params.parse(params),
    'critical',
  ) as CheckTask[];
}
const run = (t: CheckTask) => t.run(AbortSignal.timeout(t.timeoutMs));
const SYNC = {
  cluster: 'k8s:aks-prd-1',
  namespace: 'biller',
  secret: 'biller-mailgun',
  key: 'MAILGUN_API_KEY',
  cronJob: 'biller-mailgun-message-status-job',
  keyVault: { secret: 'mailgun-api-key' },
  k8sTokenEnv: 'K8S_TOKEN_AKS_PRD_1',
};

test('secret-sync: each way the Key Vault and Kubernetes sides disagree has its code; no value is ever shown', async () => {
  const cases: { name: string; params: Record<string, unknown>; status: string; code?: string; says: RegExp }[] = [
    { name: 'in sync', params: {}, status: 'passed', says: /holds Key Vault mailgun-api-key version 9a8b\w+ \(compared by digest\)/ },
    {
      name: 'no such Key Vault secret',
      params: { keyVault: { secret: 'mailgun-api-key-2' } },
      status: 'failed',
      code: 'KEYVAULT_SECRET_MISSING',
      says: /Key Vault has no secret mailgun-api-key-2/,
    },
    {
      name: 'no such key in the secret',
      params: { key: 'MAILGUN_KEY' },
      status: 'failed',
      code: 'K8S_SECRET_KEY_MISSING',
      says: /has no key MAILGUN_KEY \(keys: MAILGUN_API_KEY\)/,
    },
    {
      name: 'the cron job reads another secret',
      params: { secret: 'mailgun-other' },
      status: 'failed',
      code: 'CRONJOB_SECRET_NOT_REFERENCED',
      says: /does not read secret mailgun-other \(it reads: biller-mailgun\)/,
    },
    {
      name: 'no such cron job',
      params: { cronJob: 'biller-other-job' },
      status: 'failed',
      code: 'API_NOT_FOUND',
      says: /answered 404 for cron job biller\/biller-other-job/,
    },
  ];
  for (const c of cases) {
    const [task] = planned(secretSyncKind, { ...SYNC, ...c.params });
    const r = await run(task!);
    assert.equal(r.status, c.status, `${c.name}: ${r.message}`);
    if (c.code) assert.equal(r.failure?.code, c.code, c.name);
    assert.match(r.message ?? '', c.says, c.name);
    const text = JSON.stringify(r);
    for (const v of [LAB_MAILGUN_KEY, LAB_MAILGUN_OLD_KEY, Buffer.from(LAB_MAILGUN_KEY).toString('base64')])
      assert.ok(!text.includes(v), 'a secret value was shown');
  }
});

test('jwt: my refusing the token sso signed is JWT_NOT_VERIFIED, naming the server that refused it', async () => {
  await lab.control.addFault('login-broken:my');
  try {
    const tasks = planned(jwtKind, { servers: ['IC-Web2'] });
    const r = await run(tasks[0]!);
    assert.equal(r.failure?.code, 'JWT_NOT_VERIFIED', r.message);
    assert.match(
      r.message ?? '',
      /^my on IC-Web3 refused the token IC-Web2's sso signed: your account cannot use the payer portal right now/,
    );
  } finally {
    await lab.control.removeFault('login-broken:my');
  }
  const prod = { ...estate, env: 'production', lab: undefined } as ResolvedEstate;
  assert.match(planned(jwtKind, {}, prod)[0]!.gap ?? '', /the window names no kid for ARC-135: set kid/);
});

test('machinekey: the validator down is broken (could not compare), never a pass', async () => {
  await lab.control.addFault('web-down:IC-Web3');
  try {
    const [task] = planned(machineKeyKind, { rolled: ['IC-Web1', 'IC-Web2'], validateOn: 'IC-Web3' });
    const r = await run(task!);
    assert.equal(r.status, 'broken', r.message);
    assert.equal(r.failure?.code, 'MACHINEKEY_UNCHECKED');
    assert.match(r.message ?? '', /could not compare the machineKey of IC-Web3 \(IC-Web3 \(127\.0\.0\.1:\d+\) refused the connection\)/);
  } finally {
    await lab.control.removeFault('web-down:IC-Web3');
  }
  assert.match(planned(machineKeyKind, { validateOn: 'IC-Web30' })[0]!.gap ?? '', /IC-Web30, but the estate has no such web server/);
});

test('mailgun: a domain not active and a message never delivered are named; the key is sent from the environment', async () => {
  let sawKey = '';
  const server = createServer((req, res) => {
    sawKey = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
    const json = (b: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(b));
    if (req.url?.startsWith('/v3/domains/')) return json({ domain: { state: 'unverified' } });
    if (req.method === 'POST') return json({ id: '<1@mg.invoicecloud.com>' });
    json({ items: [{ event: 'accepted' }] });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const staging = { ...estate, env: 'staging', domain: 'invoicecloud.com', lab: undefined } as ResolvedEstate;
  const cfg = parseConfig({
    ...harness,
    environments: { staging: { domain: 'invoicecloud.com', addresses: { mailgun: 'api.mailgun.net' } } },
  });
  process.env.TEST_MAILGUN_API_KEY = 'key-from-the-environment';
  try {
    const headers = authHeaders(staging, { scheme: 'basic', user: 'api', env: 'TEST_MAILGUN_API_KEY' });
    assert.ok(headers.ok);
    const target = {
      base: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
      domain: 'mg.invoicecloud.com',
      headers: headers.value,
      to: 'maintenance-routing-check@invoicecloud.com',
      from: 'maintenance-harness@mg.invoicecloud.com',
    };
    const opts = { trust: createTrust(), requestMs: 2_000, deliveryMs: 400, pollMs: 100, keyEnv: 'TEST_MAILGUN_API_KEY' };
    const k = await mailgunKeyProbe(target, opts, AbortSignal.timeout(5_000));
    assert.equal(k.failure?.code, 'MAILGUN_DOMAIN_INACTIVE', k.message);
    assert.match(k.message ?? '', /Mailgun domain mg\.invoicecloud\.com is "unverified", not active/);
    assert.equal(sawKey, 'api:key-from-the-environment');
    const r = await mailRoutingProbe(target, opts, AbortSignal.timeout(5_000));
    assert.equal(r.failure?.code, 'MAIL_NOT_DELIVERED', r.message);
    assert.match(r.message ?? '', /maintenance-routing-check@invoicecloud\.com was not delivered within 400 ms \(events: accepted\)/);
    assert.ok(!JSON.stringify([k, r]).includes('key-from-the-environment'));
    // Planned outside the lab: the environment's host over https, the key from the variable the window names.
    const [key] = planned(mailgunKind, { keyEnv: 'TEST_MAILGUN_API_KEY' }, staging, cfg);
    assert.equal(key!.gap, undefined);
    delete process.env.TEST_MAILGUN_API_KEY;
    assert.match(planned(mailgunKind, { keyEnv: 'TEST_MAILGUN_API_KEY' }, staging, cfg)[0]!.gap ?? '', /TEST_MAILGUN_API_KEY is not set/);
  } finally {
    delete process.env.TEST_MAILGUN_API_KEY;
    server.close();
  }
});
