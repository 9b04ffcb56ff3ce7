// The direct HTTPS probe against real local servers: every outcome named by layer, code and words.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { httpsProbe, type HttpsOptions } from '../../sanity/https-probe.ts';
import { createTrust } from '../../sanity/trust.ts';
import { closedPort, httpsServer, page, tcpServer, testPki, type Running } from './fixtures.ts';

const WWW = { name: 'www.invoicecloud.test', marker: 'InvoiceCloud', path: '/' };
const running: Running[] = [];
after(() => Promise.all(running.map((r) => r.close())));

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void, opts: { expired?: boolean } = {}): Promise<number> {
  const s = await httpsServer(handler, opts);
  running.push(s);
  return s.port;
}

async function options(over: Partial<HttpsOptions> = {}): Promise<HttpsOptions> {
  const { trust } = await testPki();
  return { trust, latencyBudgetMs: 1_500, tlsExpiryWarningDays: 3, timeoutMs: 3_000, ...over };
}

const SHORT = { timeoutMs: 400 };
// Long enough for a handshake and headers on a loaded 2-core machine, so the stage the deadline names is the body.
const STALL = { timeoutMs: 1_500 };
const ok = (_req: IncomingMessage, res: ServerResponse) => page(res, 200, '<h1>InvoiceCloud</h1>');

interface Case {
  name: string;
  port: () => Promise<number>;
  host?: typeof WWW;
  opts?: Partial<HttpsOptions> | (() => Promise<Partial<HttpsOptions>>);
  status: 'passed' | 'failed' | 'broken';
  layer?: string;
  code?: string;
  message: RegExp;
}

const cases: Case[] = [
  {
    name: 'healthy: 200 with the marker',
    port: () => serve(ok),
    status: 'passed',
    message: /IC-Web3 served https:\/\/www\.invoicecloud\.test\/: 200 with "InvoiceCloud"/,
  },
  {
    name: '500 on the page',
    port: () => serve((_q, r) => page(r, 500, "<h1>Server Error in '/' Application.</h1>")),
    status: 'failed',
    layer: 'http',
    code: 'HTTP_STATUS',
    message: /^IC-Web3 answered 500 for https:\/\/www\.invoicecloud\.test\/ \(expected 200\)$/,
  },
  {
    name: '200 without the marker',
    port: () => serve((_q, r) => page(r, 200, '<h1>Default IIS page</h1>')),
    status: 'failed',
    layer: 'assertion',
    code: 'CONTENT_MARKER_MISSING',
    message: /IC-Web3 answered 200 .* but the page lacks "InvoiceCloud"$/,
  },
  {
    name: 'marker beyond the 256 KiB cap',
    port: () => serve((_q, r) => page(r, 200, 'x'.repeat(1024 * 1024) + 'InvoiceCloud')),
    status: 'failed',
    code: 'CONTENT_MARKER_MISSING',
    message: /lacks "InvoiceCloud" in its first 256 KiB/,
  },
  {
    name: 'no response headers before the deadline',
    port: () => serve(() => undefined),
    opts: SHORT,
    status: 'failed',
    layer: 'http',
    code: 'TIMEOUT',
    message: /^IC-Web3 did not send response headers within 400 ms$/,
  },
  {
    name: 'headers then a stalled body',
    opts: STALL,
    port: () =>
      serve((_q, r) => {
        r.writeHead(200, { 'content-type': 'text/html' });
        r.write('<h1>Invoice');
      }),
    status: 'failed',
    layer: 'http',
    code: 'TIMEOUT',
    message: /^IC-Web3 did not finish sending the response body within 1500 ms$/,
  },
  {
    name: 'a TCP listener that never speaks TLS',
    opts: SHORT,
    port: async () => {
      const s = await tcpServer(() => undefined);
      running.push(s);
      return s.port;
    },
    status: 'failed',
    layer: 'tls',
    code: 'TIMEOUT',
    message: /^IC-Web3 did not complete the TLS handshake within 400 ms$/,
  },
  {
    name: 'connection refused',
    port: closedPort,
    status: 'failed',
    layer: 'tcp',
    code: 'TCP_CONNECT_REFUSED',
    message: /^IC-Web3 \(127\.0\.0\.1:\d+\) refused the connection$/,
  },
  {
    name: 'connection reset before the handshake',
    port: async () => {
      const s = await tcpServer((sock) => sock.resetAndDestroy());
      running.push(s);
      return s.port;
    },
    status: 'failed',
    layer: 'tcp',
    code: 'TCP_CONNECTION_RESET',
    message: /IC-Web3 \(127\.0\.0\.1:\d+\) reset the connection/,
  },
  {
    name: 'plain HTTP where HTTPS is expected',
    port: async () => {
      const s = await tcpServer((sock) => sock.end('HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n'));
      running.push(s);
      return s.port;
    },
    status: 'failed',
    layer: 'tls',
    code: 'TLS_HANDSHAKE_FAILED',
    message: /IC-Web3 failed the TLS handshake for www\.invoicecloud\.test \(\w+\)/,
  },
  {
    name: 'expired certificate',
    port: () => serve(ok, { expired: true }),
    status: 'failed',
    layer: 'tls',
    code: 'TLS_CERT_EXPIRED',
    message: /^IC-Web3's certificate for www\.invoicecloud\.test expired on \d{4}-\d\d-\d\dT/,
  },
  {
    name: 'certificate for another name',
    port: () => serve(ok),
    host: { ...WWW, name: 'billing.invoicecloud.test' },
    status: 'failed',
    layer: 'tls',
    code: 'TLS_CERT_NAME_MISMATCH',
    message: /IC-Web3 served a certificate that does not cover billing\.invoicecloud\.test \(it covers DNS:www\.invoicecloud\.test\)/,
  },
  {
    name: 'certificate from a CA we do not trust',
    port: () => serve(ok),
    opts: { trust: createTrust() },
    status: 'failed',
    layer: 'tls',
    code: 'TLS_CERT_UNTRUSTED',
    message: /IC-Web3's certificate for www\.invoicecloud\.test is not signed by a trusted CA \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)/,
  },
  {
    name: 'certificate inside the expiry warning',
    port: () => serve(ok),
    opts: { tlsExpiryWarningDays: 400 },
    status: 'failed',
    layer: 'tls',
    code: 'TLS_CERT_EXPIRING',
    message: /IC-Web3's certificate for www\.invoicecloud\.test expires on .* \(\d+ days left, under the 400-day warning\)/,
  },
  {
    name: 'slower than the latency budget',
    port: () => serve((_q, r) => void setTimeout(() => page(r, 200, 'InvoiceCloud'), 120)),
    opts: { latencyBudgetMs: 50 },
    status: 'failed',
    layer: 'assertion',
    code: 'LATENCY_BUDGET',
    message: /IC-Web3 took \d+ ms for https:\/\/www\.invoicecloud\.test\/, over the 50 ms budget/,
  },
  {
    name: 'two problems at once are both named',
    port: () => serve((_q, r) => void setTimeout(() => page(r, 503, 'down'), 80)),
    opts: { latencyBudgetMs: 20 },
    status: 'failed',
    code: 'HTTP_STATUS',
    message: /answered 503 .*; IC-Web3 took \d+ ms/,
  },
];

