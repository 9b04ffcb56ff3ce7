// Starts the DNS lab directly and runs a phase's dns tasks the way the runner does (signal aborted at timeoutMs).
import type { HarnessConfig } from '../../core/config/schema.ts';
import { loadConfig } from '../../core/config/load.ts';
import type { ResolvedEstate } from '../../core/estate.ts';
import type { LabManifest } from '../../lab/manifest.ts';
import { PHASES, type PhaseId } from '../../core/phases.ts';
import type { CheckTask } from '../../core/task.ts';
import type { ProbeResult } from '../../core/probe.ts';
import { ActiveFaults, parseFault } from '../../lab/faults.ts';
import { startDnsLab, type DnsLab, type DnsLabOptions } from '../../lab/dns/index.ts';
import { planDns } from '../../dns/plan.ts';

let configPromise: Promise<HarnessConfig> | undefined;
export const harnessConfig = () => (configPromise ??= loadConfig());

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

export async function runTask(task: CheckTask): Promise<ProbeResult> {
  return task.run(AbortSignal.timeout(task.timeoutMs));
}

export async function runAll(tasks: readonly CheckTask[]): Promise<Map<string, ProbeResult>> {
  const results = await Promise.all(tasks.map(async (t) => [t.id, await runTask(t)] as const));
  return new Map(results);
}

export function notPassed(results: Map<string, ProbeResult>): string[] {
  return [...results].filter(([, r]) => r.status !== 'passed').map(([id, r]) => `${id}: ${r.status}: ${r.message}`);
}
