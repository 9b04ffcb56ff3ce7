// The transport against real sockets: UDP, TCP fallback on TC, DoH, IDs that do not match, timeouts, refusals.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as dnsPacket from 'dns-packet';
import { dnsQuery, DEFAULT_QUERY_OPTIONS, type DnsServer } from '../../dns/query.ts';
import { fakeTcp, fakeUdp, frame } from './fake-servers.ts';
import { startTestLab, type TestLab } from './helpers.ts';

const opts = { ...DEFAULT_QUERY_OPTIONS, udpTryTimeoutMs: 150, udpTries: 2 };
const q = { name: 'www.invoicecloud.test', type: 'A' };
const respondTo = (query: Buffer, over: Record<string, unknown> = {}) => {
  const d = dnsPacket.decode(query);
  return dnsPacket.encode({
    type: 'response',
    id: query.readUInt16BE(0),
    flags: dnsPacket.AUTHORITATIVE_ANSWER,
    questions: d.questions,
    answers: [{ type: 'A', name: 'www.invoicecloud.test', ttl: 60, data: '127.0.0.9' }],
    ...over,
  } as dnsPacket.Packet);
};
const udpAt = (port: number): DnsServer => ({ name: 'fake', protocol: 'udp', address: '127.0.0.1', port });

let lab: TestLab;
before(async () => {
  lab = await startTestLab([], { provider: 'new' });
});
after(() => lab.lab.stop());

const labServer = (name: string, protocol: 'udp' | 'tcp' = 'udp'): DnsServer => ({
  name,
  protocol,
  address: '127.0.0.1',
  port: lab.lab.servers[name]?.port ?? 0,
});

test('UDP query to a lab nameserver: authoritative answer with EDNS echoed', async () => {
  const out = await dnsQuery(labServer('ada.ns.cloudflare.test'), q, opts, AbortSignal.timeout(2000));
  assert.ok(out.ok, JSON.stringify(out));
  assert.equal(out.transport, 'udp');
  assert.equal(out.message.aa, true);
  assert.equal(out.message.edns?.udpPayloadSize, 1232);
  assert.deepEqual(
    out.message.answers.map((r) => r.data),
    ['127.0.0.1'],
  );
});

test('TCP when asked', async () => {
  const before = lab.lab.servers['ns45.domaincontrol.test']!.counts.tcp;
  const out = await dnsQuery(labServer('ns45.domaincontrol.test', 'tcp'), q, opts, AbortSignal.timeout(2000));
  assert.ok(out.ok);
  assert.equal(out.transport, 'tcp');
  assert.equal(lab.lab.servers['ns45.domaincontrol.test']!.counts.tcp, before + 1);
});

test('a truncated UDP answer (TC) is asked again over TCP and arrives whole', async () => {
  lab.faults.add({ name: 'dns-truncate' });
  try {
    const out = await dnsQuery(
      labServer('bob.ns.cloudflare.test'),
      { name: 'k1._domainkey.invoicecloud.test', type: 'TXT' },
      opts,
      AbortSignal.timeout(2000),
    );
    assert.ok(out.ok);
    assert.equal(out.transport, 'tcp');
    assert.equal(out.truncatedOverUdp, true);
    assert.equal(out.message.answers.length, 1);
  } finally {
    lab.faults.remove({ name: 'dns-truncate' });
  }
});

test('UDP answers with a wrong ID or question are ignored; the matching one is taken', async () => {
  const fake = await fakeUdp((query) => [
    respondTo(query, { id: (query.readUInt16BE(0) + 1) % 65536 }),
    respondTo(query, { questions: [{ type: 'A', name: 'evil.test' }] }),
    respondTo(query),
  ]);
  try {
    const out = await dnsQuery(udpAt(fake.port), q, opts, AbortSignal.timeout(2000));
    assert.ok(out.ok);
    assert.deepEqual(
      out.message.answers.map((r) => r.data),
      ['127.0.0.9'],
    );
  } finally {
    await fake.stop();
  }
});

test('only mismatched UDP answers → broken ANSWER_MISMATCH, after retrying', async () => {
  let seen = 0;
  const fake = await fakeUdp((query) => {
    seen += 1;
    return [respondTo(query, { id: (query.readUInt16BE(0) + 1) % 65536 })];
  });
  try {
    const out = await dnsQuery(udpAt(fake.port), q, opts, AbortSignal.timeout(2000));
    assert.equal(out.ok, false);
    assert.equal(!out.ok && out.status, 'broken');
    assert.equal(!out.ok && out.code, 'ANSWER_MISMATCH');
    assert.equal(seen, 2, 'the query was sent again after the first try timed out');
  } finally {
    await fake.stop();
  }
});

