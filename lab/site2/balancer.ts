// The second test site's balancer (its gateway and its ILB): TLS with the hosts' certificates, round robin over the
// backends in its pool, re-encrypting to HTTPS backends (verified against the internal CA for the host's name) or plain
// HTTP to the one declared so; a backend that fails (refused, wrong certificate) is skipped for the next one.
import { createServer, type Server } from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { createSecureContext } from 'node:tls';
import { pipeline } from 'node:stream/promises';
import { Agent, request } from 'undici';
import type { Leaf } from './pki.ts';

export interface Member {
  name: string;
  address: string;
  port: () => number;
  scheme: 'https' | 'http';
}

export interface Site2BalancerOptions {
  name: string;
  address: string;
  hosts: readonly string[];
  leaves: Map<string, Leaf>;
  caPem: string;
  members: readonly Member[];
  inPool: (member: string) => boolean;
}

const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host']);
const forwardable = (h: IncomingHttpHeaders) =>
  Object.fromEntries(Object.entries(h).filter(([k, v]) => v !== undefined && !HOP.has(k))) as Record<string, string | string[]>;

export class Site2Balancer {
  private readonly server: Server;
  private readonly agents = new Map<string, Agent>();
  private readonly plain = new Agent({ keepAliveTimeout: 1_000 });
  private readonly sockets = new Set<Socket>();
  private next = 0;
  port = 0;

  constructor(private readonly o: Site2BalancerOptions) {
    for (const h of o.hosts) this.agents.set(h, new Agent({ connect: { ca: o.caPem, servername: h }, keepAliveTimeout: 1_000 }));
    const contexts = new Map([...o.leaves].map(([n, l]) => [n, createSecureContext(l)]));
    const first = o.leaves.get(o.hosts[0]!)!;
    this.server = createServer(
      { ...first, SNICallback: (n, cb) => cb(null, contexts.get(n.toLowerCase()) ?? contexts.get(o.hosts[0]!)!) },
      (req, res) => void this.handle(req, res),
    );
    this.server.keepAliveTimeout = 5_000;
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.once('close', () => this.sockets.delete(s));
    });
  }

  get name(): string {
    return this.o.name;
  }

  async start(): Promise<void> {
    this.port = await new Promise<number>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, this.o.address, () => resolve((this.server.address() as { port: number }).port));
    });
  }

  /** Connections to backends are dropped (a fault changed what they present). */
  async reset(): Promise<void> {
    for (const [h, a] of this.agents) {
      this.agents.set(h, new Agent({ connect: { ca: this.o.caPem, servername: h }, keepAliveTimeout: 1_000 }));
      await a.close().catch(() => undefined);
    }
  }

  async stop(): Promise<void> {
    const closed = new Promise<void>((r) => this.server.close(() => r()));
    for (const s of this.sockets) s.destroy();
    await closed;
    await Promise.all([...this.agents.values(), this.plain].map((a) => a.destroy()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    const agent = this.agents.get(host);
    const pool = this.o.members.filter((m) => this.o.inPool(m.name));
    if (!agent || !pool.length) {
      res.writeHead(agent ? 502 : 404, { 'content-type': 'text/plain' });
      return void res.end(`${this.o.name}: ${agent ? 'no backend in the pool' : `no listener for ${host}`}\n`);
    }
    const body = req.method === 'GET' || req.method === 'HEAD' ? null : Buffer.concat(await req.toArray());
    const start = this.next++;
    for (let i = 0; i < pool.length; i++) {
      const m = pool[(start + i) % pool.length]!;
      try {
        const up = await request(`${m.scheme}://${m.address}:${m.port()}${req.url ?? '/'}`, {
          dispatcher: m.scheme === 'https' ? agent : this.plain,
          method: req.method as 'GET',
          headers: { ...forwardable(req.headers), host, 'x-forwarded-proto': 'https' },
          body,
          headersTimeout: 10_000,
          bodyTimeout: 10_000,
        });
        res.writeHead(up.statusCode, forwardable(up.headers));
        await pipeline(up.body, res).catch(() => res.destroy());
        return;
      } catch {
        // Refused, reset or a certificate that does not verify: the next backend takes the request.
      }
    }
    res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(`${this.o.name}: no backend answered\n`);
  }
}
