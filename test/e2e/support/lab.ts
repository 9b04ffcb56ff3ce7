// Test support: the real lab and the harness config, a plan context for a phase, and running the e2e
// batch the planner makes (collecting what it emits) — the same path `npm run smoke` takes.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../../core/config/load.ts';
import type { HarnessConfig } from '../../../core/config/schema.ts';
import { estateFromLab } from '../../../estate/model.ts';
import type { PlanContext } from '../../../core/kind.ts';
import type { ResolvedEstate } from '../../../estate/model.ts';
import { juneStep } from '../../support/window.ts';
import type { CheckResult } from '../../../core/result.ts';
import type { BatchTask } from '../../../core/task.ts';
import { startLab, type Lab } from '../../../lab/index.ts';

export const ROOT = join(import.meta.dirname, '../../..');

export function tmpDir(prefix: string): string {
  const base = join(ROOT, '.tmp');
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, prefix));
}

export async function labFor(phase = 'post-window'): Promise<{ config: HarnessConfig; lab: Lab }> {
  const config = await loadConfig(join(ROOT, 'harness.config.ts'));
  const lab = await startLab({ config, state: juneStep(phase).after, dir: tmpDir('e2e-lab-') });
  return { config, lab };
}

export function planContext(config: HarnessConfig, lab: Lab, phase: string, runDir: string): PlanContext<HarnessConfig, ResolvedEstate> {
  return { step: juneStep(phase), config, estate: estateFromLab(config, lab.manifest), runDir };
}

export async function runBatch(task: BatchTask, runDir: string): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  await task.run({ signal: AbortSignal.timeout(task.timeoutMs), runDir, emit: (r) => results.push(r) });
  return results;
}
