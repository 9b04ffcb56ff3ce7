// Starts the DNS lab directly and runs a phase's dns tasks through the real runner (core/runner.ts runCheck).
import type { HarnessConfig } from '../../core/config/schema.ts';
import { loadConfig } from '../../core/config/load.ts';
import type { ResolvedEstate } from '../../core/estate.ts';
import type { LabManifest } from '../../lab/manifest.ts';
import { PHASES, type PhaseId } from '../../core/phases.ts';
import type { CheckTask } from '../../core/task.ts';
import type { CheckResult } from '../../core/result.ts';
import { runCheck } from '../../core/runner.ts';
import { ActiveFaults, parseFault } from '../../lab/faults.ts';
import { startDnsLab, type DnsLab, type DnsLabOptions } from '../../lab/dns/index.ts';
import { planDns } from '../../dns/plan.ts';

let configPromise: Promise<HarnessConfig> | undefined;
/** The repo's config with a longer dns deadline: these tests are about behaviour; a busy CI box must not time them out. */
export const harnessConfig = () =>
  (configPromise ??= loadConfig().then((c) => ({ ...c, policy: { ...c.policy, timeouts: { ...c.policy.timeouts, dnsMs: 5_000 } } })));

export interface TestLab {
  lab: DnsLab;
  faults: ActiveFaults;
  config: HarnessConfig;
  estate: ResolvedEstate;
}

export async function startTestLab(faultTexts: string[] = [], extra: Partial<DnsLabOptions> & { config?: HarnessConfig } = {}): Promise<TestLab> {
  const config = extra.config ?? (await harnessConfig());
  const faults = new ActiveFaults(faultTexts.map(parseFault));
  const lab = await startDnsLab({ config, faults, domain: 'invoicecloud.test', gatewayAddress: '127.0.0.1', dir: '.tmp', ...extra });
  // Only what the dns planner reads: the domain and the lab manifest's dns section.
  const estate = { env: 'lab', domain: 'invoicecloud.test', lab: { dns: lab.manifest } as unknown as LabManifest } as ResolvedEstate;
  return { lab, faults, config, estate };
}

export function dnsTasks(t: TestLab, phase: PhaseId, config = t.config): CheckTask[] {
  return planDns({ phase: PHASES[phase], config, estate: t.estate, runDir: '.tmp' }) as CheckTask[];
}

/** One check through the real runner: deadline, retries of dns/tcp-layer failures, the CheckResult it writes. */
export async function runTask(task: CheckTask): Promise<CheckResult> {
  return runCheck(task, { concurrency: 16, backoffMs: 50, runDir: '.tmp', signal: new AbortController().signal, onResult: () => undefined });
}

export async function runAll(tasks: readonly CheckTask[]): Promise<Map<string, CheckResult>> {
  const results = await Promise.all(tasks.map(async (t) => [t.id, await runTask(t)] as const));
  return new Map(results);
}

export function notPassed(results: Map<string, CheckResult>): string[] {
  return [...results].filter(([, r]) => r.status !== 'passed').map(([id, r]) => `${id}: ${r.status}: ${r.message}`);
}
