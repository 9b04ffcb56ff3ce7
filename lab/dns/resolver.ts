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
  private readonly now: () => number;

  constructor(readonly name: string, private readonly deps: ResolverDeps) {
    this.now = deps.now ?? Date.now;
  }

  flush(): void {
    this.cache.clear();
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
    const answer = await this.iterate(normName(q.name), q.type, 0);
    const ttls = [...(answer.answers ?? []), ...(answer.authorities ?? [])].map((r) => Number(r.ttl));
    if (answer.rcode !== 'SERVFAIL' && ttls.length) this.cache.set(key, { storedAt: now, expiresAt: now + Math.min(...ttls) * 1000, answer });
    return answer;
  }

  private async ask(servers: readonly UdpServer[], name: string, type: string): Promise<DnsMessage | undefined> {
    for (const server of servers) {
      const out = await dnsQuery(server, { name, type }, { ...DEFAULT_QUERY_OPTIONS, udpTryTimeoutMs: 400, udpTries: 2 }, AbortSignal.timeout(2_000));
      if (out.ok && out.message.rcode !== 'SERVFAIL' && out.message.rcode !== 'REFUSED') return out.message;
    }
    return undefined;
  }

  private async iterate(name: string, type: string, depth: number): Promise<LabAnswer> {
    let servers = this.deps.pinned() ?? this.deps.roots();
    for (let hop = 0; hop < 8; hop++) {
      const msg = await this.ask(servers, name, type);
      if (!msg) return { rcode: 'SERVFAIL', ra: true };
      const referral = !msg.aa && !msg.answers.length && msg.authorities.some((r) => r.type === 'NS');
      if (referral) {
        servers = msg.authorities.filter((r) => r.type === 'NS').flatMap((r) => this.deps.serverFor(String(r.data)) ?? []);
        if (!servers.length) return { rcode: 'SERVFAIL', ra: true };
        continue;
      }
      const answers = msg.answers.map((r) => wireRecord(r));
      const last = msg.answers.at(-1);
      // A CNAME out of this server's zone: resolve the target from the top, as a resolver does.
      if (last?.type === 'CNAME' && type !== 'CNAME' && depth < 4) {
        const rest = await this.iterate(normName(String(last.data)), type, depth + 1);
        return { ...rest, ra: true, answers: [...answers, ...(rest.answers ?? [])] };
      }
      return { rcode: msg.rcode as LabAnswer['rcode'], ra: true, answers, authorities: msg.authorities.filter((r) => r.type === 'SOA').map((r) => wireRecord(r)) };
    }
    return { rcode: 'SERVFAIL', ra: true };
  }
}
