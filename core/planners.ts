// Every family's planner, and the phase plan they make together (narrowed by --only).
import type { Family } from './result.ts';
import type { Planner, PlanContext } from './plan-context.ts';
import type { Task } from './task.ts';
import { planSanity } from '../sanity/plan.ts';
import { planDns } from '../dns/plan.ts';
import { planK6 } from '../k6/plan.ts';
import { planE2e } from '../e2e/plan.ts';

export const PLANNERS: Record<Family, Planner> = { sanity: planSanity, dns: planDns, k6: planK6, e2e: planE2e };

export function planPhase(ctx: PlanContext, only?: readonly Family[]): Task[] {
  const families = (Object.keys(PLANNERS) as Family[]).filter((f) => !only || only.includes(f));
  const tasks = families.flatMap((f) => PLANNERS[f](ctx));
  const seen = new Set<string>();
  for (const t of tasks) {
    if (seen.has(t.id)) throw new Error(`plan for ${ctx.phase.id} has two checks with id ${t.id}`);
    seen.add(t.id);
  }
  return tasks;
}
