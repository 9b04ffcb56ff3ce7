// The DNS part of the lab: a parent zone server that delegates, the old (GoDaddy-like) and new (Cloudflare-like)
// authoritative servers, caching resolvers (UDP/TCP and DoH over plain HTTP), all on 127.0.0.1, with the faults of docs/contracts.md.
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
import {
  LAB_EDGE_RANGE,
  LAB_FLATTEN_TARGET,
  LAB_NAMESERVERS,
  OLD_NS_TTL,
  dsOf,
  newZoneRecords,
  oldZoneRecords,
  parentRecords,
} from './lab-zones.ts';
import { LabSigner, newLabKey, newZoneKeys, sigWindow } from './signer.ts';
import { cnameLoop, isLoopName } from './cname-loop.ts';

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
/** dns-glue-old: where the parent's wrong glue points (another loopback address, on the new nameservers' ports). */
export const LAB_IMPOSTOR_ADDRESS = '127.0.0.2';

/** The zone file's web host A records (and the apex, origin) point at the lab gateway. */
function labEntries(file: string, domain: string, config: HarnessConfig, gateway: string): ZoneEntry[] {
  const { entries } = loadZoneFile(file, { origin: domain });
  const webNames = new Set(
    [domain, `${LAB_FLATTEN_TARGET}.${domain}`, ...config.estate.hosts.map((h) => `${h.label}.${domain}`)].map(normName),
  );
  return entries.map((e) => (e.type === 'A' && webNames.has(e.name) && !e.proxied ? { ...e, data: gateway, text: gateway } : e));
}

