// What every family's planner receives: the phase, the validated config and the resolved estate.
import type { HarnessConfig } from './config/schema.ts';
import type { ResolvedEstate } from './estate.ts';
import type { Phase } from './phases.ts';
import type { Task } from './task.ts';

export interface PlanContext {
  phase: Phase;
  config: HarnessConfig;
  estate: ResolvedEstate;
  /** Folder of this run (batches write raw tool output there). */
  runDir: string;
}

export type Planner = (ctx: PlanContext) => Task[];
