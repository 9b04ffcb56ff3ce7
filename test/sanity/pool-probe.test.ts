// Pool membership through a stand-in balancer that round-robins over named members.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { poolProbe, type PoolOptions } from '../../sanity/pool-probe.ts';
import { closedPort, httpsServer, page, testPki, type Running } from './fixtures.ts';

const running: Running[] = [];
after(() => Promise.all(running.map((r) => r.close())));
const MEMBERS = ['IC-Web1', 'IC-Web2', 'IC-Web3', 'IC-Web4'];

/** A balancer answering as `rotation[i % n]`; a member named "slow:X" answers late, "" sets no identity header. */
async function balancer(rotation: string[], status = 200): Promise<number> {
  let next = 0;
  const s = await httpsServer((_req, res) => {
    const who = rotation[next++ % rotation.length]!;
    if (who.startsWith('slow:'))
      return void setTimeout(() => page(res, 200, 'InvoiceCloud', { 'x-served-by': who.slice(5) }), 5_000).unref();
    page(res, status, 'InvoiceCloud', who ? { 'x-served-by': who } : {});
  });
  running.push(s);
  return s.port;
}

async function probe(port: number, expected = MEMBERS, over: Partial<PoolOptions> = {}) {
  const { trust } = await testPki();
  const options: PoolOptions = { trust, samplesPerMember: 3, concurrency: 4, requestTimeoutMs: 1_500, timeoutMs: 8_000, ...over };
  const balancerEp = { name: 'agw-pri-appgateway0-prd', address: '127.0.0.1', port, identityHeader: 'x-served-by' };
  return poolProbe(
    { balancer: balancerEp, host: { name: 'www.invoicecloud.test', path: '/' }, expected },
    options,
    AbortSignal.timeout(options.timeoutMs),
  );
}

const cases = [
  {
    name: 'every expected member answers',
    rotation: MEMBERS,
    status: 'passed',
    message: /all 4 expected members answered through agw-pri-appgateway0-prd for www\.invoicecloud\.test \(12 requests\)/,
  },
  {
    name: 'a member left out of the pool',
    rotation: ['IC-Web1', 'IC-Web2', 'IC-Web4'],
    status: 'failed',
    code: 'POOL_MEMBER_MISSING',
    message: /^IC-Web3 never answered through agw-pri-appgateway0-prd for www\.invoicecloud\.test in 12 requests$/,
  },
  {
    name: 'a member that should be out answers',
    rotation: [...MEMBERS, 'IC-Web9'],
    status: 'failed',
    code: 'POOL_MEMBER_UNEXPECTED',
    message: /^IC-Web9 answered through agw-pri-appgateway0-prd but should be out of its pool$/,
  },
  {
    name: 'a member too slow to answer',
    rotation: ['IC-Web1', 'IC-Web2', 'slow:IC-Web3', 'IC-Web4'],
    status: 'failed',
    code: 'POOL_MEMBER_MISSING',
    message:
      /^IC-Web3 never answered .* \(\d+ of 12 requests failed with TIMEOUT \(agw-pri-appgateway0-prd did not send response headers within 1500 ms\)\)$/,
  },
  {
    name: 'no identity header at all',
    rotation: [''],
    status: 'failed',
    code: 'POOL_NO_IDENTITY',
    message:
      /no response through agw-pri-appgateway0-prd for www\.invoicecloud\.test named a member in x-served-by \(12 of 12 without it\)/,
  },
] as const;

for (const c of cases) {
  test(`pool probe: ${c.name}`, async () => {
    const r = await probe(await balancer([...c.rotation]));
    assert.equal(r.status, c.status, JSON.stringify(r));
    assert.match(r.message ?? '', c.message);
    if ('code' in c) assert.equal(r.failure?.code, c.code);
  });
}

test('pool probe: details count the answers of every member', async () => {
  const r = await probe(await balancer(MEMBERS));
  const d = r.details as { perMember: Record<string, { answers: number; statuses: Record<string, number> }>; requests: number };
  assert.equal(d.requests, 12);
  assert.deepEqual(Object.keys(d.perMember).sort(), MEMBERS);
  for (const m of MEMBERS) assert.deepEqual(d.perMember[m], { answers: 3, statuses: { '200': 3 } });
});

test('pool probe: a balancer that refuses connections fails at the tcp layer, naming it', async () => {
  const r = await probe(await closedPort());
  assert.equal(r.status, 'failed');
  assert.equal(r.failure?.layer, 'tcp');
  assert.equal(r.failure?.code, 'TCP_CONNECT_REFUSED');
  assert.match(
    r.message ?? '',
    /^no pool member answered through agw-pri-appgateway0-prd for www\.invoicecloud\.test: agw-pri-appgateway0-prd \(127\.0\.0\.1:\d+\) refused the connection$/,
  );
});

test('pool probe: the check deadline ends it with what was still unseen', async () => {
  const r = await probe(await balancer(['IC-Web1', 'slow:IC-Web2']), ['IC-Web1', 'IC-Web2'], {
    requestTimeoutMs: 8_000,
    timeoutMs: 400,
    concurrency: 1,
  });
  assert.equal(r.status, 'failed');
  assert.equal(r.failure?.code, 'TIMEOUT');
  assert.match(r.message ?? '', /ran out of time \(400 ms\) after \d of 6 requests; not seen yet: IC-Web2/);
});
