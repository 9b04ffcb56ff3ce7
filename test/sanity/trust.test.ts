// Trust is built once per process and CA text; each direct probe still does its own full handshake and reads the
// peer certificate once.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { TLSSocket } from 'node:tls';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createTrust } from '../../sanity/trust.ts';
import { exchange } from '../../sanity/exchange.ts';
import { httpsServer, page, testPki, type Running } from './fixtures.ts';

const running: Running[] = [];
after(() => Promise.all(running.map((r) => r.close())));

test('createTrust: one trust per CA text, shared by every caller', async () => {
  const { pki } = await testPki();
  const a = createTrust(pki.caPem);
  assert.equal(createTrust(pki.caPem), a, 'the same CA text gives the same trust (no second parse of the roots)');
  assert.equal(createTrust(String(pki.caPem.split('').join(''))), a, 'keyed by the text, not the string object');
  const system = createTrust();
  assert.notEqual(system, a, 'the system roots alone are another trust');
  assert.equal(createTrust(), system);
  assert.equal(system.extraCa, false);
  assert.equal(a.extraCa, true);
});

test('createTrust: a second call costs no rebuild', async () => {
  const { pki } = await testPki();
  createTrust(pki.caPem);
  const t0 = performance.now();
  for (let i = 0; i < 50; i++) createTrust(pki.caPem);
  // 50 rebuilds would take ~1 s (about 20 ms each); a lookup takes microseconds.
  assert.ok(performance.now() - t0 < 50, `50 calls took ${(performance.now() - t0).toFixed(1)} ms`);
});

test('every direct exchange does its own full handshake and reads the peer certificate once', async () => {
  const { trust } = await testPki();
  const resumed: boolean[] = [];
  const server = await httpsServer((req: IncomingMessage, res: ServerResponse) => {
    resumed.push((req.socket as TLSSocket).isSessionReused());
    page(res, 200, '<h1>InvoiceCloud</h1>');
  });
  running.push(server);
  // Every read counts, Node's own (the detailed one for its identity check, ~0.2 ms) included.
  const original = TLSSocket.prototype.getPeerCertificate;
  let reads = 0;
  let chains = 0;
  TLSSocket.prototype.getPeerCertificate = function (this: TLSSocket, detailed?: boolean) {
    reads += 1;
    if (detailed) chains += 1;
    return original.call(this, detailed as true);
  } as typeof original;
  try {
    for (let i = 0; i < 3; i++) {
      const out = await exchange(
        { label: 'IC-Web1', address: '127.0.0.1', port: server.port, hostname: 'www.invoicecloud.test', path: '/', timeoutMs: 3_000 },
        trust,
        new AbortController().signal,
      );
      assert.ok(out.ok, out.ok ? '' : out.failure.message);
      assert.ok(out.response.cert?.daysLeft !== undefined, 'the certificate is reported');
      assert.equal(out.response.timing.reusedConnection, false);
    }
  } finally {
    TLSSocket.prototype.getPeerCertificate = original;
  }
  assert.deepEqual(resumed, [false, false, false], 'no TLS session was resumed: each probe saw the server handshake');
  assert.equal(reads, 3, "one certificate read per connection (Node's, shared with the probe)");
  assert.equal(chains, 0, "the leaf alone: Node's identity check reads no chain (~0.3 ms a probe)");
});

// The identity check reads the leaf only (connector.ts leafOnly): a name the leaf does not cover still fails, and
// an untrusted chain still fails, each with its own code.
test('with the leaf-only read, a wrong name and an untrusted chain still fail', async () => {
  const { trust } = await testPki();
  const server = await httpsServer((_req: IncomingMessage, res: ServerResponse) => page(res, 200, '<h1>InvoiceCloud</h1>'));
  running.push(server);
  const ask = (hostname: string, t = trust) =>
    exchange(
      { label: 'IC-Web1', address: '127.0.0.1', port: server.port, hostname, path: '/', timeoutMs: 3_000 },
      t,
      new AbortController().signal,
    );
  const wrong = await ask('intruder.example.test');
  assert.equal(wrong.ok, false);
  assert.ok(!wrong.ok);
  assert.equal(wrong.failure.layer, 'tls');
  assert.equal(wrong.failure.code, 'TLS_CERT_NAME_MISMATCH');
  assert.match(wrong.failure.message, /does not cover intruder\.example\.test \(it covers DNS:www\.invoicecloud\.test/);
  const untrusted = await ask('www.invoicecloud.test', createTrust());
  assert.ok(!untrusted.ok);
  assert.equal(untrusted.failure.layer, 'tls');
  assert.equal(untrusted.failure.code, 'TLS_CERT_UNTRUSTED');
  const right = await ask('www.invoicecloud.test');
  assert.ok(right.ok, right.ok ? '' : right.failure.message);
});
