// Shared by the sanity tests: a test PKI (the lab's openssl module), tiny HTTPS/TCP servers on port 0, and
// their cleanup. Every server listens on 127.0.0.1 only.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createSecureContext } from 'node:tls';
import { join } from 'node:path';
import { createPki, type LabPki } from '../../lab/tls/pki.ts';
import { createTrust, type Trust } from '../../sanity/trust.ts';

export const HOSTS = ['www.invoicecloud.test', 'www2.invoicecloud.test', 'my.invoicecloud.test', 'sso.invoicecloud.test'] as const;

let pki: Promise<{ pki: LabPki; trust: Trust }> | undefined;

/** One PKI per test file (openssl, ~100 ms), removed at exit. */
export function testPki(): Promise<{ pki: LabPki; trust: Trust }> {
  return (pki ??= (async () => {
    const root = join(process.cwd(), '.tmp');
    mkdirSync(root, { recursive: true });
    const dir = mkdtempSync(join(root, 'sanity-pki-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const made = await createPki(dir, [...HOSTS]);
    return { pki: made, trust: createTrust(made.caPem) };
  })());
}

export interface Running {
  port: number;
  close(): Promise<void>;
}

/** Where a fixture server listens: 127.0.0.1 on a free port unless a test asks for an address and port. */
export interface Bind {
  host?: string;
  port?: number;
}

async function listen(server: HttpsServer | TcpServer, sockets: Set<Socket>, bind: Bind = {}): Promise<Running> {
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(bind.port ?? 0, bind.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  return {
    port: addr && typeof addr === 'object' ? addr.port : 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** An HTTPS server with a certificate per SNI name (the lab's leaves), or the expired one for every name. */
export async function httpsServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  opts: { expired?: boolean } & Bind = {},
): Promise<Running> {
  const { pki: p } = await testPki();
  const pairFor = (name: string) => (opts.expired ? p.expired : (p.hosts.get(name) ?? p.hosts.get(HOSTS[0])!));
  const server = createHttpsServer(
    { ...pairFor(HOSTS[0]), SNICallback: (name, cb) => cb(null, createSecureContext(pairFor(name))) },
    handler,
  );
  return listen(server, new Set(), opts);
}

export function tcpServer(onSocket: (s: Socket) => void): Promise<Running> {
  const server = createTcpServer((s) => {
    s.on('error', () => s.destroy());
    onSocket(s);
  });
  return listen(server, new Set());
}

/** A port nothing listens on (bound then released). */
export async function closedPort(): Promise<number> {
  const s = await tcpServer(() => undefined);
  await s.close();
  return s.port;
}

export function page(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers });
  res.end(body);
}
