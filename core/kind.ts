// A check kind: one module per kind (id, parameter schema, default severity, planner), registered in one list
// (kinds.ts). Core plans and runs any kind through this contract, so a new kind never edits core/.
import type { z } from 'zod';
import type { Severity } from './result.ts';
import type { Task } from './task.ts';
import type { Step } from './window/schema.ts';

/** What a kind's planner receives: the step being run, the validated config, the resolved estate, the run folder. */
export interface PlanContext<Config = unknown, Estate = unknown> {
  step: Step;
  config: Config;
  estate: Estate;
  /** Folder of this run (batches write raw tool output there). */
  runDir: string;
  /** The window's baseline run folder (its pre-maintenance run), when there is one (core/baseline.ts). */
  baselineRun?: string;
}

export interface CheckKind<Id extends string = string, P extends z.ZodObject = z.ZodObject, Config = never, Estate = never> {
  id: Id;
  /** The group `--only=` selects (sanity, dns, k6, e2e). */
  family: string;
  /** One line for `npm run plan` and the docs. */
  summary: string;
  /** The check's parameters in a window file; strict, defaults in the schema. */
  params: P;
  /** Used when neither the window (blocking) nor policy.severity says otherwise. */
  severity: Severity;
  /** One or more tasks; every task's results carry `severity`. A gap is a broken task (brokenTask) naming it. */
  plan: (ctx: PlanContext<Config, Estate>, params: z.output<P>, severity: Severity) => Task[];
}

/** Typed identity: infers the parameter type for the planner from the schema. */
export function defineKind<Id extends string, P extends z.ZodObject, Config, Estate>(
  kind: CheckKind<Id, P, Config, Estate>,
): CheckKind<Id, P, Config, Estate> {
  return kind;
}

// Kinds are stored in one heterogeneous list; core sees each through this erased view.
// biome-ignore lint/suspicious/noExplicitAny: each kind's planner is typed for its own config and estate; the list erases them
export type AnyKind = CheckKind<string, z.ZodObject, any, any>;

export function familiesOf(kinds: readonly AnyKind[]): string[] {
  return [...new Set(kinds.map((k) => k.family))];
}