for (const c of cases) {
  test(`https probe: ${c.name}`, async () => {
    const port = await c.port();
    const over = typeof c.opts === 'function' ? await c.opts() : c.opts;
    const opts = await options(over);
    const t0 = Date.now();
    const r = await httpsProbe(
      { server: { name: 'IC-Web3', address: '127.0.0.1', port }, host: c.host ?? WWW },
      opts,
      AbortSignal.timeout(opts.timeoutMs),
    );
    assert.ok(Date.now() - t0 < opts.timeoutMs + 500, 'returns promptly after the deadline');
    assert.equal(r.status, c.status, JSON.stringify(r));
    assert.match(r.message ?? '', c.message);
    if (c.layer) assert.equal(r.failure?.layer, c.layer);
    if (c.code) assert.equal(r.failure?.code, c.code);
  });
}

test('https probe: a pass reports timing phases and the certificate', async () => {
  const port = await serve(ok);
  const r = await httpsProbe(
    { server: { name: 'IC-Web1', address: '127.0.0.1', port }, host: WWW },
    await options(),
    AbortSignal.timeout(2_000),
  );
  assert.equal(r.status, 'passed');
  const d = r.details as { timing: Record<string, number>; cert: { subject: string; daysLeft: number }; status: number };
  for (const k of ['connectMs', 'tlsMs', 'processingMs', 'transferMs', 'totalMs']) assert.equal(typeof d.timing[k], 'number', k);
  assert.ok(d.timing.totalMs! >= d.timing.tlsMs!);
  assert.equal(d.cert.subject, 'www.invoicecloud.test');
  assert.ok(d.cert.daysLeft >= 5);
});

test('https probe: the Host header and TLS server name are the host FQDN', async () => {
  let seen: { host?: string; sni?: string } = {};
  const port = await serve((req, res) => {
    seen = { host: req.headers.host, sni: (req.socket as unknown as { servername?: string }).servername };
    page(res, 200, 'InvoiceCloud');
  });
  const r = await httpsProbe(
    { server: { name: 'IC-Web1', address: '127.0.0.1', port }, host: { ...WWW, name: 'my.invoicecloud.test' } },
    await options(),
    AbortSignal.timeout(2_000),
  );
  assert.equal(r.status, 'passed', r.message);
  assert.deepEqual(seen, { host: 'my.invoicecloud.test', sni: 'my.invoicecloud.test' });
});
