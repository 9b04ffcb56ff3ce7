// The lab's DNS-over-HTTPS endpoint (RFC 8484 GET and POST on /dns-query), served over plain HTTP on 127.0.0.1
// only: the lab keeps DoH off its CA. Production DoH is https:// with normal verification (dns/config.ts enforces it).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServerOptions } from './server.ts';
import { answerWire } from './server.ts';

export interface LabDohServer {
  url: string;
  stop(): Promise<void>;
}

export async function startLabDohServer(opts: ServerOptions): Promise<LabDohServer> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://lab');
    if (url.pathname !== '/dns-query') return void res.writeHead(404).end();
    const reply = async (msg: Buffer) => {
      const out = msg.length >= 12 ? await answerWire(opts, msg, 'tcp') : undefined;
      if (!out) return void res.writeHead(400, { 'content-type': 'text/plain' }).end('not a DNS query\n');
      res.writeHead(200, { 'content-type': 'application/dns-message', 'content-length': out.length, 'cache-control': 'max-age=0' }).end(out);
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/dns-query`,
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
