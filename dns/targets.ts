// Where the dns checks send their questions: the lab manifest's dns section in the lab (never config.dns), config.dns elsewhere.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { HarnessConfig } from '../core/config/schema.ts';
import type { ResolvedEstate } from '../estate/model.ts';
import type { DnsServer, QueryOptions } from './query.ts';
import type { DnsConfig, NameServerConfig, ResolverConfig } from './config.ts';
import type { ExpectedRecord } from './records.ts';
import { expectedFromConfig, expectedFromZone, mergeExpected } from './records.ts';
import { loadZoneFile } from './zonefile.ts';
import { normName } from './wire.ts';

const Server = z.strictObject({ name: z.string(), address: z.string(), port: z.number().int() });
const Provider = z.strictObject({
  name: z.string(),
  nameservers: z.array(Server),
  nsPattern: z.string().optional(),
  proxyRanges: z.array(z.string()),
});
const Resolver = z.union([
  z.strictObject({ name: z.string(), protocol: z.enum(['udp', 'tcp']), address: z.string(), port: z.number().int() }),
  z.strictObject({ name: z.string(), protocol: z.literal('doh'), url: z.string() }),
]);

/** The `dns` section of the lab manifest (startDnsLab returns it; the planner reads it from estate.lab.dns). */
export const LabDnsManifest = z.strictObject({
  built: z.literal(true),
  zone: z.string(),
  /** The lab's zone as GoDaddy would export it: the expected records. */
  zoneFile: z.string(),
  /** Records declared on top of the zone file (the apex CNAME Cloudflare flattens). */
  records: z.array(
    z.strictObject({ name: z.string(), type: z.string(), values: z.array(z.string()), proxied: z.boolean(), source: z.string() }),
  ),
  parent: z.strictObject({ zone: z.string(), nameservers: z.array(Server) }),
  providers: z.strictObject({ old: Provider, new: Provider }),
  resolvers: z.array(Resolver),
  /** The DoH resolver over cleartext HTTP/2, for `dig +http-plain` (dig speaks DoH only over HTTP/2). */
  digDohUrl: z.string().optional(),
});
export type LabDnsManifest = z.infer<typeof LabDnsManifest>;

export interface ProviderTarget {
  name: string;
  servers: Extract<DnsServer, { protocol: 'udp' | 'tcp' }>[];
  nsPattern?: string;
  proxyRanges: string[];
}

export interface DnsTargets {
  source: 'lab' | 'config';
  zone: string;
  parent: { zone: string; servers: Extract<DnsServer, { protocol: 'udp' | 'tcp' }>[] };
  providers: { old: ProviderTarget; new: ProviderTarget };
  resolvers: DnsServer[];
  records: ExpectedRecord[];
  mail: DnsConfig['mail'];
  ttlMaxSeconds: number;
  resolverSample: number;
  query: QueryOptions;
}

const udp = (s: { name: string; address: string; port: number }) => ({
  name: normName(s.name),
  protocol: 'udp' as const,
  address: s.address,
  port: s.port,
});
// No address → the OS resolves the server's name when the socket connects (production only).
const fromConfig = (s: NameServerConfig) => udp({ name: s.name, address: s.address ?? s.name, port: s.port });
/** A DoH resolver trusts its own caFile, else the environment's CA (estate.ca), on top of the system roots. */
const resolverFrom =
  (envCa?: string) =>
  (r: ResolverConfig | z.infer<typeof Resolver>): DnsServer => {
    if (r.protocol !== 'doh') return { name: r.name, protocol: r.protocol, address: r.address, port: r.port };
    const ca = 'caFile' in r && r.caFile ? readCa(r.caFile, r.name) : envCa;
    return { name: r.name, protocol: 'doh', url: r.url, ...(ca ? { ca } : {}) };
  };

function readCa(file: string, resolver: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(
      `cannot read the CA file ${file} of DoH resolver ${resolver} (${(err as NodeJS.ErrnoException).code ?? 'error'}); fix dns.resolvers[].caFile`,
    );
  }
}

