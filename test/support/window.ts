// The June window (windows/2025-06-22.ts) validated as the CLI loads it, and plans of its steps for tests.
import type { HarnessConfig } from '../../core/config/schema.ts';
import { planStep } from '../../core/plan.ts';
import type { Task } from '../../core/task.ts';
import { stepOf } from '../../core/window/load.ts';
import { windowSchema, type Step, type WindowDef } from '../../core/window/schema.ts';
import type { ResolvedEstate } from '../../estate/model.ts';
import { KINDS } from '../../kinds.ts';
import june from '../../windows/2025-06-22.ts';

export const JUNE: WindowDef = windowSchema(KINDS).parse(june);

export function juneStep(id: string): Step {
  return stepOf(JUNE, id);
}

export function planContext(config: HarnessConfig, estate: ResolvedEstate, id: string, runDir: string) {
  return { step: juneStep(id), config, estate, runDir };
}

/** The tasks of a June step, as `npm run smoke` plans them (optionally narrowed to families). */
export function planJune(config: HarnessConfig, estate: ResolvedEstate, id: string, runDir = '/tmp/harness-plan', only?: string[]): Task[] {
  return planStep(planContext(config, estate, id, runDir), {
    kinds: KINDS,
    policySeverity: config.policy.severity,
    ...(only ? { only } : {}),
  });
}
