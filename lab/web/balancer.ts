// A lab load balancer (the Application Gateway or the ILB): HTTPS reverse proxy terminating TLS with the
// hosts' certificates, re-encrypting to pool members (Host + SNI kept, verified against the lab CA),
// round robin over healthy members, and the per-host maintenance page.
import { createServer, type Server } from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { Agent, request } from 'undici';
import type { HostKey } from '../../core/config/estate.ts';
import { HealthProber, type MemberHealth, type ProbeTarget } from './health.ts';
import { hostFor, type HostContexts, type LabHost } from './hosts.ts';
import { Listener } from './listener.ts';
import { sendMaintenancePage, type MaintenancePage } from './maintenance-page.ts';

export interface BalancerOptions {
  name: string;
  hosts: readonly LabHost[];
  contexts: HostContexts;
  caPem: string;
  /** Every configured backend, in config order. */
  members: readonly ProbeTarget[];
  /** Whether a member is in this balancer's pool right now (pulls, put-backs, pool-missing). */
  inPool: (member: string) => boolean;
  /** Whether the maintenance page is up for a host on this balancer. */
  pageUp: (host: HostKey) => boolean;
  page: MaintenancePage;
  healthIntervalMs: number;
  healthTimeoutMs: number;
  backendTimeoutMs: number;
  /** Address and port to listen on; default 127.0.0.1 on a random port. */
  bind?: { address: string; port: number };
}

export interface MemberStatus extends MemberHealth {
  name: string;
  inPool: boolean;
  routable: boolean;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'expect',
  'host',
]);
// Errors raised before the request reached the member: safe to send it to the next one.
const CONNECT_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);

function forwardable(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
  return out;
}

export class Balancer {
  readonly name: string;
  private readonly server: Server;
  private readonly listener: Listener;
  private readonly agents = new Map<HostKey, Agent>();
  private readonly prober: HealthProber;
  private next = 0;

  constructor(private readonly opts: BalancerOptions) {
    this.name = opts.name;
    // Connections to members are kept as a gateway keeps them (IIS holds an idle one 120 s): with 1,000 members
    // each sees one request per round-robin cycle, and a shorter idle limit made every request a new handshake.
    // A member's own Keep-Alive hint still wins, less a 1 s margin so a reused socket never races its close.
    const keep = { keepAliveTimeout: 120_000, keepAliveMaxTimeout: 120_000, keepAliveTimeoutThreshold: 1_000 };
    for (const h of opts.hosts) this.agents.set(h.key, new Agent({ connect: { ca: opts.caPem, servername: h.fqdn }, ...keep }));
    const first = opts.hosts[0]!;
    this.prober = new HealthProber(
      opts.members,
      this.agents.get(first.key)!,
      first.fqdn,
      opts.healthIntervalMs,
      opts.healthTimeoutMs,
      opts.inPool,
    );
    this.server = createServer(
      { ...opts.contexts.fallback, SNICallback: (n, cb) => cb(null, opts.contexts.forName(n)) },
      (req, res) => void this.handle(req, res),
    );
    this.listener = new Listener(this.server, opts.bind?.address);
    if (opts.bind) this.listener.port = opts.bind.port;
  }

  get port(): number {
    return this.listener.port;
  }

  async start(): Promise<void> {
    await Promise.all([this.listener.set(true), this.prober.start()]);
  }

  /** Probes every pool member once now (see HealthProber.settle). */
  settle(): Promise<void> {
    return this.prober.settle();
  }

  async stop(): Promise<void> {
    this.prober.stop();
    await this.listener.set(false);
    await Promise.all([...this.agents.values()].map((a) => a.destroy()));
  }

  status(): MemberStatus[] {
    return this.opts.members.map((m) => {
      const health = this.prober.state.get(m.name) ?? { healthy: false, failures: 0 };
      const inPool = this.opts.inPool(m.name);
      return { name: m.name, inPool, ...health, routable: inPool && health.healthy };
    });
  }

  /** Pool members that take traffic now, in config order. */
  routable(): ProbeTarget[] {
    return this.opts.members.filter((m) => this.opts.inPool(m.name) && this.prober.healthy(m.name));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const host = hostFor(this.opts.hosts, req.headers.host);
    if (!host) return this.plain(res, 404, `404 Not Found: ${this.name} has no listener for "${req.headers.host ?? '(no Host header)'}"`);
    if (host.maintenancePage && this.opts.pageUp(host.key)) return sendMaintenancePage(res, host, this.opts.page);
    const members = this.routable();
    if (members.length === 0)
      return this.plain(
        res,
        502,
        `502 Bad Gateway: ${this.name} has no healthy member in its backend pool for ${host.fqdn} (${this.describePool()})`,
      );
    const start = this.next++ % members.length;
    const abort = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    for (let i = 0; i < members.length; i++) {
      const member = members[(start + i) % members.length]!;
      try {
        const upstream = await request(`https://${member.address ?? '127.0.0.1'}:${member.port()}${req.url ?? '/'}`, {
          dispatcher: this.agents.get(host.key)!,
          method: req.method as 'GET',
          headers: {
            ...forwardable(req.headers),
            host: host.fqdn,
            'x-forwarded-for': req.socket.remoteAddress ?? '127.0.0.1',
            'x-forwarded-proto': 'https',
          },
          body: hasBody ? req : null,
          signal: abort.signal,
          headersTimeout: this.opts.backendTimeoutMs,
          bodyTimeout: this.opts.backendTimeoutMs,
        });
        res.writeHead(upstream.statusCode, forwardable(upstream.headers));
        await pipeline(upstream.body, res).catch(() => res.destroy());
        return;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? (err as Error).name;
        if (abort.signal.aborted) return;
        if (!hasBody && CONNECT_ERRORS.has(code) && i + 1 < members.length) continue;
        if (res.headersSent) return void res.destroy();
        return this.plain(res, 502, `502 Bad Gateway: ${this.name} could not reach ${member.name} for ${host.fqdn}: ${code}`);
      }
    }
  }

  private describePool(): string {
    const s = this.status();
    const out = s.filter((m) => !m.inPool).map((m) => m.name);
    const sick = s.filter((m) => m.inPool && !m.healthy).map((m) => `${m.name}: ${m.lastError ?? 'unhealthy'}`);
    return (
      [out.length ? `out of pool: ${out.join(', ')}` : '', sick.length ? `failing health probe: ${sick.join('; ')}` : '']
        .filter(Boolean)
        .join('; ') || 'empty pool'
    );
  }

  private plain(res: ServerResponse, status: number, text: string): void {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    res.end(`${text}\n`);
  }
}
