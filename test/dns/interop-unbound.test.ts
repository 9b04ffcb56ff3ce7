// Interop with a real validating resolver (unbound): it validates the signed lab with the parent's DS set as its
// trust anchor, and the harness's dns:dnssec verdict and its reading of unbound's SERVFAIL (EDE) must agree with it.
// Issue 12 points 1, 3 and 5. Skipped with the reason when unbound is not installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dnsQuery, DEFAULT_QUERY_OPTIONS, type DnsServer } from '../../dns/query.ts';
import { ask } from '../../dns/answer.ts';
import { checkDnssec } from '../../dns/checks/dnssec.ts';
import { canonicalFromPacket } from '../../dns/rdata.ts';
import { binary, freePort, startReal, tempDir } from './real-servers.ts';
import { labParentDs, show, startDirectLab, type DirectLab } from './lab-direct.ts';
import { makeTestCa } from './test-ca.ts';

const UNBOUND = binary('unbound');

function unboundConf(
  dir: string,
  port: number,
  lab: DirectLab,
  anchors: string[],
  doh?: { port: number; key: string; pem: string },
): string {
  const portOf = (n: string) => lab.lab.servers[n]?.port ?? 0;
  return [
    'server:',
    `  interface: 127.0.0.1@${port}`,
    `  port: ${port}`,
    // DoH as unbound serves it: HTTP/2 only, on its own port, with the test CA's certificate.
    ...(doh
      ? [
          `  interface: 127.0.0.1@${doh.port}`,
          `  https-port: ${doh.port}`,
          `  tls-service-key: "${doh.key}"`,
          `  tls-service-pem: "${doh.pem}"`,
          '  http-endpoint: "/dns-query"',
        ]
      : []),
    // Every query unbound makes leaves from and goes to loopback: the lab's servers, never the internet.
    '  outgoing-interface: 127.0.0.1',
    '  do-ip6: no',
    '  do-daemonize: no',
    '  chroot: ""',
    '  username: ""',
    `  directory: "${dir}"`,
    `  pidfile: "${join(dir, 'unbound.pid')}"`,
    '  use-syslog: no',
    '  logfile: ""',
    '  verbosity: 1',
    '  do-not-query-localhost: no',
    '  qname-minimisation: no',
    '  module-config: "validator iterator"',
    '  ede: yes',
    '  val-log-level: 2',
    '  access-control: 127.0.0.0/8 allow',
    // unbound answers the special-use .test itself (RFC 6761) unless told not to.
    '  local-zone: "test." nodefault',
    ...anchors.map((a) => `  trust-anchor: "${a}"`),
    'remote-control:',
    '  control-enable: no',
    // The lab's parent stands in for the root, so even priming stays on 127.0.0.1.
    'stub-zone:',
    '  name: "."',
    `  stub-addr: 127.0.0.1@${portOf('a.nic.test')}`,
    'stub-zone:',
    '  name: "invoicecloud.test"',
    `  stub-addr: 127.0.0.1@${portOf('ada.ns.cloudflare.test')}`,
    `  stub-addr: 127.0.0.1@${portOf('bob.ns.cloudflare.test')}`,
    '',
  ].join('\n');
}

interface Case {
  faults: string[];
  /** What unbound does with www.invoicecloud.test A. */
  unbound: 'AD' | 'SERVFAIL';
  dnssec: 'passed' | 'failed';
  dnssecCode?: string;
}

const cases: Record<string, Case> = {
  'the healthy signed lab: AD set, dns:dnssec passes': { faults: [], unbound: 'AD', dnssec: 'passed' },
  'point 1: a good DS plus a leftover DS: unbound validates (AD), dns:dnssec passes with a warning': {
    faults: ['dns-ds-extra'],
    unbound: 'AD',
    dnssec: 'passed',
  },
  'point 3: the DS at the zone-signing key: unbound SERVFAILs, dns:dnssec fails': {
    faults: ['dns-ds-zsk'],
    unbound: 'SERVFAIL',
    dnssec: 'failed',
    dnssecCode: 'DNSSEC_DS_AT_ZSK',
  },
  'point 3: expired RRSIGs: unbound SERVFAILs, dns:dnssec fails': {
    faults: ['dns-rrsig-expired'],
    unbound: 'SERVFAIL',
    dnssec: 'failed',
    dnssecCode: 'DNSSEC_SIGNATURE_EXPIRED',
  },
};

