// The dns section of harness.config.ts: production values for the GoDaddy → Cloudflare move (PLAT-1125).
// The lab ignores the servers, resolvers and records here and uses its own (lab manifest); mail, TTL and
// transport settings apply to both. Public resolvers appear here as config values only: no test contacts them.
import type { DnsConfig } from '../dns/config.ts';
import type { z } from 'zod';

type DnsConfigInput = z.input<typeof DnsConfig>;

// Cloudflare's published ranges (https://www.cloudflare.com/ips-v4 and /ips-v6); refresh before each window.
const CLOUDFLARE_IPV4 = [
  '173.245.48.0/20',
  '103.21.244.0/22',
  '103.22.200.0/22',
  '103.31.4.0/22',
  '141.101.64.0/18',
  '108.162.192.0/18',
  '190.93.240.0/20',
  '188.114.96.0/20',
  '197.234.240.0/22',
  '198.41.128.0/17',
  '162.158.0.0/15',
  '104.16.0.0/13',
  '104.24.0.0/14',
  '172.64.0.0/13',
  '131.0.72.0/22',
];
const CLOUDFLARE_IPV6 = [
  '2400:cb00::/32',
  '2606:4700::/32',
  '2803:f800::/32',
  '2405:b500::/32',
  '2405:8100::/32',
  '2a06:98c0::/29',
  '2c0f:f248::/32',
];

export const dnsConfig: DnsConfigInput = {
  zone: 'invoicecloud.com',
  // The .com servers (Verisign) answer for the delegation and the DS the registrar publishes.
  parent: {
    zone: 'com',
    nameservers: [
      { name: 'a.gtld-servers.net', address: '192.5.6.30' },
      { name: 'b.gtld-servers.net', address: '192.33.14.30' },
    ],
  },
  providers: {
    // Operators: the two GoDaddy nameserver names from the current NS records (e.g. ns51/ns52.domaincontrol.com) go in
    // harness.local.ts (dns.providers.old.nameservers), the untracked overlay, not here.
    old: { name: 'GoDaddy', nsPattern: '*.domaincontrol.com', nameservers: [] },
    // Operators: the two names Cloudflare assigned to the zone (shown in the dashboard, e.g. ada/bob.ns.cloudflare.com)
    // go in harness.local.ts (dns.providers.new.nameservers).
    new: { name: 'Cloudflare', nsPattern: '*.ns.cloudflare.com', nameservers: [], proxyRanges: [...CLOUDFLARE_IPV4, ...CLOUDFLARE_IPV6] },
  },
  resolvers: [
    { name: 'cloudflare-1.1.1.1', protocol: 'udp', address: '1.1.1.1' },
    { name: 'google-8.8.8.8', protocol: 'udp', address: '8.8.8.8' },
    { name: 'quad9-9.9.9.9', protocol: 'udp', address: '9.9.9.9' },
    { name: 'cloudflare-doh', protocol: 'doh', url: 'https://cloudflare-dns.com/dns-query' },
  ],
  // Put GoDaddy's zone export next to this file and name it here to check every record:
  // zoneFile: 'config/invoicecloud.com.zone',
  // Until then, the runbook's hosts; values empty = "whatever GoDaddy serves". Mark proxied ones as set at Cloudflare.
  records: [
    { name: '@', type: 'A' },
    { name: 'www', type: 'A', proxied: true },
    { name: 'www2', type: 'A' },
    { name: 'my', type: 'A', proxied: true },
    { name: 'sso', type: 'A', proxied: true },
  ],
  mail: {
    // Mailgun sends the mail (runbook: Mailgun key rotations); selectors: the DKIM records Mailgun shows for the domain.
    spfInclude: 'mailgun.org',
    dkimSelectors: ['k1'],
  },
  ttlMaxSeconds: 300,
};
