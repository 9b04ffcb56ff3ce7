// What the parent actually says about the zone: the delegated NS names, the glue it hands out for them, and which
// configured server (of either provider) each name is, so checks ask the servers resolvers really use.
import { isIP, isIPv4 } from 'node:net';
import type { DnsMessage } from './wire.ts';
import { normName } from './wire.ts';
import { canonicalIPv6 } from './rdata.ts';
import type { DnsTargets, ProviderTarget } from './targets.ts';

export interface Referral {
  /** Delegated NS names, sorted. */
  names: string[];
  /** NS name → glue addresses (A and AAAA in the additional section). */
  glue: Map<string, string[]>;
}

export function readReferral(message: DnsMessage, zone: string): Referral {
  const names = [
    ...new Set(
      [...message.answers, ...message.authorities].filter((r) => r.type === 'NS' && r.name === zone).map((r) => normName(String(r.data))),
    ),
  ].sort();
  const glue = new Map<string, string[]>();
  for (const r of message.additionals) {
    if ((r.type === 'A' || r.type === 'AAAA') && names.includes(r.name)) glue.set(r.name, [...(glue.get(r.name) ?? []), String(r.data)]);
  }
  return { names, glue };
}

/** Addresses compared as parsed IPs (127.0.0.1 = 127.000.000.001 is not accepted by isIP; ::1 = 0:0::1), never as strings. */
export function sameIp(a: string, b: string): boolean {
  if (!isIP(a) || isIP(a) !== isIP(b)) return false;
  return isIPv4(a) ? a === b : canonicalIPv6(a) === canonicalIPv6(b);
}

export type Server = ProviderTarget['servers'][number];

export interface DelegatedServer {
  name: string;
  /** The configured server of that name, and whose it is; undefined when neither provider lists the name. */
  server?: Server;
  provider?: 'old' | 'new';
}

export function delegatedServers(t: DnsTargets, names: readonly string[]): DelegatedServer[] {
  return names.map((name) => {
    for (const p of ['new', 'old'] as const) {
      const server = t.providers[p].servers.find((s) => s.name === name);
      if (server) return { name, server, provider: p };
    }
    return { name };
  });
}

/** "ada.ns.cloudflare.test (Cloudflare (lab))" or "ns9.example.net (neither provider's)". */
export function whoseName(t: DnsTargets, name: string): string {
  const d = delegatedServers(t, [name])[0];
  return `${name} (${d?.provider ? t.providers[d.provider].name : "neither provider's"})`;
}
