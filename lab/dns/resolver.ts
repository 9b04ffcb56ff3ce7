// A lab caching resolver: iterates from the parent zone's server, follows referrals and CNAMEs, caches answers
// for their TTL and hands out the remaining TTL. A stale one (dns-resolver-stale) keeps the old delegation.
import type { LabAnswer, LabQuestion } from './server.ts';
import { DEFAULT_QUERY_OPTIONS, dnsQuery } from '../../dns/query.ts';
import type { DnsMessage, DnsRecord } from '../../dns/wire.ts';
import { normName } from '../../dns/wire.ts';

type UdpServer = { name: string; protocol: 'udp'; address: string; port: number };

export interface ResolverDeps {
  /** Where iteration starts: the lab's parent zone server (the lab's root). */
  roots: () => UdpServer[];
  /** Lab "network": a nameserver name → where it listens (every lab server is on 127.0.0.1, on its own port). */
  serverFor: (nsName: string) => UdpServer | undefined;
  /** Set while the resolver is stale: the delegation it cached before the cutover. */
  pinned: () => UdpServer[] | undefined;
  now?: () => number;
}

interface CacheEntry {
  storedAt: number;
  expiresAt: number;
  answer: LabAnswer;
}

const wireRecord = (r: DnsRecord, ttl = r.ttl) => ({ name: r.name, type: r.type, class: 'IN', ttl, data: r.data });

export class LabResolver {
  private readonly cache = new Map<string, CacheEntry>();
  /** Zone cut → its nameservers, for the referral's TTL: later names skip the parent, as real resolvers do. */
  private readonly cuts = new Map<string, { servers: UdpServer[]; expiresAt: number }>();
  /** Questions being resolved now: a second identical question waits for the first. */
  private readonly inFlight = new Map<string, Promise<LabAnswer>>();
  /** Bumped by flush(): what a lookup started before a flush learns is not cached after it. */
  private generation = 0;
  private readonly now: () => number;

  constructor(
    readonly name: string,
    private readonly deps: ResolverDeps,
  ) {
    this.now = deps.now ?? Date.now;
  }

  flush(): void {
    this.generation += 1;
    this.cache.clear();
    this.cuts.clear();
    this.inFlight.clear();
  }

  async handle(q: LabQuestion): Promise<LabAnswer> {
    const key = `${normName(q.name)} ${q.type}`;
    const hit = this.cache.get(key);
    const now = this.now();
    if (hit && hit.expiresAt > now) {
      const age = Math.floor((now - hit.storedAt) / 1000);
      const age1 = (list?: Record<string, unknown>[]) => list?.map((r) => ({ ...r, ttl: Math.max(0, Number(r.ttl) - age) }));
      return { ...hit.answer, answers: age1(hit.answer.answers) ?? [], authorities: age1(hit.answer.authorities) ?? [] };
    }
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const gen = this.generation;
    const work = this.iterate(normName(q.name), q.type, 0, gen).finally(() => {
      if (this.inFlight.get(key) === work) this.inFlight.delete(key);
    });
    this.inFlight.set(key, work);
    const answer = await work;
    const ttls = [...(answer.answers ?? []), ...(answer.authorities ?? [])].map((r) => Number(r.ttl));
    if (answer.rcode !== 'SERVFAIL' && ttls.length && gen === this.generation)
      this.cache.set(key, { storedAt: now, expiresAt: now + Math.min(...ttls) * 1000, answer });
    return answer;
  }

  /** Nameservers of the deepest cached zone cut above `name` (the DS lives at the parent: ask it there). */
  private closestCut(name: string, type: string): UdpServer[] | undefined {
    const labels = name.split('.');
    for (let i = type === 'DS' ? 1 : 0; i < labels.length; i++) {
      const zone = labels.slice(i).join('.');
      const cut = this.cuts.get(zone);
      if (cut && cut.expiresAt > this.now()) return cut.servers;
    }
    return undefined;
  }

  private async ask(servers: readonly UdpServer[], name: string, type: string): Promise<DnsMessage | undefined> {
    for (const server of servers) {
      const out = await dnsQuery(
        server,
        { name, type },
        { ...DEFAULT_QUERY_OPTIONS, udpTryTimeoutMs: 400, udpTries: 2 },
        AbortSignal.timeout(2_000),
      );
      if (out.ok && out.message.rcode !== 'SERVFAIL' && out.message.rcode !== 'REFUSED') return out.message;
    }
    return undefined;
  }

  private async iterate(name: string, type: string, depth: number, gen: number): Promise<LabAnswer> {
    let servers = this.deps.pinned() ?? this.closestCut(name, type) ?? this.deps.roots();
    for (let hop = 0; hop < 8; hop++) {
      const msg = await this.ask(servers, name, type);
      if (!msg) return { rcode: 'SERVFAIL', ra: true };
      const referral = !msg.aa && !msg.answers.length && msg.authorities.some((r) => r.type === 'NS');
      if (referral) {
        const ns = msg.authorities.filter((r) => r.type === 'NS');
        servers = ns.flatMap((r) => this.deps.serverFor(String(r.data)) ?? []);
        if (!servers.length) return { rcode: 'SERVFAIL', ra: true };
        const cut = ns[0];
        if (cut && gen === this.generation)
          this.cuts.set(cut.name, { servers, expiresAt: this.now() + Math.min(...ns.map((r) => r.ttl)) * 1000 });
        continue;
      }
      const answers = msg.answers.map((r) => wireRecord(r));
      const last = msg.answers.at(-1);
      // A CNAME out of this server's zone: resolve the target from the top, as a resolver does.
      if (last?.type === 'CNAME' && type !== 'CNAME' && depth < 4) {
        const rest = await this.iterate(normName(String(last.data)), type, depth + 1, gen);
        return { ...rest, ra: true, answers: [...answers, ...(rest.answers ?? [])] };
      }
      return {
        rcode: msg.rcode as LabAnswer['rcode'],
        ra: true,
        answers,
        authorities: msg.authorities.filter((r) => r.type === 'SOA').map((r) => wireRecord(r)),
      };
    }
    return { rcode: 'SERVFAIL', ra: true };
  }
}