export function dnsTargets(ctx: { config: HarnessConfig; estate: ResolvedEstate }): DnsTargets {
  const c = ctx.config.dns;
  const query: QueryOptions = {
    recursionDesired: false,
    ednsBufferSize: c.transport.ednsBufferSize,
    udpTryTimeoutMs: c.transport.udpTryTimeoutMs,
    udpTries: c.transport.udpTries,
  };
  const common = { mail: c.mail, ttlMaxSeconds: c.ttlMaxSeconds, resolverSample: c.resolverSample, query };
  const lab = ctx.estate.lab?.dns;
  // A lab run asks only the lab: without its dns section there is nothing safe to ask, never config.dns (production).
  if (ctx.estate.env === 'lab' || ctx.estate.lab !== undefined) {
    const never =
      'a lab run never falls back to config.dns (production nameservers and public resolvers): start the DNS lab (lab/dns startDnsLab) with the lab';
    if (lab === undefined)
      throw new Error(`this is a lab run but the lab manifest has no dns section (the DNS lab did not start); ${never}`);
    if (lab.built !== true)
      throw new Error(
        `this is a lab run but the lab manifest's dns section says built: ${JSON.stringify(lab.built)} (the DNS lab is not running); ${never}`,
      );
    const parsed = LabDnsManifest.safeParse(lab);
    if (!parsed.success)
      throw new Error(
        `the lab manifest's dns section is not usable (${parsed.error.issues[0]?.message ?? 'invalid'}): the DNS lab did not start`,
      );
    const m = parsed.data;
    const zoneRecords = expectedFromZone(
      loadZoneFile(m.zoneFile, { origin: m.zone }).entries,
      m.zone,
      m.zoneFile.split('/').pop() ?? m.zoneFile,
    );
    const provider = (p: z.infer<typeof Provider>): ProviderTarget => ({
      name: p.name,
      servers: p.nameservers.map(udp),
      ...(p.nsPattern ? { nsPattern: p.nsPattern } : {}),
      proxyRanges: p.proxyRanges,
    });
    return {
      source: 'lab',
      zone: normName(m.zone),
      parent: { zone: normName(m.parent.zone), servers: m.parent.nameservers.map(udp) },
      providers: { old: provider(m.providers.old), new: provider(m.providers.new) },
      resolvers: m.resolvers.map(resolverFrom()),
      // The lab's own zone file and records are the expectation; production's record list does not apply.
      records: mergeExpected(zoneRecords, m.records, [], m.zone),
      ...common,
    };
  }
  const zone = normName(c.zone ?? ctx.estate.domain);
  const zoneRecords = c.zoneFile ? expectedFromZone(loadZoneFile(c.zoneFile, { origin: zone }).entries, zone, c.zoneFile) : [];
  const provider = (p: DnsConfig['providers']['old']): ProviderTarget => ({
    name: p.name,
    servers: p.nameservers.map(fromConfig),
    ...(p.nsPattern ? { nsPattern: p.nsPattern } : {}),
    proxyRanges: p.proxyRanges,
  });
  return {
    source: 'config',
    zone,
    parent: { zone: normName(c.parent.zone), servers: c.parent.nameservers.map(fromConfig) },
    providers: { old: provider(c.providers.old), new: provider(c.providers.new) },
    resolvers: c.resolvers.map(resolverFrom(ctx.estate.ca)),
    records: mergeExpected(zoneRecords, expectedFromConfig(c.records, zone), c.proxied, zone),
    ...common,
  };
}

/** "*.ns.cloudflare.com" matches "ada.ns.cloudflare.com" (one label or more in place of *). */
export function matchesPattern(name: string, pattern: string): boolean {
  const re = new RegExp(
    `^${normName(pattern)
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('[a-z0-9_.-]+')}$`,
  );
  return re.test(normName(name));
}
