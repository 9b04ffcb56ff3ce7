// The DNS part of the lab: a parent zone server that delegates, the old (GoDaddy-like) and new (Cloudflare-like)
// authoritative servers, caching resolvers (UDP/TCP and DoH over plain HTTP), all on 127.0.0.1, with DESIGN's faults.
import { fileURLToPath } from 'node:url';
import type { HarnessConfig } from '../../core/config/schema.ts';
import type { ActiveFaults } from '../faults.ts';
import type { LabDnsManifest } from '../../dns/targets.ts';
import type { ZoneEntry } from '../../dns/zonefile.ts';
import { loadZoneFile } from '../../dns/zonefile.ts';
import { absoluteName } from '../../dns/records.ts';
import { normName } from '../../dns/wire.ts';
import type { LabAnswer, LabDnsServer, LabHandler, ServerOptions } from './server.ts';
import { startLabDnsServer } from './server.ts';
import { AuthZone } from './zone.ts';
import { LabResolver } from './resolver.ts';
import { startLabDohServer, type LabDohServer } from './doh-server.ts';
import { drift } from './drift.ts';
import { LAB_EDGE_RANGE, LAB_FLATTEN_TARGET, LAB_NAMESERVERS, dsOf, newDnskey, newZoneRecords, oldZoneRecords, parentRecords } from './lab-zones.ts';

export interface DnsLabOptions {
  config: HarnessConfig;
  faults: ActiveFaults;
  /** The lab's domain (invoicecloud.test). */
  domain: string;
  /** Address the web hosts resolve to in the lab (the gateway's). */
  gatewayAddress: string;
  dir: string;
  /** Zone file to serve instead of lab/dns/invoicecloud.test.zone (the benchmark's 200 records). */
  zoneFile?: string;
  /** Which provider the parent delegates to at start (default: old, as before the window). */
  provider?: 'old' | 'new';
}

export interface DnsLab {
  manifest: Record<string, unknown>;
  /** The runbook's cutover: the parent delegates to the old or the new provider. */
  setProvider(provider: 'old' | 'new'): void;
  /** Every lab server by name (parent, nameservers, resolvers), for tests that look at what was asked. */
  servers: Record<string, LabDnsServer>;
  stop(): Promise<void>;
}

export const LAB_ZONE_FILE = fileURLToPath(new URL('./invoicecloud.test.zone', import.meta.url));
export const LAB_RESOLVERS = ['lab-resolver-1', 'lab-resolver-2'] as const;
export const LAB_DOH_RESOLVER = 'lab-doh';

/** The zone file's web host A records (and the apex, origin) point at the lab gateway. */
function labEntries(file: string, domain: string, config: HarnessConfig, gateway: string): ZoneEntry[] {
  const { entries } = loadZoneFile(file, { origin: domain });
  const webNames = new Set([domain, `${LAB_FLATTEN_TARGET}.${domain}`, ...config.estate.hosts.map((h) => `${h.label}.${domain}`)].map(normName));
  return entries.map((e) => (e.type === 'A' && webNames.has(e.name) && !e.proxied ? { ...e, data: gateway, text: gateway } : e));
}

