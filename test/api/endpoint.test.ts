// Where an API check sends its request and with what: https, or plain http only to a loopback address (parsed, never
// by prefix); in an environment the base URL and the secret must be configured, else the plan names the gap.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { parseConfig } from '../../core/config/load.ts';
import type { CheckTask } from '../../core/task.ts';
import harness from '../../harness.config.ts';
import { apiKind, ApiParams, apiProbe } from '../../api/plan.ts';
import { authHeaders, endpointUrl, urlProblem } from '../../api/endpoint.ts';
import { createTrust } from '../../sanity/trust.ts';
import type { ResolvedEstate } from '../../estate/model.ts';
import { juneStep } from '../support/window.ts';

const config = parseConfig(harness);
let base = '';
const server = createServer((req, res) => {
  if (req.headers.authorization !== 'GenieKey right-key') return void res.writeHead(401).end('{"message":"Could not authenticate"}');
  if (req.url === '/text') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
  if (req.url === '/boom') return void res.writeHead(502).end('bad gateway');
  if (req.url === '/v2/off') return void res.writeHead(200).end(JSON.stringify({ data: [{ name: 'SFTP1', enabled: false }] }));
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: [{ name: 'SFTP1', enabled: true }] }));
});
before(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

const estate = (env = 'staging') =>
  ({ env, domain: 'invoicecloud.com', hosts: [], webServers: [], services: [] }) as unknown as ResolvedEstate;
const withAddress = (name: string, url: string) =>
  parseConfig({ ...harness, environments: { staging: { domain: 'invoicecloud.com', addresses: { [name]: url } } } });
const plan = (cfg: typeof config, spec: Record<string, unknown>) =>
  apiKind.plan(
    { step: juneStep('post-steps'), config: cfg, estate: estate(), runDir: '/tmp' },
    ApiParams.parse(spec),
    'critical',
  ) as CheckTask[];
const spec = (path: string, extra: Record<string, unknown> = {}) => ({
  name: 'alerting:sftp',
  title: 'alerting on for SFTP1',
  endpoint: 'opsgenie',
  path,
  auth: { scheme: 'genie-key', env: 'TEST_OPSGENIE_API_KEY' },
  expect: { json: [{ path: 'data[name=SFTP1].enabled', op: 'equals', value: true }] },
  ...extra,
});

test('plain http only to a loopback address, checked as a parsed IP', () => {
  const cases: [string, RegExp | undefined][] = [
    ['https://api.opsgenie.com', undefined],
    ['http://127.0.0.1:8080', undefined],
    ['http://127.200.3.4', undefined],
    ['http://[::1]:9', undefined],
    ['http://127.evil.example', /plain http to a non-loopback address/],
    ['http://10.0.0.1', /plain http to a non-loopback address/],
    ['http://localhost:80', /plain http to a non-loopback address/],
    ['ftp://127.0.0.1', /not an http\(s\) URL/],
  ];
  for (const [url, says] of cases) {
    const got = urlProblem(new URL(url));
    if (says) assert.match(got ?? '', says, url);
    else assert.equal(got, undefined, url);
  }
});

test('in an environment: https to the configured host; a missing host or secret is a gap naming what to set', () => {
  delete process.env.TEST_OPSGENIE_API_KEY;
  const missing = plan(config, spec('/v2/integrations'));
  assert.match(
    missing[0]!.gap ?? '',
    /environments\.staging\.addresses\["opsgenie"\]: the host name of the opsgenie API is not set; fill it in/,
  );
  const cfg = withAddress('opsgenie', 'api.opsgenie.com');
  assert.match(plan(cfg, spec('/v2/integrations'))[0]!.gap ?? '', /TEST_OPSGENIE_API_KEY is not set: export it/);
  const url = (address: string, port?: number) => {
    const r = endpointUrl(withAddress('k8s:aks-prd-1', address), estate(), 'k8s:aks-prd-1', port);
    return r.ok ? r.value.href : r.gap;
  };
  assert.equal(url('api.opsgenie.com'), 'https://api.opsgenie.com/');
  assert.equal(url('aks-prd-1.hcp.eastus2.azmk8s.io', 6443), 'https://aks-prd-1.hcp.eastus2.azmk8s.io:6443/');
  assert.equal(url('fd00::4'), 'https://[fd00::4]/');
  process.env.TEST_OPSGENIE_API_KEY = 'k';
  try {
    assert.equal(plan(cfg, spec('/v2/integrations'))[0]!.gap, undefined);
  } finally {
    delete process.env.TEST_OPSGENIE_API_KEY;
  }
});

test('the request carries the secret from the environment; each way a reply is wrong has its own code', async () => {
  const prod = estate();
  const cases: { key: string; path: string; status: string; code?: string; says: RegExp }[] = [
    {
      key: 'right-key',
      path: '/v2/integrations',
      status: 'passed',
      says: /alerting on for SFTP1: Opsgenie GET \/v2\/integrations → 200, 1 assertion\(s\) hold/,
    },
    {
      key: 'old-key',
      path: '/v2/integrations',
      status: 'failed',
      code: 'API_AUTH_REJECTED',
      says: /Opsgenie refused our credentials \(401\)/,
    },
    { key: 'right-key', path: '/text', status: 'failed', code: 'API_BODY_NOT_JSON', says: /a body that is not JSON/ },
    {
      key: 'right-key',
      path: '/boom',
      status: 'failed',
      code: 'API_STATUS',
      says: /answered 502 for GET \/boom, expected 200 \(bad gateway\)/,
    },
    {
      key: 'right-key',
      path: '/v2/off',
      status: 'failed',
      code: 'API_ASSERTION',
      says: /data\[name=SFTP1\]\.enabled is false, expected true/,
    },
  ];
  try {
    for (const c of cases) {
      process.env.TEST_OPSGENIE_API_KEY = c.key;
      const p = ApiParams.parse(spec(c.path));
      const headers = authHeaders(prod, p.auth);
      assert.ok(headers.ok);
      const r = await apiProbe(
        { url: new URL(c.path, base), headers: headers.value, label: 'Opsgenie', spec: p },
        { trust: createTrust(), timeoutMs: 3_000 },
        AbortSignal.timeout(5_000),
      );
      assert.equal(r.status, c.status, `${c.path}: ${r.message}`);
      if (c.code) assert.equal(r.failure?.code, c.code);
      assert.match(r.message ?? '', c.says);
      assert.ok(!JSON.stringify(r).includes(c.key), 'the key never reaches a result');
    }
  } finally {
    delete process.env.TEST_OPSGENIE_API_KEY;
  }
});

test('an API that is down is data: the connection refused, named; plain http elsewhere than loopback is refused', async () => {
  const closed = createServer();
  closed.listen(0, '127.0.0.1');
  await once(closed, 'listening');
  const port = (closed.address() as AddressInfo).port;
  closed.close();
  const p = ApiParams.parse(spec('/v2/integrations', { auth: { scheme: 'none' } }));
  const call = (url: string) =>
    apiProbe(
      { url: new URL(url), headers: {}, label: 'Opsgenie', spec: p },
      { trust: createTrust(), timeoutMs: 3_000 },
      AbortSignal.timeout(5_000),
    );
  const down = await call(`http://127.0.0.1:${port}/v2/integrations`);
  assert.equal(down.failure?.code, 'TCP_CONNECT_REFUSED');
  assert.match(down.message ?? '', /Opsgenie \(127\.0\.0\.1:\d+\) refused the connection/);
  const plain = await call('http://127.evil.example/v2/integrations');
  assert.equal(plain.status, 'broken');
  assert.equal(plain.failure?.code, 'API_URL_REFUSED');
});
