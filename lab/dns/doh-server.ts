// The lab's DNS-over-HTTPS endpoint (RFC 8484 GET and POST on /dns-query), served over plain HTTP on 127.0.0.1
// only: the lab keeps DoH off its CA. Production DoH is https:// with normal verification (dns/config.ts enforces it).
import { createServer, type Server } from 'node:http';
import { createServer as createH2cServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { ServerOptions } from './server.ts';
import { answerWire } from './server.ts';

export interface LabDohServer {
  url: string;
  /** The same endpoint over cleartext HTTP/2 (h2c), for `dig +http-plain`, which speaks only HTTP/2. */
  h2cUrl: string;
  stop(): Promise<void>;
}

export async function startLabDohServer(opts: ServerOptions): Promise<LabDohServer> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://lab');
    if (url.pathname !== '/dns-query') return void res.writeHead(404).end();
    const reply = async (msg: Buffer) => {
      const out = msg.length >= 12 ? await answerWire(opts, msg, 'tcp') : undefined;
      if (!out) return void res.writeHead(400, { 'content-type': 'text/plain' }).end('not a DNS query\n');
      res
        .writeHead(200, { 'content-type': 'application/dns-message', 'content-length': out.length, 'cache-control': 'max-age=0' })
        .end(out);
    };
    if (req.method === 'GET') return void reply(Buffer.from(url.searchParams.get('dns') ?? '', 'base64url'));
    if (req.method !== 'POST') return void res.writeHead(405, { allow: 'GET, POST' }).end();
    if (!String(req.headers['content-type'] ?? '').startsWith('application/dns-message')) return void res.writeHead(415).end();
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 65_535) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => void reply(Buffer.concat(chunks)));
  });
  const h2c = createH2cServer();
  h2c.on('stream', (stream, headers) => {
    const url = new URL(String(headers[':path'] ?? '/'), 'http://lab');
    const reply = async (msg: Buffer) => {
      const out = url.pathname === '/dns-query' && msg.length >= 12 ? await answerWire(opts, msg, 'tcp') : undefined;
      if (!out) return void stream.respond({ ':status': 400 }, { endStream: true });
      stream.respond({ ':status': 200, 'content-type': 'application/dns-message', 'content-length': out.length });
      stream.end(out);
    };
    stream.on('error', () => undefined);
    if (headers[':method'] === 'GET') return void reply(Buffer.from(url.searchParams.get('dns') ?? '', 'base64url'));
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => void reply(Buffer.concat(chunks)));
  });
  const sessions = new Set<import('node:http2').ServerHttp2Session>();
  h2c.on('session', (s) => {
    sessions.add(s);
    s.on('close', () => sessions.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => h2c.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const h2cPort = (h2c.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/dns-query`,
    h2cUrl: `http://127.0.0.1:${h2cPort}/dns-query`,
    stop: async () => {
      for (const s of sessions) s.destroy();
      await Promise.all([
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
        new Promise<void>((resolve) => h2c.close(() => resolve())),
      ]);
    },
  };
}
