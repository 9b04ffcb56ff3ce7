// Interop with a real signer (Knot DNS, automatic signing): the harness verifies Knot's own RRSIGs with node's
// crypto for ECDSA P-256, RSA/SHA-256 and Ed25519 (canonical form included: mixed-case names in RDATA, \DDD TXT),
// and judges DS records against Knot's real KSK and ZSK. Skipped with the reason when knotd is not installed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dnsQuery, DEFAULT_QUERY_OPTIONS } from '../../dns/query.ts';
import { checkDnssec } from '../../dns/checks/dnssec.ts';
import type { DnskeyData } from '../../dns/dnssec.ts';
import { dsFor } from '../../dns/dnssec.ts';
import type { DnsTargets } from '../../dns/targets.ts';
import { AuthZone, type LabRecord } from '../../lab/dns/zone.ts';
import { startLabDnsServer, type LabDnsServer } from '../../lab/dns/server.ts';
import { binary, freePort, startReal, tempDir, type RealServer } from './real-servers.ts';
import { show } from './lab-direct.ts';

const KNOTD = binary('knotd');
const ZONES = [
  { zone: 'ecdsa.invoicecloud.test', policy: 'ecdsap256sha256', algorithm: 13 },
  { zone: 'rsa.invoicecloud.test', policy: 'rsasha256', algorithm: 8 },
  { zone: 'ed.invoicecloud.test', policy: 'ed25519', algorithm: 15 },
] as const;

const zoneText = (zone: string) =>
  [
    `$ORIGIN ${zone}.`,
    '$TTL 300',
    '@ SOA ns1 hostmaster 1 3600 600 86400 300',
    '@ NS ns1',
    'ns1 A 127.0.0.1',
    'www A 127.0.0.1',
    'www A 127.0.0.2',
    '@ MX 10 MX.Mail.Example.TEST.',
    'txt TXT "caf\\195\\169" "v=spf1 -all"',
    '',
  ].join('\n');

function knotConf(dir: string, port: number): string {
  return [
    'server:',
    `  rundir: "${dir}"`,
    `  listen: 127.0.0.1@${port}`,
    '  udp-workers: 1',
    '  tcp-workers: 1',
    '  background-workers: 1',
    'log:',
    '  - target: stderr',
    '    any: warning',
    'database:',
    `  storage: "${dir}"`,
    'policy:',
    ...ZONES.flatMap((z) => [
      `  - id: ${z.policy}`,
      `    algorithm: ${z.policy}`,
      ...(z.algorithm === 8 ? ['    ksk-size: 2048', '    zsk-size: 1024'] : []),
    ]),
    'zone:',
    ...ZONES.flatMap((z) => [
      `  - domain: ${z.zone}`,
      `    storage: "${dir}"`,
      `    file: "${z.zone}.zone"`,
      '    dnssec-signing: on',
      `    dnssec-policy: ${z.policy}`,
    ]),
    '',
  ].join('\n');
}

let knot: RealServer | undefined;
let port = 0;
before(async () => {
  if (!KNOTD) return;
  const dir = tempDir('knot');
  port = await freePort();
  for (const z of ZONES) writeFileSync(join(dir, `${z.zone}.zone`), zoneText(z.zone));
  writeFileSync(join(dir, 'knot.conf'), knotConf(dir, port));
  knot = await startReal(KNOTD, ['-c', join(dir, 'knot.conf')], dir, port, { name: ZONES[1].zone, type: 'DNSKEY' }, 8_000);
});
after(() => knot?.stop());

async function keysOf(zone: string): Promise<DnskeyData[]> {
  const out = await dnsQuery(
    { name: 'knot', protocol: 'udp', address: '127.0.0.1', port },
    { name: zone, type: 'DNSKEY' },
    { ...DEFAULT_QUERY_OPTIONS, dnssecOk: true },
    AbortSignal.timeout(3000),
  );
  assert.ok(out.ok);
  return out.message.answers.filter((r) => r.type === 'DNSKEY').map((r) => r.data as DnskeyData);
}

