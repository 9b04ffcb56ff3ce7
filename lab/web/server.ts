// One lab web server (IC-WebN): HTTPS on 127.0.0.1, SNI for the lab hosts, the lab app per host,
// its identity in a response header, and the web-* faults applied per request or per connection.
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HostKey } from '../../core/config/estate.ts';
import { createApp, type AppContext, type AppHandler } from '../app/index.ts';
import type { ActiveFaults } from '../faults.ts';
import { hostFor, type HostContexts, type LabHost } from './hosts.ts';
import { Listener } from './listener.ts';

export interface WebServerOptions {
  name: string;
  hosts: readonly LabHost[];
  contexts: HostContexts;
  faults: ActiveFaults;
  identityHeader: string;
  /** What this server puts in the identity header (its name unless the config gives an identity). */
  identity?: string;
  /** Address and port to listen on; default 127.0.0.1 on a random port. */
  bind?: { address: string; port: number };
  slowMs: number;
  /** The app context minus what differs per host (the marker). */
  app: Omit<AppContext, 'marker' | 'serverName' | 'faults'>;
}

export class LabWebServer {
  readonly name: string;
  private readonly server: Server;
  private readonly listener: Listener;
  private readonly apps = new Map<HostKey, AppHandler>();
  private expiredServed = false;
  /** Requests held back by web-slow right now (freed when answered or when the client goes away). */
  delayed = 0;
  private stopped = false;

  constructor(private readonly opts: WebServerOptions) {
    this.name = opts.name;
    for (const h of opts.hosts)
      this.apps.set(h.key, createApp({ ...opts.app, serverName: opts.name, faults: opts.faults, marker: h.marker }));
    this.server = createServer(
      {
        ...opts.contexts.fallback,
        SNICallback: (servername, cb) => cb(null, opts.contexts.forName(servername, this.certExpired())),
      },
      (req, res) => this.handle(req, res),
    );
    // IIS keeps an idle connection 120 s (connectionTimeout), not Node's 5 s: a balancer's connection to this server
    // outlives a round-robin cycle over 1,000 members instead of costing a new TLS handshake per request.
    this.server.keepAliveTimeout = 120_000;
    this.listener = new Listener(this.server, opts.bind?.address);
    if (opts.bind) this.listener.port = opts.bind.port;
  }

  get port(): number {
    return this.listener.port;
  }

  get address(): string {
    return this.opts.bind?.address ?? '127.0.0.1';
  }

  get up(): boolean {
    return this.listener.up;
  }

  async start(): Promise<void> {
    await this.listener.set(true);
    await this.sync();
  }

  /** Applies the connection-level faults (web-down, the expired default certificate) after a fault change. */
  async sync(): Promise<void> {
    if (this.stopped) return;
    const expired = this.certExpired();
    if (expired !== this.expiredServed) {
      // The default context serves clients that send no SNI.
      this.server.setSecureContext(expired ? this.opts.contexts.expiredPair : this.opts.contexts.fallback);
      this.expiredServed = expired;
      // Rebinding a certificate resets connections, so every client's next request handshakes again.
      this.listener.dropConnections();
    }
    await this.listener.set(!this.opts.faults.has('web-down', this.name));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.listener.set(false);
  }

  private certExpired(): boolean {
    return this.opts.faults.has('web-cert-expired', this.name);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    res.setHeader(this.opts.identityHeader, this.opts.identity ?? this.name);
    const host = hostFor(this.opts.hosts, req.headers.host);
    const app = host && this.apps.get(host.key);
    if (!host || !app) {
      res.writeHead(421, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(
        `421 Misdirected Request: ${this.name} does not serve "${req.headers.host ?? '(no Host header)'}"; it serves ${this.opts.hosts.map((h) => h.fqdn).join(', ')}\n`,
      );
      return;
    }
    if (!this.opts.faults.has('web-slow', this.name)) return app(req, res, host.key);
    // web-slow: answer late, without holding the process open, and forget the request if the client leaves.
    this.delayed++;
    const timer = setTimeout(() => {
      release();
      if (!res.destroyed) app(req, res, host.key);
    }, this.opts.slowMs);
    timer.unref();
    let held = true;
    const release = () => {
      if (held) this.delayed--;
      held = false;
      clearTimeout(timer);
    };
    res.once('close', release);
  }
}
