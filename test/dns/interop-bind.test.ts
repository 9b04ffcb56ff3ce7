// Interop with BIND 9 (named) as a validating resolver over the signed lab (trust anchor = the lab parent's DS set,
// the zone forwarded to the lab's Cloudflare servers): named's verdict (AD or SERVFAIL) and dns:dnssec's must agree.
// Issue 12 points 1 and 3. Skipped with the reason when named is not installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dnsQuery, DEFAULT_QUERY_OPTIONS } from '../../dns/query.ts';
import { checkDnssec } from '../../dns/checks/dnssec.ts';
import type { DsData } from '../../dns/dnssec.ts';
import { binary, freePort, startReal, tempDir } from './real-servers.ts';
import { labParentDs, show, startDirectLab, type DirectLab } from './lab-direct.ts';

const NAMED = binary('named');

function namedConf(dir: string, port: number, lab: DirectLab, ds: DsData[]): string {
  const portOf = (n: string) => lab.lab.servers[n]?.port ?? 0;
  const anchors = ds.map(
    (d) => `  invoicecloud.test static-ds ${d.keyTag} ${d.algorithm} ${d.digestType} "${d.digest.toString('hex').toUpperCase()}";`,
  );
  return [
    'options {',
    `  directory "${dir}";`,
    `  pid-file "${join(dir, 'named.pid')}";`,
    `  listen-on port ${port} { 127.0.0.1; };`,
    '  listen-on-v6 { none; };',
    '  recursion yes;',
    '  allow-query { 127.0.0.0/8; };',
    '  allow-recursion { 127.0.0.0/8; };',
    '  dnssec-validation yes;',
    // Outgoing queries leave from loopback only; the root below is a local zone, so named never primes from the internet.
    '  query-source address 127.0.0.1;',
    '  notify no;',
    '};',
    'controls { };',
    'trust-anchors {',
    ...anchors,
    '};',
    'zone "." { type primary; file "root.db"; };',
    `zone "invoicecloud.test" { type forward; forward only; forwarders { 127.0.0.1 port ${portOf('ada.ns.cloudflare.test')}; 127.0.0.1 port ${portOf('bob.ns.cloudflare.test')}; }; };`,
    '',
  ].join('\n');
}

// A local root: named answers it itself (no priming); it delegates the lab zone so named recurses into the forward zone.
const ROOT_DB = [
  '$TTL 300',
  '. SOA localhost. hostmaster.localhost. 1 3600 600 86400 300',
  '. NS localhost.',
  'localhost. A 127.0.0.1',
  'invoicecloud.test. NS ada.ns.cloudflare.test.',
  'ada.ns.cloudflare.test. A 127.0.0.1',
  '',
].join('\n');

const cases: [string, string[], 'AD' | 'SERVFAIL', 'passed' | 'failed'][] = [
  ['the healthy signed lab', [], 'AD', 'passed'],
  ['point 1: a good DS plus a leftover DS', ['dns-ds-extra'], 'AD', 'passed'],
  ['point 3: the DS at the zone-signing key', ['dns-ds-zsk'], 'SERVFAIL', 'failed'],
  ['point 3: expired RRSIGs', ['dns-rrsig-expired'], 'SERVFAIL', 'failed'],
];

for (const [name, faults, verdict, dnssec] of cases) {
  test(`named interop: ${name}: named says ${verdict}, dns:dnssec ${dnssec}`, { timeout: 20_000 }, async (t) => {
    if (!NAMED) return t.skip('named not installed (apt-get install bind9)');
    const lab = await startDirectLab(faults, 'new');
    const dir = tempDir('named');
    let server: Awaited<ReturnType<typeof startReal>> | undefined;
    try {
      const ds = await labParentDs(lab);
      const port = await freePort();
      writeFileSync(join(dir, 'root.db'), ROOT_DB);
      writeFileSync(
        join(dir, 'named.conf'),
        namedConf(
          dir,
          port,
          lab,
          ds.map((r) => r.data as DsData),
        ),
      );
      server = await startReal(
        NAMED,
        ['-g', '-n', '1', '-c', join(dir, 'named.conf')],
        dir,
        port,
        { name: 'localhost', type: 'A', anyRcode: true },
        8_000,
      );
      const opts = { ...DEFAULT_QUERY_OPTIONS, recursionDesired: true, dnssecOk: true, udpTryTimeoutMs: 2000, udpTries: 2 };
      const out = await dnsQuery(
        { name: 'named', protocol: 'udp', address: '127.0.0.1', port },
        { name: 'www.invoicecloud.test', type: 'A' },
        opts,
        AbortSignal.timeout(6000),
      );
      assert.ok(out.ok, JSON.stringify(out));
      if (verdict === 'AD') assert.deepEqual([out.message.rcode, out.message.ad], ['NOERROR', true], server.log().slice(-2000));
      else assert.equal(out.message.rcode, 'SERVFAIL');
      const r = await checkDnssec(lab.targets, 'new', AbortSignal.timeout(8000));
      assert.equal(r.status, dnssec, show(r));
    } finally {
      await server?.stop();
      await lab.stop();
    }
  });
}
