// The default HTTPS port: undici reports it as '' in the connector's options, which must mean 443, never 0.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { connectPort, exchange } from '../../sanity/exchange.ts';
import { poolProbe } from '../../sanity/pool-probe.ts';
import { httpsServer, page, testPki, type Running } from './fixtures.ts';

const running: Running[] = [];
after(() => Promise.all(running.map((r) => r.close())));

test('connectPort: an empty port is the scheme default, an explicit one is kept', () => {
  assert.equal(connectPort({ protocol: 'https:', port: '' }), 443);
  assert.equal(connectPort({ protocol: 'http:', port: '' }), 80);
  assert.equal(connectPort({ protocol: 'https:' }), 443);
  assert.equal(connectPort({ protocol: 'https:', port: '8443' }), 8443);
  assert.equal(connectPort({ protocol: 'http:', port: 8080 }), 8080);
});

const ok = (_req: IncomingMessage, res: ServerResponse) => page(res, 200, '<h1>InvoiceCloud</h1>', { 'x-served-by': 'IC-Web1' });

/** An HTTPS server on addr:443, or the reason it could not bind (not root, the address in use). */
async function on443(): Promise<{ address: string } | { skip: string }> {
  // A loopback address of our own, so a real service on 127.0.0.1:443 is never in the way.
  const address = `127.0.${40 + (process.pid % 200)}.${2 + (Date.now() % 250)}`;
  try {
    running.push(await httpsServer(ok, { host: address, port: 443 }));
    return { address };
  } catch (err) {
    return {
      skip: `cannot listen on ${address}:443 (${(err as NodeJS.ErrnoException).code ?? String(err)}): binding port 443 needs root or CAP_NET_BIND_SERVICE`,
    };
  }
}

test('a direct probe reaches a server listening on the default port 443', async (t) => {
  const bound = await on443();
  if ('skip' in bound) return void t.skip(bound.skip);
  const { trust } = await testPki();
  const out = await exchange(
    { label: 'IC-Web1', address: bound.address, port: 443, hostname: 'www.invoicecloud.test', path: '/', timeoutMs: 3_000 },
    trust,
    new AbortController().signal,
  );
  assert.ok(out.ok, out.ok ? '' : `${out.failure.code}: ${out.failure.message}`);
  assert.equal(out.response.status, 200);
  assert.match(out.response.body, /InvoiceCloud/);
  assert.ok(out.response.cert, 'the certificate is read on the default port too');
});

test('a pool probe through a balancer on the default port 443 sees its member', async (t) => {
  const bound = await on443();
  if ('skip' in bound) return void t.skip(bound.skip);
  const { trust } = await testPki();
  const balancer = { name: 'agw', address: bound.address, port: 443, identityHeader: 'x-served-by' };
  const r = await poolProbe(
    { balancer, host: { name: 'www.invoicecloud.test', path: '/' }, expected: ['IC-Web1'] },
    { trust, samplesPerMember: 2, concurrency: 2, requestTimeoutMs: 3_000, timeoutMs: 6_000 },
    new AbortController().signal,
  );
  assert.equal(r.status, 'passed', r.message);
});