for (const [name, c] of Object.entries(cases)) {
  test(`unbound interop: ${name}`, { timeout: 20_000 }, async (t) => {
    if (!UNBOUND) return t.skip('unbound not installed (apt-get install unbound)');
    const lab = await startDirectLab(c.faults, 'new');
    const dir = tempDir('unbound');
    let server: Awaited<ReturnType<typeof startReal>> | undefined;
    try {
      const anchors = (await labParentDs(lab)).map((r) => `invoicecloud.test. DS ${canonicalFromPacket('DS', r.data)}`);
      const port = await freePort();
      writeFileSync(join(dir, 'unbound.conf'), unboundConf(dir, port, lab, anchors));
      // Ready when it answers at all: for the bogus cases SERVFAIL is the answer.
      server = await startReal(UNBOUND, ['-d', '-c', join(dir, 'unbound.conf')], dir, port, {
        name: 'invoicecloud.test',
        type: 'NS',
        rd: true,
        anyRcode: true,
      });
      const resolver: DnsServer = { name: 'unbound', protocol: 'udp', address: '127.0.0.1', port };
      const opts = { ...DEFAULT_QUERY_OPTIONS, recursionDesired: true, dnssecOk: true, udpTryTimeoutMs: 1500, udpTries: 2 };
      const out = await dnsQuery(resolver, { name: 'www.invoicecloud.test', type: 'A' }, opts, AbortSignal.timeout(5000));
      assert.ok(out.ok, JSON.stringify(out));
      if (c.unbound === 'AD') {
        assert.equal(out.message.rcode, 'NOERROR', server.log());
        assert.equal(out.message.ad, true, 'unbound validated the answer (AD)');
      } else {
        assert.equal(out.message.rcode, 'SERVFAIL');
        // Point 5: the harness reads the EDE and names DNSSEC as the cause.
        const a = await ask(resolver, 'www.invoicecloud.test', 'A', opts, AbortSignal.timeout(5000));
        assert.ok(!a.ok);
        assert.equal(a.failure.code, 'DNS_SERVFAIL_DNSSEC', a.failure.message);
        assert.match(a.failure.message, /answered SERVFAIL for www.invoicecloud.test A: DNSSEC validation failed \(EDE \d+ /);
        assert.doesNotMatch(a.failure.message, /zone is active and loaded/);
      }
      const r = await checkDnssec(lab.targets, 'new', AbortSignal.timeout(8000));
      assert.equal(r.status, c.dnssec, show(r));
      if (c.dnssecCode) assert.equal(r.failure?.code, c.dnssecCode, show(r));
      if (c.faults.includes('dns-ds-extra')) assert.match(r.message ?? '', /WARNING: DS/);
    } finally {
      await server?.stop();
      await lab.stop();
    }
  });
}

// Point 4 against a real server: unbound serves DoH over HTTP/2 only; the harness asks it with the CA given.
test('unbound interop, point 4: DoH over HTTP/2 to unbound answers, trusted through the ca option', { timeout: 20_000 }, async (t) => {
  if (!UNBOUND) return t.skip('unbound not installed (apt-get install unbound)');
  const lab = await startDirectLab([], 'new');
  const dir = tempDir('unbound-doh');
  const ca = makeTestCa();
  let server: Awaited<ReturnType<typeof startReal>> | undefined;
  try {
    writeFileSync(join(dir, 'srv.key'), ca.key);
    writeFileSync(join(dir, 'srv.pem'), ca.cert);
    const [port, dohPort] = [await freePort(), await freePort()];
    writeFileSync(
      join(dir, 'unbound.conf'),
      unboundConf(dir, port, lab, [], { port: dohPort, key: join(dir, 'srv.key'), pem: join(dir, 'srv.pem') }),
    );
    server = await startReal(UNBOUND, ['-d', '-c', join(dir, 'unbound.conf')], dir, port, {
      name: 'invoicecloud.test',
      type: 'NS',
      rd: true,
      anyRcode: true,
    });
    const doh: DnsServer = { name: 'unbound-doh', protocol: 'doh', url: `https://127.0.0.1:${dohPort}/dns-query`, ca: ca.ca };
    const out = await dnsQuery(
      doh,
      { name: 'www.invoicecloud.test', type: 'A' },
      { ...DEFAULT_QUERY_OPTIONS, recursionDesired: true },
      AbortSignal.timeout(5000),
    );
    assert.ok(out.ok, `${JSON.stringify(out)}\n${server.log().slice(-1500)}`);
    assert.equal(out.transport, 'doh');
    assert.equal(out.message.rcode, 'NOERROR');
    assert.deepEqual(
      out.message.answers.filter((r) => r.type === 'A').map((r) => r.data),
      ['127.0.0.1'],
    );
    // Without the CA, verification stays on: broken (could not ask), not a failed resolver.
    const untrusted = await dnsQuery(
      { ...doh, ca: undefined } as DnsServer,
      { name: 'www.invoicecloud.test', type: 'A' },
      DEFAULT_QUERY_OPTIONS,
      AbortSignal.timeout(5000),
    );
    assert.equal(!untrusted.ok && untrusted.status, 'broken');
  } finally {
    await server?.stop();
    ca.remove();
    await lab.stop();
  }
});