export async function startDnsLab(opts: DnsLabOptions): Promise<DnsLab> {
  const zone = normName(opts.domain);
  const parentZone = zone.split('.').slice(1).join('.');
  const file = opts.zoneFile ?? LAB_ZONE_FILE;
  const entries = labEntries(file, zone, opts.config, opts.gatewayAddress);
  const flatten = entries.some((e) => e.name === `${LAB_FLATTEN_TARGET}.${zone}` && e.type === 'A');
  const key = newDnskey();
  const staleKey = newDnskey(); // the key the DS was made for before the move: matches nothing served
  const oldZone = new AuthZone(zone, oldZoneRecords(entries, zone));
  const newZone = new AuthZone(zone, newZoneRecords(entries, zone, key, flatten), flatten ? { flattenApexTo: `${LAB_FLATTEN_TARGET}.${zone}` } : {});
  let provider: 'old' | 'new' = opts.provider ?? 'old';
  const { faults } = opts;

  const parentCache = new Map<string, AuthZone>();
  const parentZoneNow = (): AuthZone => {
    const effective = faults.has('dns-delegation-old') ? 'old' : provider;
    const ds = faults.has('dns-ds-stale') ? dsOf(zone, staleKey) : effective === 'new' ? dsOf(zone, key) : undefined;
    const cacheKey = `${effective}|${ds ? ds.keyTag : '-'}`;
    let z = parentCache.get(cacheKey);
    if (!z) parentCache.set(cacheKey, (z = new AuthZone(parentZone, parentRecords(zone, parentZone, { provider: effective, ...(ds ? { ds } : {}) }, '127.0.0.1'))));
    return z;
  };

  const servfail = (name: string) => faults.has('dns-servfail', name);
  // A fault's NAME may be absolute (www.invoicecloud.test), relative (www, _dmarc) or @ for the apex.
  const faultName = (arg: string) => {
    const n = normName(arg);
    return n === zone || n.endsWith(`.${zone}`) ? n : absoluteName(n || '@', zone);
  };
  const faultNames = (fault: string) => faults.list().filter((f) => f.name === fault && f.arg).map((f) => faultName(f.arg ?? ''));
  const authoritative = (name: string, answer: (q: Parameters<LabHandler>[0]) => LabAnswer, isNew: boolean): ServerOptions => ({
    name,
    truncateUdp: () => faults.has('dns-truncate'),
    handler: (q) => {
      if (servfail(name)) return { rcode: 'SERVFAIL' };
      const qname = normName(q.name);
      if (isNew && q.type === 'TXT' && faultNames('dns-missing-txt').includes(qname)) return { rcode: 'NOERROR', aa: true, authorities: newZone.answer({ ...q, type: 'SOA' }).answers ?? [] };
      const a = answer(q);
      return isNew && faultNames('dns-record-drift').includes(qname) ? drift(a, qname) : a;
    },
  });

  const servers: Record<string, LabDnsServer> = {};
  const started: { stop(): Promise<void> }[] = [];
  try {
    for (const n of LAB_NAMESERVERS.parent) started.push((servers[n] = await startLabDnsServer(authoritative(n, (q) => parentZoneNow().answer(q), false))));
    for (const n of LAB_NAMESERVERS.old) started.push((servers[n] = await startLabDnsServer(authoritative(n, (q) => oldZone.answer(q), false))));
    for (const n of LAB_NAMESERVERS.new) started.push((servers[n] = await startLabDnsServer(authoritative(n, (q) => newZone.answer(q), true))));
    const udp = (n: string) => ({ name: n, protocol: 'udp' as const, address: '127.0.0.1', port: servers[n]?.port ?? 0 });
    const resolverFor = (name: string) =>
      new LabResolver(name, {
        roots: () => LAB_NAMESERVERS.parent.map(udp),
        serverFor: (ns) => (servers[normName(ns)] && !LAB_NAMESERVERS.parent.includes(normName(ns) as never) ? udp(normName(ns)) : undefined),
        pinned: () => (faults.has('dns-resolver-stale', name) ? LAB_NAMESERVERS.old.map(udp) : undefined),
      });
    const resolverOptions = (r: LabResolver): ServerOptions => ({
      name: r.name,
      truncateUdp: () => faults.has('dns-truncate'),
      handler: (q) => (servfail(r.name) ? { rcode: 'SERVFAIL', ra: true } : r.handle(q)),
    });
    const resolvers = [...LAB_RESOLVERS, LAB_DOH_RESOLVER].map(resolverFor);
    for (const r of resolvers.slice(0, LAB_RESOLVERS.length)) started.push((servers[r.name] = await startLabDnsServer(resolverOptions(r))));
    const dohResolver = resolvers.at(-1) as LabResolver;
    const doh: LabDohServer = await startLabDohServer(resolverOptions(dohResolver));
    started.push(doh);

    // Resolvers that have been up a while know the zone's delegation: look it up once now and after each cutover.
    const warm = () => Promise.all(resolvers.map((r) => r.handle({ name: zone, type: 'NS', rd: true, dnssecOk: false }))).then(() => undefined);
    await warm();

    const ns = (list: readonly string[]) => list.map((n) => ({ name: n, address: '127.0.0.1', port: servers[n]?.port ?? 0 }));
    const manifest: LabDnsManifest = {
      built: true,
      zone,
      zoneFile: file,
      records: flatten ? [{ name: zone, type: 'CNAME', values: [`${LAB_FLATTEN_TARGET}.${zone}`], proxied: false, source: 'lab: Cloudflare apex CNAME (flattened)' }] : [],
      parent: { zone: parentZone, nameservers: ns(LAB_NAMESERVERS.parent) },
      providers: {
        old: { name: 'GoDaddy (lab)', nameservers: ns(LAB_NAMESERVERS.old), nsPattern: '*.domaincontrol.test', proxyRanges: [] },
        new: { name: 'Cloudflare (lab)', nameservers: ns(LAB_NAMESERVERS.new), nsPattern: '*.ns.cloudflare.test', proxyRanges: [LAB_EDGE_RANGE] },
      },
      resolvers: [
        ...LAB_RESOLVERS.map((n) => ({ name: n, protocol: 'udp' as const, address: '127.0.0.1', port: servers[n]?.port ?? 0 })),
        { name: LAB_DOH_RESOLVER, protocol: 'doh' as const, url: doh.url },
      ],
      digDohUrl: doh.h2cUrl,
    };
    return {
      manifest,
      servers,
      setProvider(p) {
        provider = p;
        // The lab models the cutover after the delegation TTL has passed: healthy resolvers start afresh.
        for (const r of resolvers) if (!faults.has('dns-resolver-stale', r.name)) r.flush();
        void warm();
      },
      stop: async () => {
        await Promise.all(started.map((s) => s.stop()));
      },
    };
  } catch (err) {
    await Promise.all(started.map((s) => s.stop()));
    throw err;
  }
}
