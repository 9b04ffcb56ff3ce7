// Starts the DNS lab directly and runs a phase's dns tasks through the real runner (core/runner.ts runCheck).
import { createSocket } from 'node:dgram';
import { isIPv4 } from 'node:net';
import { isLoopback } from '../../dns/cidr.ts';
import type { HarnessConfig } from '../../core/config/schema.ts';
import { loadConfig } from '../../core/config/load.ts';
import type { ResolvedEstate } from '../../estate/model.ts';
import type { LabManifest } from '../../lab/manifest.ts';
import { juneStep } from '../support/window.ts';
import type { CheckTask } from '../../core/task.ts';
import type { CheckResult } from '../../core/result.ts';
import { runCheck } from '../../core/runner.ts';
import { ActiveFaults, parseFault } from '../../lab/faults.ts';
import { startDnsLab, type DnsLab, type DnsLabOptions } from '../../lab/dns/index.ts';
import { dnsKind } from '../../dns/plan.ts';
import { DnsConfig } from '../../dns/config.ts';

let repoPromise: Promise<HarnessConfig> | undefined;
/** The repo's config exactly as shipped: read its values as data only; never plan or run dns checks with it. */
export const repoConfig = () => (repoPromise ??= loadConfig());

let configPromise: Promise<HarnessConfig> | undefined;
/**
 * The repo's config for tests: a longer dns deadline (a busy CI box must not time them out) and config.dns with
 * no servers and no resolvers, so nothing planned from it can reach the production nameservers or public resolvers
 * whatever an operator writes in config/dns.ts. Tests that need config servers use loopbackDnsConfig().
 */
export const harnessConfig = () =>
  (configPromise ??= repoConfig().then((c) => ({
    ...c,
    dns: withoutServers(c.dns),
    policy: { ...c.policy, timeouts: { ...c.policy.timeouts, dnsMs: 5_000 } },
  })));

const withoutServers = (dns: DnsConfig): DnsConfig => ({
  ...dns,
  parent: { ...dns.parent, nameservers: [] },
  providers: { old: { ...dns.providers.old, nameservers: [] }, new: { ...dns.providers.new, nameservers: [] } },
  resolvers: [],
});

export interface TestLab {
  lab: DnsLab;
  faults: ActiveFaults;
  config: HarnessConfig;
  estate: ResolvedEstate;
}

export async function startTestLab(
  faultTexts: string[] = [],
  extra: Partial<DnsLabOptions> & { config?: HarnessConfig } = {},
): Promise<TestLab> {
  const config = extra.config ?? (await harnessConfig());
  const faults = new ActiveFaults(faultTexts.map(parseFault));
  const lab = await startDnsLab({ config, faults, domain: 'invoicecloud.test', gatewayAddress: '127.0.0.1', dir: '.tmp', ...extra });
  // Only what the dns planner reads: the domain and the lab manifest's dns section.
  const estate = { env: 'lab', domain: 'invoicecloud.test', lab: { dns: lab.manifest } as unknown as LabManifest } as ResolvedEstate;
  return { lab, faults, config, estate };
}

/** The dns checks a June step plans (its dns entries through dnsKind), against any estate; no other kind is planned. */
export function planDnsStep(config: HarnessConfig, estate: ResolvedEstate, step: string): CheckTask[] {
  const s = juneStep(step);
  return s.checks.flatMap((c) =>
    c.kind === 'dns'
      ? (dnsKind.plan({ step: s, config, estate, runDir: '.tmp' }, { checks: c.checks as never }, 'critical') as CheckTask[])
      : [],
  );
}

/** Where the step leaves the delegation (the lab starts there). */
export const providerAfter = (step: string): 'old' | 'new' => juneStep(step).after.dnsProvider;

export function dnsTasks(t: TestLab, phase: string, config = t.config): CheckTask[] {
  return planDnsStep(config, t.estate, phase);
}

/** One check through the real runner: deadline, retries of dns/tcp-layer failures, the CheckResult it writes. */
export async function runTask(task: CheckTask): Promise<CheckResult> {
  return runCheck(task, {
    concurrency: 16,
    backoffMs: 50,
    runDir: '.tmp',
    signal: new AbortController().signal,
    onResult: () => undefined,
  });
}

export async function runAll(tasks: readonly CheckTask[]): Promise<Map<string, CheckResult>> {
  const results = await Promise.all(tasks.map(async (t) => [t.id, await runTask(t)] as const));
  return new Map(results);
}

export function notPassed(results: Map<string, CheckResult>): string[] {
  return [...results].filter(([, r]) => r.status !== 'passed').map(([id, r]) => `${id}: ${r.status}: ${r.message}`);
}

/** A UDP socket on 127.0.0.1 that never answers and counts what it is sent: "no query left the harness" is `received() === 0`. */
export async function silentUdp(): Promise<{ port: number; received: () => number; stop: () => Promise<void> }> {
  const s = createSocket('udp4');
  let count = 0;
  s.on('message', () => void count++);
  await new Promise<void>((res) => s.bind(0, '127.0.0.1', () => res()));
  return { port: s.address().port, received: () => count, stop: () => new Promise<void>((res) => s.close(() => res())) };
}

/**
 * A test-only config.dns in which every server is `port` on 127.0.0.1 (never the repo's production values):
 * parent, both providers, resolvers and the DoH URL. `without` leaves those sections empty.
 */
export function loopbackDnsConfig(port: number, without: ('parent' | 'old' | 'new' | 'resolvers')[] = []): DnsConfig {
  const ns = (...names: string[]) => names.map((name) => ({ name, address: '127.0.0.1', port }));
  const dns = DnsConfig.parse({
    zone: 'invoicecloud.test',
    parent: { zone: 'test', nameservers: without.includes('parent') ? [] : ns('a.nic.test') },
    providers: {
      old: {
        name: 'GoDaddy (test)',
        nsPattern: '*.domaincontrol.test',
        nameservers: without.includes('old') ? [] : ns('ns45.domaincontrol.test'),
      },
      new: {
        name: 'Cloudflare (test)',
        nsPattern: '*.ns.cloudflare.test',
        nameservers: without.includes('new') ? [] : ns('ada.ns.cloudflare.test'),
        proxyRanges: ['127.64.0.0/16'],
      },
    },
    resolvers: without.includes('resolvers')
      ? []
      : [
          { name: 'test-resolver', protocol: 'udp', address: '127.0.0.1', port },
          { name: 'test-doh', protocol: 'doh', url: `http://127.0.0.1:${port}/dns-query` },
        ],
    records: [
      { name: 'www', type: 'A' },
      { name: 'my', type: 'A', proxied: true },
    ],
  });
  assertLoopbackOnly(dns);
  return dns;
}

/** Throws unless every server a config.dns names is on 127.0.0.0/8: the guard that keeps tests off real DNS. */
export function assertLoopbackOnly(dns: DnsConfig): void {
  const servers = [...dns.parent.nameservers, ...dns.providers.old.nameservers, ...dns.providers.new.nameservers];
  const addresses = [
    ...servers.map((s) => s.address ?? s.name),
    ...dns.resolvers.map((r) => (r.protocol === 'doh' ? new URL(r.url).hostname : r.address)),
  ];
  const outside = addresses.filter((a) => !isIPv4(a) || !isLoopback(a));
  if (outside.length) throw new Error(`test dns config names servers outside 127.0.0.0/8: ${outside.join(', ')}`);
}
