// The planner: check ids per phase, targets from config outside the lab (never inside it), broken (not silent) when
// config is incomplete. Every server a test plans against is on 127.0.0.1; config/dns.ts values are asserted as data only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ResolvedEstate } from '../../estate/model.ts';
import type { CheckTask } from '../../core/task.ts';
import { DnsConfig } from '../../dns/config.ts';
import type { LabDnsManifest } from '../../dns/targets.ts';
import type { LabManifest } from '../../lab/manifest.ts';
import {
  assertLoopbackOnly,
  harnessConfig,
  loopbackDnsConfig,
  notPassed,
  planDnsStep,
  repoConfig,
  runAll,
  runTask,
  silentUdp,
  startTestLab,
} from './helpers.ts';

const staging = { env: 'staging', domain: 'invoicecloud.test' } as ResolvedEstate;

test('production config values are data here: tests plan with loopback-only configs, never with config/dns.ts servers', async () => {
  const shipped = (await repoConfig()).dns;
  assert.ok(
    shipped.resolvers.some((r) => r.protocol === 'udp' && r.address === '1.1.1.1'),
    'config lists 1.1.1.1 as a resolver',
  );
  assert.equal(shipped.providers.new.proxyRanges.length, 22);
  assert.throws(
    () => assertLoopbackOnly(shipped),
    /outside 127\.0\.0\.0\/8: 192\.5\.6\.30, 192\.33\.14\.30, 1\.1\.1\.1, 8\.8\.8\.8, 9\.9\.9\.9, cloudflare-dns\.com/,
  );
  const forTests = (await harnessConfig()).dns;
  assert.deepEqual(
    [forTests.parent.nameservers, forTests.providers.old.nameservers, forTests.providers.new.nameservers, forTests.resolvers],
    [[], [], [], []],
  );
  assert.equal(forTests.mail.spfInclude, shipped.mail.spfInclude, 'mail, TTL and transport settings are kept');
});

test('config without provider nameservers: the checks that need them are broken naming the config key, and nothing is asked', async () => {
  const udp = await silentUdp();
  try {
    const config = { ...(await harnessConfig()), dns: loopbackDnsConfig(udp.port, ['old', 'new']) };
    const tasks = planDnsStep(config, staging, 'dns-migration') as CheckTask[];
    assert.deepEqual(
      tasks.map((t) => t.id),
      ['dns:delegation', 'dns:parity', 'dns:resolvers', 'dns:mail', 'dns:dnssec'],
    );
    const results = await runAll(tasks);
    assert.deepEqual(
      [...results.values()].map((r) => r.status),
      ['broken', 'broken', 'broken', 'broken', 'broken'],
    );
    assert.match(
      results.get('dns:parity')?.message ?? '',
      // The operator's values go in the untracked overlay, never the tracked config/dns.ts.
      /config\.dns lists no nameservers for the new provider \(dns.providers.new.nameservers\); set it in harness\.local\.ts, the overlay/,
    );
    assert.equal(udp.received(), 0, 'no query was sent');
  } finally {
    await udp.stop();
  }
});

// Each estate is a lab run whose DNS lab is missing; config.dns names a server that counts what it is sent.
const labsWithoutDns: [string, ResolvedEstate, RegExp][] = [
  ['no lab manifest', { env: 'lab', domain: 'invoicecloud.test' } as ResolvedEstate, /the lab manifest has no dns section/],
  [
    'a lab manifest without a dns section',
    { env: 'lab', domain: 'invoicecloud.test', lab: {} as LabManifest } as ResolvedEstate,
    /the lab manifest has no dns section/,
  ],
  [
    'a dns section that says built: false',
    { env: 'lab', domain: 'invoicecloud.test', lab: { dns: { built: false } } as unknown as LabManifest } as ResolvedEstate,
    /the lab manifest's dns section says built: false/,
  ],
];
for (const [name, estate, reason] of labsWithoutDns) {
  test(`a lab run with ${name}: one broken dns:config check, never the servers of config.dns`, async () => {
    const udp = await silentUdp();
    try {
      const config = { ...(await harnessConfig()), dns: loopbackDnsConfig(udp.port) };
      for (const phase of ['pre-maintenance', 'dns-migration', 'post-window'] as const) {
        const tasks = planDnsStep(config, estate, phase) as CheckTask[];
        assert.deepEqual(
          tasks.map((t) => t.id),
          ['dns:config'],
          phase,
        );
        const r = await runTask(tasks[0]!);
        assert.equal(r.status, 'broken');
        assert.match(r.message ?? '', /^the dns checks cannot be planned: this is a lab run but /);
        assert.match(r.message ?? '', reason);
        assert.match(
          r.message ?? '',
          /a lab run never falls back to config\.dns \(production nameservers and public resolvers\): start the DNS lab/,
        );
      }
      assert.equal(udp.received(), 0, 'no query was sent to the config.dns servers');
      // The same config outside the lab does ask that server: the count above would have seen a fallback.
      const delegation = (planDnsStep(config, staging, 'dns-migration') as CheckTask[]).find((t) => t.id === 'dns:delegation');
      const r = await delegation!.run(AbortSignal.timeout(300));
      assert.equal(r.status, 'failed');
      assert.ok(udp.received() > 0, 'staging asks config.dns');
    } finally {
      await udp.stop();
    }
  });
}

