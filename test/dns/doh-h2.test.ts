// Issue 12, point 4: DoH over HTTP/2 and HTTP/1.1 as ALPN negotiates (unbound, BIND and Knot Resolver serve DoH over
// HTTP/2 only), trust given with a CA, and a transport failure is broken (could not ask), not a failed resolver.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createSecureServer, type Http2SecureServer } from 'node:http2';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { dnsQuery, DEFAULT_QUERY_OPTIONS, type DnsServer } from '../../dns/query.ts';
import { ask, unanswered } from '../../dns/answer.ts';
import { answerWire, type ServerOptions } from '../../lab/dns/server.ts';
import { makeTestCa, type TestCa } from './test-ca.ts';

const q = { name: 'www.invoicecloud.test', type: 'A' };
const dnsAnswers: ServerOptions = {
  name: 'doh-test',
  truncateUdp: () => false,
  handler: () => ({
    rcode: 'NOERROR',
    ra: true,
    answers: [{ name: 'www.invoicecloud.test', type: 'A', ttl: 60, class: 'IN', data: '127.0.0.9' }],
  }),
};
const seen: string[] = [];
let ca: TestCa;
let h2: Http2SecureServer;
let h1: Server;

async function body(req: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

before(async () => {
  ca = makeTestCa();
  // As unbound/BIND: HTTP/2 only (no HTTP/1.1 fallback in ALPN).
  h2 = createSecureServer({ key: ca.key, cert: ca.cert, allowHTTP1: false }, async (req, res) => {
    seen.push(`h2 ${req.httpVersion}`);
    const out = (await answerWire(dnsAnswers, await body(req), 'tcp')) ?? Buffer.alloc(0);
    res.writeHead(200, { 'content-type': 'application/dns-message' });
    res.end(out);
  });
  h1 = createHttpsServer({ key: ca.key, cert: ca.cert }, async (req, res) => {
    seen.push(`h1 ${req.httpVersion}`);
    const out = (await answerWire(dnsAnswers, await body(req), 'tcp')) ?? Buffer.alloc(0);
    res.writeHead(200, { 'content-type': 'application/dns-message' }).end(out);
  });
  await new Promise<void>((r) => h2.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => h1.listen(0, '127.0.0.1', r));
});
after(async () => {
  h1.closeAllConnections();
  await Promise.all([new Promise((r) => h2.close(r)), new Promise((r) => h1.close(r))]);
  ca.remove();
});

const url = (s: { address(): AddressInfo | string | null }) => `https://127.0.0.1:${(s.address() as AddressInfo).port}/dns-query`;

const served: [string, () => DnsServer, string][] = [
  ['an HTTP/2-only server (unbound, BIND, Knot Resolver)', () => ({ name: 'doh-h2', protocol: 'doh', url: url(h2), ca: ca.ca }), 'h2 2.0'],
  ['an HTTP/1.1-only server', () => ({ name: 'doh-h1', protocol: 'doh', url: url(h1), ca: ca.ca }), 'h1 1.1'],
];
for (const [name, server, version] of served) {
  test(`DoH to ${name}: answered, over the protocol ALPN chose, with the CA given`, async () => {
    seen.length = 0;
    const out = await dnsQuery(server(), q, { ...DEFAULT_QUERY_OPTIONS, recursionDesired: true }, AbortSignal.timeout(5000));
    assert.ok(out.ok, JSON.stringify(out));
    assert.equal(out.transport, 'doh');
    assert.deepEqual(
      out.message.answers.map((r) => r.data),
      ['127.0.0.9'],
    );
    assert.deepEqual(seen, [version]);
  });
}

const cannotAsk: [string, () => DnsServer, RegExp][] = [
  ['the CA is not given (verification stays on)', () => ({ name: 'doh-untrusted', protocol: 'doh', url: url(h2) }), /^DOH_/],
  ['nothing listens', () => ({ name: 'doh-down', protocol: 'doh', url: 'https://127.0.0.1:1/dns-query' }), /^TCP_CONNECT_REFUSED$/],
];
for (const [name, server, code] of cannotAsk) {
  test(`DoH when ${name}: broken (could not ask), with a stable code, never a failed resolver`, async () => {
    const out = await dnsQuery(server(), q, DEFAULT_QUERY_OPTIONS, AbortSignal.timeout(5000));
    assert.equal(!out.ok && out.status, 'broken', JSON.stringify(out));
    assert.match(!out.ok ? out.code : '', code);
    const asked = await ask(server(), q.name, q.type, DEFAULT_QUERY_OPTIONS, AbortSignal.timeout(5000));
    assert.ok(!asked.ok);
    assert.equal(unanswered(asked.failure, {}).status, 'broken');
  });
}
