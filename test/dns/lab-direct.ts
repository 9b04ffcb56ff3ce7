// The DNS lab and its check targets without the planner or runner: a check function called straight on the lab,
// for the DNSSEC, delegation, TTL and resolver cases of issue 12. Everything is on 127.0.0.0/8.
import type { HarnessConfig } from '../../core/config/schema.ts';
import { ActiveFaults, parseFault } from '../../lab/faults.ts';
import { startDnsLab, type DnsLab } from '../../lab/dns/index.ts';
import { DnsConfig } from '../../dns/config.ts';
import { dnsTargets, type DnsTargets } from '../../dns/targets.ts';
import type { ProbeResult } from '../../core/probe.ts';
import { dnsQuery, DEFAULT_QUERY_OPTIONS, type DnsServer } from '../../dns/query.ts';
import type { DnsRecord } from '../../dns/wire.ts';

export interface DirectLab {
  lab: DnsLab;
  faults: ActiveFaults;
  targets: DnsTargets;
  stop(): Promise<void>;
}

/** No production value reaches the lab: config.dns is the schema's defaults; the lab manifest gives every server. */
const labConfig = {
  estate: { hosts: ['www', 'www2', 'my', 'sso'].map((label) => ({ label })) },
  dns: DnsConfig.parse({}),
} as unknown as HarnessConfig;

export async function startDirectLab(faultTexts: string[] = [], provider: 'old' | 'new' = 'new'): Promise<DirectLab> {
  const faults = new ActiveFaults(faultTexts.map(parseFault));
  const lab = await startDnsLab({
    config: labConfig,
    faults,
    domain: 'invoicecloud.test',
    gatewayAddress: '127.0.0.1',
    dir: '.tmp',
    provider,
  });
  const targets = dnsTargets({
    config: labConfig,
    estate: { env: 'lab', domain: 'invoicecloud.test', lab: { dns: lab.manifest } },
  } as never);
  return { lab, faults, targets, stop: () => lab.stop() };
}

/** Runs one check with a deadline; the check never throws (a down target is data). */
export const within = <T>(run: (signal: AbortSignal) => Promise<T>, ms = 8_000): Promise<T> => run(AbortSignal.timeout(ms));

export const show = (r: ProbeResult) => `${r.status}: ${r.failure?.code ?? ''} ${r.message ?? ''}`;

/** The DS records the lab's parent (a.nic.test) publishes for the zone: the trust anchor a real validator is given. */
export async function labParentDs(lab: DirectLab): Promise<DnsRecord[]> {
  const parent: DnsServer = { name: 'a.nic.test', protocol: 'udp', address: '127.0.0.1', port: lab.lab.servers['a.nic.test']?.port ?? 0 };
  const ds = await dnsQuery(parent, { name: 'invoicecloud.test', type: 'DS' }, DEFAULT_QUERY_OPTIONS, AbortSignal.timeout(3000));
  if (!ds.ok) throw new Error(`the lab parent did not answer the DS query: ${ds.code} ${ds.reason}`);
  const answers = ds.message.answers.filter((r) => r.type === 'DS');
  if (!answers.length) throw new Error('the lab parent publishes no DS for invoicecloud.test');
  return answers;
}