test('phases plan the checks of the catalogue, with kind, severity, timeout and targets', async () => {
  const lab = await startTestLab([], { provider: 'new' });
  try {
    const plan = (phase: 'pre-maintenance' | 'dns-migration' | 'post-window' | 'web1-5') =>
      planDnsStep(lab.config, lab.estate, phase) as CheckTask[];
    assert.deepEqual(plan('web1-5'), []);
    const migration = plan('dns-migration');
    const ids = migration.map((t) => t.id);
    for (const id of [
      'dns:delegation',
      'dns:parity:www.invoicecloud.test:A',
      'dns:parity:invoicecloud.test:CNAME',
      'dns:resolver:lab-resolver-1',
      'dns:resolver:lab-doh',
      'dns:mail:mx',
      'dns:mail:spf',
      'dns:mail:dkim:k1',
      'dns:mail:dmarc',
      'dns:dnssec',
    ])
      assert.ok(ids.includes(id), id);
    assert.ok(!ids.some((id) => id.startsWith('dns:ttl:')));
    assert.ok(!ids.includes('dns:parity:_dmarc.invoicecloud.test:TXT'), 'mail records are the mail checks');
    const www = migration.find((t) => t.id === 'dns:parity:www.invoicecloud.test:A');
    assert.deepEqual([www?.kind, www?.family, www?.severity, www?.timeoutMs], ['dns', 'dns', 'critical', lab.config.policy.timeouts.dnsMs]);
    assert.equal(www?.target.record, 'www.invoicecloud.test A');
    assert.match(www?.target.nameserver ?? '', /ns45.domaincontrol.test.*ada.ns.cloudflare.test/);
    assert.equal(migration.find((t) => t.id === 'dns:resolver:lab-resolver-2')?.target.resolver, 'lab-resolver-2');
    const pre = plan('pre-maintenance').map((t) => t.id);
    assert.ok(pre.includes('dns:ttl:www.invoicecloud.test:A') && pre.includes('dns:ttl:_dmarc.invoicecloud.test:TXT'));
    assert.ok(!pre.some((id) => id.startsWith('dns:resolver:') || id === 'dns:dnssec'));
    assert.equal(new Set(plan('post-window').map((t) => t.id)).size, plan('post-window').length);
  } finally {
    await lab.lab.stop();
  }
});

test('another environment from config.dns alone (servers given by address) runs the same checks', async () => {
  const lab = await startTestLab([], { provider: 'new' });
  try {
    const m = lab.lab.manifest as LabDnsManifest;
    const ns = (list: { name: string; address: string; port: number }[]) =>
      list.map((s) => ({ name: s.name, address: s.address, port: s.port }));
    const dns = DnsConfig.parse({
      zone: 'invoicecloud.test',
      zoneFile: m.zoneFile,
      parent: { zone: 'test', nameservers: ns(m.parent.nameservers) },
      providers: {
        old: { name: 'GoDaddy (staging)', nsPattern: '*.domaincontrol.test', nameservers: ns(m.providers.old.nameservers) },
        new: {
          name: 'Cloudflare (staging)',
          nsPattern: '*.ns.cloudflare.test',
          nameservers: ns(m.providers.new.nameservers),
          proxyRanges: ['127.64.0.0/16'],
        },
      },
      resolvers: m.resolvers,
    });
    assertLoopbackOnly(dns);
    const config = { ...lab.config, dns };
    const tasks = planDnsStep(config, staging, 'dns-migration') as CheckTask[];
    assert.ok(tasks.length >= 20);
    assert.deepEqual(notPassed(await runAll(tasks)), []);
  } finally {
    await lab.lab.stop();
  }
});

test('a bad zone file makes one broken check naming the file, the line and the problem', async () => {
  const { mkdirSync, writeFileSync } = await import('node:fs');
  mkdirSync('.tmp', { recursive: true });
  const file = '.tmp/bad-export.zone';
  writeFileSync(file, '$ORIGIN invoicecloud.test.\n@ 600 IN A 203.0.113.10\nwww 600 IN A 203.0.113.300\n');
  const udp = await silentUdp();
  try {
    const config = await harnessConfig();
    const tasks = planDnsStep(
      { ...config, dns: { ...loopbackDnsConfig(udp.port), zoneFile: file } },
      staging,
      'pre-maintenance',
    ) as CheckTask[];
    assert.deepEqual(
      tasks.map((t) => t.id),
      ['dns:config'],
    );
    const r = await tasks[0]!.run(AbortSignal.timeout(1000));
    assert.equal(r.status, 'broken');
    assert.match(
      r.message ?? '',
      /the dns checks cannot be planned: \.tmp\/bad-export\.zone:3: A record value "203\.0\.113\.300" is not an IPv4 address/,
    );
    assert.equal(udp.received(), 0);
  } finally {
    await udp.stop();
  }
});

test('config errors name the path and the fix', () => {
  const bad = DnsConfig.safeParse({
    resolvers: [{ name: 'doh', protocol: 'doh', url: 'http://dns.example.com/dns-query' }],
    providers: { new: { name: 'Cloudflare', proxyRanges: ['104.16.0.0/33'] } },
  });
  assert.equal(bad.success, false);
  const messages = bad.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
  assert.ok(
    messages.some((m) => m.startsWith('resolvers.0.url: DoH URLs must be https://')),
    messages.join('\n'),
  );
  assert.ok(
    messages.some((m) => m.startsWith('providers.new.proxyRanges.0: an address range in CIDR form')),
    messages.join('\n'),
  );
});