/** A lab parent (invoicecloud.test) that delegates `zone` to knotd's port and publishes the given DS set. */
async function parentFor(zone: string, ds: ReturnType<typeof dsFor>[]): Promise<LabDnsServer> {
  const ns = `ns1.${zone}`;
  const records: LabRecord[] = [
    {
      name: 'invoicecloud.test',
      type: 'SOA',
      ttl: 300,
      data: { mname: 'a.nic.test', rname: 'h.nic.test', serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 300 },
    },
    { name: zone, type: 'NS', ttl: 60, data: ns },
    { name: ns, type: 'A', ttl: 60, data: '127.0.0.1' },
    ...ds.map((d) => ({ name: zone, type: 'DS', ttl: 60, data: d })),
  ];
  const z = new AuthZone('invoicecloud.test', records);
  return startLabDnsServer({ name: 'parent', truncateUdp: () => false, handler: (q) => z.answer(q) });
}

function targetsFor(zone: string, parent: LabDnsServer): DnsTargets {
  const server = (name: string, p: number) => ({ name, protocol: 'udp' as const, address: '127.0.0.1', port: p });
  return {
    source: 'config',
    zone,
    parent: { zone: 'invoicecloud.test', servers: [server('parent', parent.port)] },
    providers: {
      old: { name: 'old (none)', servers: [], proxyRanges: [] },
      new: { name: 'Knot', servers: [server(`ns1.${zone}`, port)], proxyRanges: [] },
    },
    resolvers: [],
    records: ['www', 'txt']
      .map((n) => ({ name: `${n}.${zone}`, type: n === 'txt' ? 'TXT' : 'A', values: [], proxied: false, source: 'test' }))
      .concat([{ name: zone, type: 'MX', values: [], proxied: false, source: 'test' }]),
    mail: { spfInclude: 'x', dkimSelectors: [], mx: false, dmarc: false } as unknown as DnsTargets['mail'],
    ttlMaxSeconds: 300,
    resolverSample: 5,
    query: { ...DEFAULT_QUERY_OPTIONS },
  };
}

const dsCases: [string, (keys: DnskeyData[], zone: string) => ReturnType<typeof dsFor>[], 'passed' | 'failed', RegExp][] = [
  ['the DS of the KSK', (k, z) => k.filter((x) => x.flags === 257).map((x) => dsFor(z, x)), 'passed', /DNSSEC validates/],
  [
    'the KSK DS plus a leftover DS (point 1)',
    (k, z) => [
      ...k.filter((x) => x.flags === 257).map((x) => dsFor(z, x)),
      { ...dsFor(z, k[0] as DnskeyData), keyTag: 1, digest: Buffer.alloc(32, 7) },
    ],
    'passed',
    /WARNING: DS 1 /,
  ],
  [
    'the DS of the ZSK (point 3)',
    (k, z) => k.filter((x) => x.flags === 256).map((x) => dsFor(z, x)),
    'failed',
    /points at the zone-signing key/,
  ],
];

for (const z of ZONES) {
  for (const [name, dsOf, status, message] of dsCases) {
    test(`knotd interop, ${z.policy} (algorithm ${z.algorithm}): ${name} → ${status}`, { timeout: 15_000 }, async (t) => {
      if (!KNOTD || !knot) return t.skip('knotd not installed (apt-get install knot)');
      const keys = await keysOf(z.zone);
      assert.deepEqual([...new Set(keys.map((k) => k.algorithm))], [z.algorithm], 'Knot signs with the policy algorithm');
      assert.deepEqual(keys.map((k) => k.flags).sort(), [256, 257], 'a KSK and a ZSK');
      const parent = await parentFor(z.zone, dsOf(keys, z.zone));
      try {
        const r = await checkDnssec(targetsFor(z.zone, parent), 'new', AbortSignal.timeout(8000));
        assert.equal(r.status, status, show(r));
        assert.match(r.message ?? '', message, show(r));
        if (status === 'passed')
          assert.match(r.message ?? '', /RRSIGs over 4 sampled RRsets verify/, 'SOA, www A, txt TXT and the MX were verified');
      } finally {
        await parent.stop();
      }
    });
  }
}
