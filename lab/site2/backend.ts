// One Northwind backend: HTTPS with a certificate per host from the internal CA (SNI), or plain HTTP where the
// site declares it; its node name in X-NW-Node. Fault wrong-cert: every handshake gets a certificate for another name.
import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { Socket } from 'node:net';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { HostKey } from '../../core/config/estate.ts';
import { northwind, type Site2AppOptions } from './app.ts';
import type { Leaf } from './pki.ts';

export const NODE_HEADER = 'x-nw-node';

export interface BackendOptions {
  name: string;
  node: string;
  address: string;
  scheme: 'https' | 'http';
  /** FQDN → host key. */
  hosts: Map<string, HostKey>;
  leaves: Map<string, Leaf>;
  /** The certificate served under the wrong-cert fault (for a name no host has). */
  wrongLeaf: Leaf;
  wrongCert: () => boolean;
  app: Site2AppOptions;
}

export class Site2Backend {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly contexts = new Map<string, SecureContext>();
  private readonly wrong: SecureContext;
  port = 0;

  constructor(private readonly o: BackendOptions) {
    for (const [name, leaf] of o.leaves) this.contexts.set(name, createSecureContext(leaf));
    this.wrong = createSecureContext(o.wrongLeaf);
    const handle = (req: IncomingMessage, res: ServerResponse) => this.handle(req, res);
    const first = [...o.leaves.values()][0]!;
    this.server =
      o.scheme === 'http'
        ? createHttp(handle)
        : createHttps(
            {
              ...first,
              SNICallback: (name, cb) => cb(null, o.wrongCert() ? this.wrong : (this.contexts.get(name.toLowerCase()) ?? this.wrong)),
            },
            handle,
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

  /** Clients reconnect (and see a changed certificate). */
  dropConnections(): void {
    for (const s of this.sockets) s.destroy();
  }

  async start(): Promise<void> {
    this.port = await new Promise<number>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, this.o.address, () => resolve((this.server.address() as { port: number }).port));
    });
  }

  stop(): Promise<void> {
    const closed = new Promise<void>((r) => this.server.close(() => r()));
    this.dropConnections();
    return closed;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    res.setHeader(NODE_HEADER, this.o.node);
    const host = this.o.hosts.get((req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase());
    if (!host) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      return void res.end(`no site for ${req.headers.host ?? '(no Host)'}\n`);
    }
    northwind(host, this.o.app, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  }
}
