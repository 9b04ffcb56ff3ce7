// The lab's DNS data: the zone as GoDaddy serves it (old), as Cloudflare serves it (new: proxied records answer
// from the lab's edge range, the apex is a flattened CNAME, DNSKEY published), and the parent zone that delegates.
import { createHash } from 'node:crypto';
import type { LabRecord } from './zone.ts';
import type { ZoneEntry } from '../../dns/zonefile.ts';
import { normName } from '../../dns/wire.ts';
import type { DnskeyData, DsData } from '../../dns/dnssec.ts';
import { dsFor } from '../../dns/dnssec.ts';

export const LAB_NAMESERVERS = {
  parent: ['a.nic.test'],
  old: ['ns45.domaincontrol.test', 'ns46.domaincontrol.test'],
  new: ['ada.ns.cloudflare.test', 'bob.ns.cloudflare.test'],
} as const;

/** The lab's stand-in for Cloudflare's published ranges: proxied names answer inside it. */
export const LAB_EDGE_RANGE = '127.64.0.0/16';
export const LAB_FLATTEN_TARGET = 'origin';

/** GoDaddy's apex NS TTL once lowered ahead of the window (dns-ns-ttl-high: left at GoDaddy's 3600 s). */
export const OLD_NS_TTL = { lowered: 300, default: 3600 } as const;
const DELEGATION_TTL = 60;

/** Deterministic edge address per name, inside LAB_EDGE_RANGE. */
export function edgeAddress(name: string): string {
  const h = createHash('sha256').update(name).digest();
  return `127.64.${h[0] ?? 0}.${((h[1] ?? 0) % 254) + 1}`;
}

const soa = (zone: string, mname: string, rname: string): LabRecord => ({
  name: zone,
  type: 'SOA',
  ttl: 3600,
  data: { mname, rname, serial: 2025062200, refresh: 10_000, retry: 2400, expire: 604_800, minimum: 300 },
});

const entryRecords = (entries: readonly ZoneEntry[], zone: string): LabRecord[] =>
  entries
    .filter((e) => e.type !== 'SOA' && !(e.type === 'NS' && e.name === zone))
    .map((e) => ({ name: e.name, type: e.type, ttl: e.ttl, data: e.data }));

export function oldZoneRecords(entries: readonly ZoneEntry[], zone: string, nsTtl: number = OLD_NS_TTL.lowered): LabRecord[] {
  return [
    soa(zone, LAB_NAMESERVERS.old[0], `dns.jomax.test`),
    ...LAB_NAMESERVERS.old.map((ns) => ({ name: zone, type: 'NS', ttl: nsTtl, data: ns })),
    ...entryRecords(entries, zone),
  ];
}

/** Cloudflare's copy: proxied A/AAAA/CNAME become edge A records; the apex A goes (the flattened CNAME answers it); its DNSKEY set (KSK + ZSK). */
export function newZoneRecords(entries: readonly ZoneEntry[], zone: string, keys: readonly DnskeyData[], flatten: boolean): LabRecord[] {
  const proxied = new Set(entries.filter((e) => e.proxied).map((e) => e.name));
  const kept = entryRecords(entries, zone).filter(
    (r) =>
      !(proxied.has(r.name) && ['A', 'AAAA', 'CNAME'].includes(r.type)) &&
      !(flatten && r.name === zone && (r.type === 'A' || r.type === 'AAAA')),
  );
  return [
    soa(zone, LAB_NAMESERVERS.new[0], 'dns.cloudflare.test'),
    ...LAB_NAMESERVERS.new.map((ns) => ({ name: zone, type: 'NS', ttl: 86_400, data: ns })),
    ...keys.map((key) => ({ name: zone, type: 'DNSKEY', ttl: 3600, data: key })),
    ...[...proxied].map((name) => ({ name, type: 'A', ttl: 300, data: edgeAddress(name) })),
    ...kept,
  ];
}

export interface ParentState {
  provider: 'old' | 'new';
  ds?: DsData[];
  /** dns-delegation-extra: NS names delegated on top of the provider's. */
  extraNs?: readonly string[];
  /** dns-glue-old: NS name → the glue address the parent hands out instead of the server's. */
  glue?: Record<string, string>;
}

/** The `test.` zone: its own SOA/NS, the delegation of the lab zone (and its DS), and the nameservers' addresses. */
export function parentRecords(zone: string, parentZone: string, state: ParentState, address: string): LabRecord[] {
  const nameservers = state.provider === 'new' ? LAB_NAMESERVERS.new : LAB_NAMESERVERS.old;
  const all = [...LAB_NAMESERVERS.parent, ...LAB_NAMESERVERS.old, ...LAB_NAMESERVERS.new];
  return [
    soa(parentZone, LAB_NAMESERVERS.parent[0], `nstld.${parentZone}`),
    { name: parentZone, type: 'NS', ttl: 86_400, data: LAB_NAMESERVERS.parent[0] },
    ...[...nameservers, ...(state.extraNs ?? [])].map((ns) => ({ name: zone, type: 'NS', ttl: DELEGATION_TTL, data: ns })),
    ...(state.ds ?? []).map((ds) => ({ name: zone, type: 'DS', ttl: DELEGATION_TTL, data: ds })),
    ...all.map((ns) => ({ name: ns, type: 'A', ttl: 86_400, data: state.glue?.[ns] ?? address })),
  ];
}

export function dsOf(zone: string, key: DnskeyData): DsData {
  return dsFor(normName(zone), key, 2);
}
