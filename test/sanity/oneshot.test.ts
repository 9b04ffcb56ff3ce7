// The one-shot exchange (node:http over one verified connection, issue 16): what the server sees and what the probe
// reports must be what the undici Client gave before — headers never joined, a close named as a close, no keep-alive.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { exchange } from '../../sanity/exchange.ts';
import { httpsServer, page, tcpServer, testPki, type Running } from './fixtures.ts';

const running: Running[] = [];
after(() => Promise.all(running.map((s) => s.close())));

const ask = async (port: number, extra: { timeoutMs?: number; maxBodyBytes?: number } = {}) => {
  const { trust } = await testPki();
  return exchange(
    { label: 'IC-Web2', address: '127.0.0.1', port, hostname: 'www.invoicecloud.test', path: '/', timeoutMs: 2_000, ...extra },
    trust,
    new AbortController().signal,
  );
};

test('one-shot: the server is told the connection closes after the answer, and sees the Host it should', async () => {
  const seen: { connection?: string; host?: string }[] = [];
  const server = await httpsServer((req, res) => {
    seen.push({ connection: req.headers.connection, host: req.headers.host });
    page(res, 200, 'ok');
  });
  running.push(server);
  const out = await ask(server.port);
  assert.ok(out.ok, out.ok ? '' : out.failure.message);
  assert.deepEqual(seen, [{ connection: 'close', host: 'www.invoicecloud.test' }]);
});

test('one-shot: a repeated header stays a list (two identities are not joined into "IC-Web1, IC-Web2")', async () => {
  const server = await httpsServer((_req, res) => {
    res.setHeader('x-served-by', ['IC-Web1', 'IC-Web2']);
    res.setHeader('set-cookie', ['a=1', 'b=2']);
    page(res, 200, 'ok', { 'x-single': 'one' });
  });
  running.push(server);
  const out = await ask(server.port);
  assert.ok(out.ok, out.ok ? '' : out.failure.message);
  assert.deepEqual(out.response.headers['x-served-by'], ['IC-Web1', 'IC-Web2']);
  assert.deepEqual(out.response.headers['set-cookie'], ['a=1', 'b=2']);
  assert.equal(out.response.headers['x-single'], 'one');
});

const cases: { name: string; serve: () => Promise<Running>; code: string; message: RegExp }[] = [
  {
    name: 'headers, part of the body, then the server closes (FIN)',
    serve: async () =>
      httpsServer((_req, res) => {
        res.writeHead(200, { 'content-length': '1000' });
        res.write('<h1>Invoice');
        setTimeout(() => res.socket?.end(), 50);
      }),
    code: 'TCP_CONNECTION_CLOSED',
    message: /^IC-Web2 \(127\.0\.0\.1:\d+\) closed the connection while we waited for it to finish sending the response body$/,
  },
  {
    name: 'the server closes before any answer',
    serve: async () => httpsServer((req) => void req.socket.end()),
    code: 'TCP_CONNECTION_CLOSED',
    message: /closed the connection while we waited for it to send response headers$/,
  },
  {
    name: 'a malformed status line',
    serve: async () => {
      const { pki } = await testPki();
      const { createServer } = await import('node:tls');
      const pair = pki.hosts.get('www.invoicecloud.test')!;
      const server = createServer(pair, (s) => {
        s.on('error', () => s.destroy());
        s.once('data', () => s.end('HTTP/1.1 2OO Nope\r\n\r\n'));
      });
      await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
      return {
        port: (server.address() as { port: number }).port,
        close: () => new Promise<void>((ok) => server.close(() => ok())),
      };
    },
    code: 'HTTP_PROTOCOL_ERROR',
    message: /^IC-Web2 sent a malformed HTTP response \(HPE_/,
  },
];

for (const c of cases) {
  test(`one-shot: ${c.name}`, async () => {
    const server = await c.serve();
    running.push(server);
    const out = await ask(server.port);
    assert.equal(out.ok, false);
    if (out.ok) return;
    assert.equal(out.failure.code, c.code, out.failure.message);
    assert.match(out.failure.message, c.message);
  });
}

test('one-shot: a body over the cap is cut there and the connection closed, not read to the end', async () => {
  let closed = false;
  const server = await httpsServer((_req, res) => {
    res.writeHead(200);
    res.on('close', () => void (closed = true));
    const chunk = 'x'.repeat(16 * 1024);
    const pump = () => {
      while (res.write(chunk)) if (closed) return;
    };
    res.on('drain', pump);
    pump();
  });
  running.push(server);
  const out = await ask(server.port, { maxBodyBytes: 64 * 1024 });
  assert.ok(out.ok, out.ok ? '' : out.failure.message);
  assert.equal(out.response.truncated, true);
  assert.equal(out.response.body.length, 64 * 1024);
  for (let i = 0; i < 50 && !closed; i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(closed, 'the endless answer was cut off by closing the connection');
});

test('one-shot: a listener that accepts and never speaks is a TLS timeout at the deadline, and no socket is left', async () => {
  const open = new Set<unknown>();
  const server = await tcpServer((s) => {
    open.add(s);
    s.resume(); // read (and drop) the ClientHello, so the client's close is seen
    s.once('close', () => open.delete(s));
  });
  running.push(server);
  const t0 = performance.now();
  const out = await ask(server.port, { timeoutMs: 300 });
  assert.ok(performance.now() - t0 < 1_500);
  assert.equal(out.ok, false);
  if (!out.ok) assert.match(out.failure.message, /^IC-Web2 did not complete the TLS handshake within 300 ms$/);
  for (let i = 0; i < 50 && open.size; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(open.size, 0, 'the connection is closed once the probe gave up');
});