export async function startDnsLab(opts: DnsLabOptions): Promise<DnsLab> {
  const zone = normName(opts.domain);
  const parentZone = zone.split('.').slice(1).join('.');
  const file = opts.zoneFile ?? LAB_ZONE_FILE;
  const entries = labEntries(file, zone, opts.config, opts.gatewayAddress);
  const flatten = entries.some((e) => e.name === `${LAB_FLATTEN_TARGET}.${zone}` && e.type === 'A');
  // Cloudflare signs the zone: a KSK over the DNSKEY set, a ZSK over the rest (Ed25519, made at start).
  const keys = newZoneKeys();
  const splitKeys = newZoneKeys(); // dns-dnskey-split: a nameserver whose signer has its own keys
  const staleKey = newLabKey(true).dnskey; // the key the DS was made for before the move: matches nothing served
  const windows = { valid: sigWindow(false), expired: sigWindow(true) };
  const oldZone = new AuthZone(zone, oldZoneRecords(entries, zone));
  const oldZoneNsHigh = new AuthZone(zone, oldZoneRecords(entries, zone, OLD_NS_TTL.default));
  const flattenOpts = flatten ? { flattenApexTo: `${LAB_FLATTEN_TARGET}.${zone}` } : {};
  const newZone = new AuthZone(zone, newZoneRecords(entries, zone, [keys.ksk.dnskey, keys.zsk.dnskey], flatten), flattenOpts);
  const splitZone = new AuthZone(zone, newZoneRecords(entries, zone, [splitKeys.ksk.dnskey, splitKeys.zsk.dnskey], flatten), flattenOpts);
  let provider: 'old' | 'new' = opts.provider ?? 'old';
  const { faults } = opts;
  const window = () => (faults.has('dns-rrsig-expired') ? windows.expired : windows.valid);
  const signer = new LabSigner(zone, () => keys, window);
  const splitSigner = new LabSigner(zone, () => splitKeys, window);

  const parentCache = new Map<string, AuthZone>();
  const parentZoneNow = (): AuthZone => {
    const effective = faults.has('dns-delegation-old') ? 'old' : provider;
    const signedAtRegistrar = effective === 'new' || faults.has('dns-ds-early');
    const ds = faults.has('dns-ds-stale')
      ? [dsOf(zone, staleKey)]
      : faults.has('dns-ds-zsk')
        ? [dsOf(zone, keys.zsk.dnskey)]
        : signedAtRegistrar
          ? [dsOf(zone, keys.ksk.dnskey), ...(faults.has('dns-ds-extra') ? [dsOf(zone, staleKey)] : [])]
          : [];
    const extraNs = faults.has('dns-delegation-extra') ? [LAB_NAMESERVERS[effective === 'new' ? 'old' : 'new'][0]] : [];
    const glue =
      faults.has('dns-glue-old') && effective === 'new'
        ? Object.fromEntries(LAB_NAMESERVERS.new.map((n) => [n, LAB_IMPOSTOR_ADDRESS]))
        : {};
    const cacheKey = `${effective}|${ds.map((d) => d.keyTag).join(',')}|${extraNs.join(',')}|${Object.keys(glue).length}`;
    let z = parentCache.get(cacheKey);
    if (!z)
      parentCache.set(
        cacheKey,
        (z = new AuthZone(parentZone, parentRecords(zone, parentZone, { provider: effective, ds, extraNs, glue }, '127.0.0.1'))),
      );
    return z;
  };

  const servfail = (name: string) => faults.has('dns-servfail', name);
  // A fault's NAME may be absolute (www.invoicecloud.test), relative (www, _dmarc) or @ for the apex.
  const faultName = (arg: string) => {
    const n = normName(arg);
    return n === zone || n.endsWith(`.${zone}`) ? n : absoluteName(n || '@', zone);
  };
  const faultNames = (fault: string) =>
    faults
      .list()
      .filter((f) => f.name === fault && f.arg)
      .map((f) => faultName(f.arg ?? ''));
  const authoritative = (name: string, answer: (q: Parameters<LabHandler>[0]) => LabAnswer, isNew: boolean): ServerOptions => ({
    name,
    truncateUdp: () => faults.has('dns-truncate'),
    handler: (q) => {
      if (servfail(name)) return { rcode: 'SERVFAIL' };
      const qname = normName(q.name);
      if (isNew && q.type === 'TXT' && faultNames('dns-missing-txt').includes(qname))
        return { rcode: 'NOERROR', aa: true, authorities: newZone.answer({ ...q, type: 'SOA' }).answers ?? [] };
      const loop = isNew ? faultNames('dns-cname-loop').find((n) => isLoopName(qname, n)) : undefined;
      const a = loop ? cnameLoop(loop, qname) : answer(q);
      const drifted = isNew && faultNames('dns-record-drift').includes(qname) ? drift(a, qname) : a;
      if (!isNew || !q.dnssecOk) return drifted;
      // Signed as Cloudflare signs: RRSIGs only for a DO query; the split nameserver signs with its own keys.
      const s = faults.has('dns-dnskey-split', name) ? splitSigner : signer;
      return { ...drifted, answers: s.sign(drifted.answers) };
    },
  });
  // dns-glue-old: a copy of the old provider answering at the glue address, on the new nameservers' ports.
  let impostors: Promise<LabDnsServer[]> | undefined;
  const startImpostors = () =>
    (impostors ??= Promise.all(
      LAB_NAMESERVERS.new.map((n) =>
        startLabDnsServer({
          ...authoritative(`${n}@${LAB_IMPOSTOR_ADDRESS}`, (q) => oldZone.answer(q), false),
          address: LAB_IMPOSTOR_ADDRESS,
          port: servers[n]?.port ?? 0,
        }),
      ),
    ));

  const servers: Record<string, LabDnsServer> = {};
  const started: { stop(): Promise<void> }[] = [];
  try {
    for (const n of LAB_NAMESERVERS.parent) {
      const plain = authoritative(n, (q) => parentZoneNow().answer(q), false);
      const handler: LabHandler = async (q, tr) => {
        if (faults.has('dns-glue-old')) await startImpostors();
        return plain.handler(q, tr);
      };
      started.push((servers[n] = await startLabDnsServer({ ...plain, handler })));
    }
    for (const n of LAB_NAMESERVERS.old)
      started.push(
        (servers[n] = await startLabDnsServer(
          authoritative(n, (q) => (faults.has('dns-ns-ttl-high') ? oldZoneNsHigh : oldZone).answer(q), false),
        )),
      );
    for (const n of LAB_NAMESERVERS.new)
      started.push(
        (servers[n] = await startLabDnsServer(
          authoritative(n, (q) => (faults.has('dns-dnskey-split', n) ? splitZone : newZone).answer(q), true),
        )),
      );
    const udp = (n: string) => ({ name: n, protocol: 'udp' as const, address: '127.0.0.1', port: servers[n]?.port ?? 0 });
    const resolverFor = (name: string) =>
      new LabResolver(name, {
        roots: () => LAB_NAMESERVERS.parent.map(udp),
        serverFor: (ns) =>
          servers[normName(ns)] && !LAB_NAMESERVERS.parent.includes(normName(ns) as never) ? udp(normName(ns)) : undefined,
        pinned: () => (faults.has('dns-resolver-stale', name) ? LAB_NAMESERVERS.old.map(udp) : undefined),
      });
    const resolverOptions = (r: LabResolver): ServerOptions => ({
      name: r.name,
      truncateUdp: () => faults.has('dns-truncate'),
      handler: (q) =>
        servfail(r.name)
          ? { rcode: 'SERVFAIL', ra: true }
          : faults.has('dns-resolver-bogus', r.name)
            ? {
                rcode: 'SERVFAIL',
                ra: true,
                ede: [{ code: 6, text: `validation failure <${normName(q.name)} ${q.type}>: no valid signature found` }],
              }
            : r.handle(q),
    });
    const resolvers = [...LAB_RESOLVERS, LAB_DOH_RESOLVER].map(resolverFor);
    for (const r of resolvers.slice(0, LAB_RESOLVERS.length)) started.push((servers[r.name] = await startLabDnsServer(resolverOptions(r))));
    const dohResolver = resolvers.at(-1) as LabResolver;
    const doh: LabDohServer = await startLabDohServer(resolverOptions(dohResolver));
    started.push(doh);

    // Resolvers that have been up a while know the zone's delegation: look it up once now and after each cutover.
    const warm = () =>
      Promise.all(resolvers.map((r) => r.handle({ name: zone, type: 'NS', rd: true, dnssecOk: false }))).then(() => undefined);
    await warm();

    const ns = (list: readonly string[]) => list.map((n) => ({ name: n, address: '127.0.0.1', port: servers[n]?.port ?? 0 }));
    const manifest: LabDnsManifest = {
      built: true,
      zone,
      zoneFile: file,
      records: flatten
        ? [
            {
              name: zone,
              type: 'CNAME',
              values: [`${LAB_FLATTEN_TARGET}.${zone}`],
              proxied: false,
              source: 'lab: Cloudflare apex CNAME (flattened)',
            },
          ]
        : [],
      parent: { zone: parentZone, nameservers: ns(LAB_NAMESERVERS.parent) },
      providers: {
        old: { name: 'GoDaddy (lab)', nameservers: ns(LAB_NAMESERVERS.old), nsPattern: '*.domaincontrol.test', proxyRanges: [] },
        new: {
          name: 'Cloudflare (lab)',
          nameservers: ns(LAB_NAMESERVERS.new),
          nsPattern: '*.ns.cloudflare.test',
          proxyRanges: [LAB_EDGE_RANGE],
        },
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
        await Promise.all([...started, ...(await (impostors ?? Promise.resolve([])).catch(() => []))].map((s) => s.stop()));
      },
    };
  } catch (err) {
    await Promise.all(started.map((s) => s.stop()));
    throw err;
  }
}