test('a silent server: UDP_NO_ANSWER when the tries run out, TIMEOUT at the check deadline, naming server and question', async () => {
  const fake = await fakeUdp(() => undefined);
  try {
    const tries = await dnsQuery(udpAt(fake.port), q, { ...opts, udpTryTimeoutMs: 50, udpTries: 2 }, AbortSignal.timeout(2000));
    assert.equal(!tries.ok && tries.code, 'UDP_NO_ANSWER');
    assert.match(!tries.ok ? tries.reason : '', /over UDP for www.invoicecloud.test A within 2 × 50 ms/);
    const started = Date.now();
    const out = await dnsQuery(udpAt(fake.port), q, { ...opts, udpTryTimeoutMs: 5000 }, AbortSignal.timeout(300));
    assert.ok(Date.now() - started < 1500);
    assert.equal(!out.ok && out.code, 'TIMEOUT');
    assert.match(
      !out.ok ? out.reason : '',
      new RegExp(`no answer from 127.0.0.1:${fake.port} over UDP for www.invoicecloud.test A before the check's deadline`),
    );
  } finally {
    await fake.stop();
  }
});

test('TCP: refused connection, a closed stream and a mismatched answer', async () => {
  const closed = await fakeTcp((_q, s) => s.end(Buffer.from([0, 40, 1, 2])));
  const wrong = await fakeTcp((query, s) => s.write(frame(respondTo(query, { id: (query.readUInt16BE(0) + 7) % 65536 }))));
  try {
    const refused = await dnsQuery({ name: 'gone', protocol: 'tcp', address: '127.0.0.1', port: 1 }, q, opts, AbortSignal.timeout(2000));
    assert.equal(!refused.ok && refused.code, 'TCP_CONNECT_REFUSED');
    const cut = await dnsQuery(
      { name: 'cut', protocol: 'tcp', address: '127.0.0.1', port: closed.port },
      q,
      opts,
      AbortSignal.timeout(2000),
    );
    assert.equal(!cut.ok && cut.code, 'TRUNCATED_STREAM');
    assert.match(!cut.ok ? cut.reason : '', /closed the TCP connection after 2 of 40 answer bytes/);
    const mism = await dnsQuery(
      { name: 'wrong', protocol: 'tcp', address: '127.0.0.1', port: wrong.port },
      q,
      opts,
      AbortSignal.timeout(2000),
    );
    assert.equal(!mism.ok && mism.code, 'ANSWER_MISMATCH');
  } finally {
    await Promise.all([closed.stop(), wrong.stop()]);
  }
});

test('DoH (RFC 8484 POST) to the lab resolver', async () => {
  const url = (lab.lab.manifest.resolvers as { name: string; url?: string }[]).find((r) => r.name === 'lab-doh')?.url ?? '';
  const out = await dnsQuery(
    { name: 'lab-doh', protocol: 'doh', url },
    { name: 'portal.invoicecloud.test', type: 'A' },
    { ...opts, recursionDesired: true },
    AbortSignal.timeout(3000),
  );
  assert.ok(out.ok, JSON.stringify(out));
  assert.equal(out.transport, 'doh');
  assert.equal(out.message.id, 0);
  assert.deepEqual(
    out.message.answers.map((r) => `${r.type} ${String(r.data)}`),
    ['CNAME www.invoicecloud.test', 'A 127.0.0.1'],
  );
});

test('DoH: an HTTP error is failed, a wrong content type is broken', async () => {
  const server = createServer((req, res) => {
    if (req.url === '/500') res.writeHead(500).end('oops');
    else res.writeHead(200, { 'content-type': 'text/html' }).end('<html>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const e500 = await dnsQuery({ name: 'doh', protocol: 'doh', url: `${base}/500` }, q, opts, AbortSignal.timeout(2000));
    assert.equal(!e500.ok && e500.status, 'failed');
    assert.equal(!e500.ok && e500.code, 'DOH_HTTP_STATUS');
    const html = await dnsQuery({ name: 'doh', protocol: 'doh', url: `${base}/html` }, q, opts, AbortSignal.timeout(2000));
    assert.equal(!html.ok && html.status, 'broken');
    assert.equal(!html.ok && html.code, 'DOH_CONTENT_TYPE');
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
});
