// DNS section of the harness config: the zone, its parent, the old and new providers, resolvers, expected records.
// Defaults describe nothing production-specific; config/dns.ts holds production values, the lab's manifest the lab's.
import { z } from 'zod';
import { isIP } from 'node:net';
import { isLoopback } from './cidr.ts';

const Name = z
  .string()
  .min(1)
  .regex(/^[A-Za-z0-9_*.@-]+$/, 'a DNS name such as ns1.example.com');

/** "127.64.0.0/16" or "2606:4700::/32". */
export const Cidr = z.string().refine((s) => {
  const [addr = '', bits = '', ...rest] = s.split('/');
  const max = isIP(addr) === 4 ? 32 : isIP(addr) === 6 ? 128 : 0;
  return rest.length === 0 && max > 0 && /^\d+$/.test(bits) && Number(bits) <= max;
}, 'an address range in CIDR form, e.g. 173.245.48.0/20 or 2606:4700::/32');

export const NameServerConfig = z.strictObject({
  name: Name,
  /** Address to send queries to; absent → the name is resolved by the operating system at run time. */
  address: z.string().min(1).optional(),
  port: z.number().int().min(1).max(65_535).default(53),
});
export type NameServerConfig = z.infer<typeof NameServerConfig>;

export const ProviderConfig = z.strictObject({
  name: z.string().min(1),
  nameservers: z.array(NameServerConfig).default([]),
  /** Every NS name the provider hands out matches this: "*.ns.cloudflare.com". */
  nsPattern: z.string().optional(),
  /** Addresses a proxied (orange-cloud) record answers with: the provider's published ranges. */
  proxyRanges: z.array(Cidr).default([]),
});
export type ProviderConfig = z.infer<typeof ProviderConfig>;

/** The host part as a parsed address in 127.0.0.0/8 or ::1; a name (localhost, 127.0.0.1.attacker.example) is never loopback. */
const loopbackUrl = (u: URL) => isLoopback(u.hostname);

export const ResolverConfig = z.discriminatedUnion('protocol', [
  z.strictObject({
    name: z.string().min(1),
    protocol: z.enum(['udp', 'tcp']),
    address: z.string().min(1),
    port: z.number().int().min(1).max(65_535).default(53),
  }),
  z.strictObject({
    name: z.string().min(1),
    protocol: z.literal('doh'),
    /** RFC 8484 endpoint; https with normal certificate verification (plain http only on 127.0.0.0/8, the lab). */
    url: z.url().refine((s) => {
      // Runs even when z.url() already refused the text: a URL Node cannot parse is simply not allowed here.
      if (!URL.canParse(s)) return false;
      const u = new URL(s);
      return u.protocol === 'https:' || (u.protocol === 'http:' && loopbackUrl(u));
    }, 'DoH URLs must be https:// (plain http:// is allowed only on a loopback address such as 127.0.0.1 or [::1], the lab)'),
    /** PEM file of a CA to trust for this resolver on top of the system roots (an internal resolver); never a way to skip verification. */
    caFile: z.string().min(1).optional(),
  }),
]);
export type ResolverConfig = z.infer<typeof ResolverConfig>;

export const RecordConfig = z.strictObject({
  /** Relative to the zone ("www", "@") or absolute with a trailing dot. */
  name: Name,
  type: z.enum(['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS', 'SRV', 'CAA', 'PTR']),
  /** Zone-file presentation ("10 mx1.example.com.", "\"v=spf1 …\""); empty → whatever the old provider serves. */
  values: z.array(z.string()).default([]),
  proxied: z.boolean().default(false),
});
export type RecordConfig = z.infer<typeof RecordConfig>;

export const DnsConfig = z.strictObject({
  /** The public zone; absent → the estate's domain. */
  zone: z.string().optional(),
  parent: z.strictObject({ zone: z.string().default('com'), nameservers: z.array(NameServerConfig).default([]) }).prefault({}),
  providers: z
    .strictObject({
      old: ProviderConfig.prefault({ name: 'old provider' }),
      new: ProviderConfig.prefault({ name: 'new provider' }),
    })
    .prefault({}),
  resolvers: z.array(ResolverConfig).default([]),
  records: z.array(RecordConfig).default([]),
  /** BIND zone file (GoDaddy's export); its records are expected too. Relative to the working directory. */
  zoneFile: z.string().optional(),
  /** Names (relative or absolute) marked proxied on top of the zone file, which cannot say it. */
  proxied: z.array(Name).default([]),
  mail: z
    .strictObject({
      /** SPF must include this (the mail provider's include). */
      spfInclude: z.string().default('mailgun.org'),
      dkimSelectors: z.array(z.string().min(1)).default(['k1']),
      mx: z.boolean().default(true),
      dmarc: z.boolean().default(true),
    })
    .prefault({}),
  /** Pre-maintenance: every TTL at the old provider at or below this, so the move propagates fast. */
  ttlMaxSeconds: z.number().int().positive().default(300),
  /** At most this many expected records are asked of each resolver (plus the zone's NS set). */
  resolverSample: z.number().int().min(1).default(20),
  transport: z
    .strictObject({
      /** EDNS(0) buffer: 1232 bytes avoids fragmentation (DNS Flag Day 2020). */
      ednsBufferSize: z.number().int().min(512).max(4096).default(1232),
      udpTryTimeoutMs: z.number().int().positive().default(600),
      udpTries: z.number().int().min(1).max(5).default(3),
    })
    .prefault({}),
});
export type DnsConfig = z.infer<typeof DnsConfig>;
