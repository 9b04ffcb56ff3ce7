// From a server's answer to the RRset a check compares: follows the CNAME chain, canonical values, the TTL;
// and turns "no usable answer" (timeout, SERVFAIL, malformed) into a ProbeFailure that names the server.
import type { ProbeFailure, ProbeResult } from '../core/probe.ts';
import { broken, failed } from '../core/probe.ts';
import type { DnsServer, QueryOptions } from './query.ts';
import { describeServer, dnsQuery } from './query.ts';
import type { Outcome } from './outcome.ts';
import type { DnsMessage } from './wire.ts';
import { normName } from './wire.ts';
import { canonicalFromPacket } from './rdata.ts';
import { edeText, isDnssecEde, servfailCause } from './ede.ts';

export interface RRset {
  name: string;
  type: string;
  /** Canonical values, sorted. */
  values: string[];
  /** Smallest TTL of the final RRset (what a resolver may cache it for). */
  ttl?: number;
  /** CNAME hops from the asked name: ["portal.x → www.x"]. */
  chain: string[];
  /** Set when the CNAME chain comes back to a name already in it: "a → b → a". */
  loop?: string;
  rcode: string;
  transport: string;
  truncatedOverUdp: boolean;
}

export function rrsetFrom(message: DnsMessage, name: string, type: string, transport = 'udp', truncatedOverUdp = false): RRset {
  let owner = normName(name);
  const chain: string[] = [];
  const seen = [owner];
  let loop: string | undefined;
  // The chain is walked for every type, so a loop shows even when the CNAME itself was asked for.
  let at = owner;
  for (let hops = 0; hops < 16; hops++) {
    const cname = message.answers.find((r) => r.name === at && r.type === 'CNAME');
    if (!cname || (type !== 'CNAME' && message.answers.some((r) => r.name === at && r.type === type))) break;
    const target = normName(String(cname.data));
    if (type !== 'CNAME') chain.push(`${at} → ${target}`);
    if (seen.includes(target)) {
      loop = [...seen.slice(seen.indexOf(target)), target].join(' → ');
      break;
    }
    seen.push(target);
    at = target;
  }
  if (type !== 'CNAME') owner = at;
  const records = loop && type !== 'CNAME' ? [] : message.answers.filter((r) => r.name === owner && r.type === type);
  const values = [...new Set(records.map((r) => canonicalFromPacket(type, r.data)))].sort();
  return {
    name: normName(name),
    type,
    values,
    ...(records.length ? { ttl: Math.min(...records.map((r) => r.ttl)) } : {}),
    chain,
    ...(loop ? { loop } : {}),
    rcode: message.rcode,
    transport,
    truncatedOverUdp,
  };
}

export function showSet(s: Pick<RRset, 'values' | 'ttl' | 'rcode' | 'chain' | 'loop'>): string {
  if (s.loop) return `a CNAME loop (${s.loop}), so no records at all`;
  const via = s.chain.length ? ` via ${s.chain.join(', ')}` : '';
  if (!s.values.length) return `no records (${s.rcode})${via}`;
  return `${s.values.join(', ')}${s.ttl !== undefined ? ` (TTL ${s.ttl} s)` : ''}${via}`;
}

export const sameValues = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((v, i) => v === b[i]);

export type Asked =
  | { server: DnsServer; ok: true; set: RRset; message: DnsMessage }
  | { server: DnsServer; ok: false; failure: ProbeFailure; outcome?: Outcome };

/** Asks one server; SERVFAIL / REFUSED / FORMERR and transport problems become a failure naming the server. */
export async function ask(
  server: DnsServer,
  name: string,
  type: string,
  opts: QueryOptions,
  signal: AbortSignal,
  authoritative = false,
): Promise<Asked> {
  const out = await dnsQuery(server, { name, type }, opts, signal);
  const who = describeServer(server);
  if (!out.ok) {
    const layer = out.status === 'broken' ? 'harness' : out.layer;
    return { server, ok: false, outcome: out, failure: { layer, code: out.code, message: `${who}: ${out.reason}` } };
  }
  const rcode = out.message.rcode;
  if (rcode !== 'NOERROR' && rcode !== 'NXDOMAIN') {
    const ede = out.message.edns?.ede ?? [];
    const dnssec = rcode === 'SERVFAIL' && ede.some((e) => isDnssecEde(e.code));
    const why = rcode === 'SERVFAIL' ? `: ${servfailCause(ede)}` : ede.length ? ` (${ede.map(edeText).join(', ')})` : '';
    return {
      server,
      ok: false,
      outcome: out,
      failure: {
        layer: 'dns',
        code: dnssec ? 'DNS_SERVFAIL_DNSSEC' : `DNS_${rcode}`,
        message: `${who} answered ${rcode} for ${normName(name)} ${type}${why}`,
      },
    };
  }
  // An authoritative server that does not set AA is a lame delegation: resolvers will not trust it.
  if (authoritative && !out.message.aa && !(type === 'NS' && out.message.authorities.length)) {
    return {
      server,
      ok: false,
      outcome: out,
      failure: {
        layer: 'assertion',
        code: 'DNS_NOT_AUTHORITATIVE',
        message: `${who} is not authoritative for ${normName(name)} (no AA flag): lame delegation`,
      },
    };
  }
  return { server, ok: true, set: rrsetFrom(out.message, name, type, out.transport, out.truncatedOverUdp), message: out.message };
}

export function askAll(
  servers: readonly DnsServer[],
  name: string,
  type: string,
  opts: QueryOptions,
  signal: AbortSignal,
  authoritative = false,
): Promise<Asked[]> {
  return Promise.all(servers.map((s) => ask(s, name, type, opts, signal, authoritative)));
}

/** Per-server evidence for a result's details. */
export function evidence(asked: readonly Asked[]): Record<string, unknown> {
  return Object.fromEntries(
    asked.map((a) => [
      a.server.name,
      a.ok
        ? {
            values: a.set.values,
            ttl: a.set.ttl,
            rcode: a.set.rcode,
            chain: a.set.chain,
            ...(a.set.loop ? { loop: a.set.loop } : {}),
            transport: a.set.transport,
            truncatedOverUdp: a.set.truncatedOverUdp,
          }
        : {
            error: a.failure.code,
            message: a.failure.message,
            ...(a.outcome?.ok && a.outcome.message.edns?.ede.length ? { ede: a.outcome.message.edns.ede } : {}),
          },
    ]),
  );
}

/**
 * A check's result when a server gave no usable answer: broken when the harness could not ask or could not read the
 * answer (layer harness: malformed, mismatched, DoH transport), failed when the server was asked and answered wrong.
 */
export function unanswered(f: ProbeFailure, details: Record<string, unknown>): ProbeResult {
  return f.layer === 'harness' ? broken(f.code, f.message, details) : failed(f, details);
}

/** The first failure, with how many servers failed, or undefined when every server answered; a server asked and wrong comes first. */
export function firstFailure(asked: readonly Asked[]): ProbeFailure | undefined {
  const all = asked.flatMap((a) => (a.ok ? [] : [a.failure]));
  const failures = [...all.filter((f) => f.layer !== 'harness'), ...all.filter((f) => f.layer === 'harness')];
  const first = failures[0];
  if (!first) return undefined;
  return failures.length === 1
    ? first
    : {
        ...first,
        message: `${first.message} (and ${failures.length - 1} more: ${failures
          .slice(1)
          .map((f) => f.message)
          .join('; ')})`,
      };
}

/** The first server of a provider that answers (a SERVFAIL at one is the parity check's news, not a resolver's). */
export async function askFirst(
  servers: readonly DnsServer[],
  name: string,
  type: string,
  opts: QueryOptions,
  signal: AbortSignal,
): Promise<Asked | undefined> {
  let last: Asked | undefined;
  for (const s of servers) {
    last = await ask(s, name, type, opts, signal, true);
    if (last.ok) return last;
  }
  return last;
}
