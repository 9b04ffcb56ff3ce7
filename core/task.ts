// What a plan hands the runner: single checks (one probe call → one result) and batches
// (an external tool such as k6 or Playwright run once → many results).
import type { CheckKind, CheckResult, Family, Severity, Target } from './result.ts';
import type { ProbeResult } from './probe.ts';

interface TaskBase {
  /** Stable across runs, e.g. "sanity:IC-Web3:www:/". */
  id: string;
  family: Family;
  title: string;
  target: Target;
  severity: Severity;
  /** Known at plan time: why this check cannot run (missing address, tool, secret …); `npm run plan` lists it. */
  gap?: string;
  /** The window marks it must-pass: a failure is never shown as pre-existing at baseline. */
  mustPass?: boolean;
}

export interface CheckTask extends TaskBase {
  type: 'check';
  kind: CheckKind;
  /** The runner aborts the signal at this deadline; the probe reports what it was waiting for. */
  timeoutMs: number;
  /** Extra attempts after a dns/tcp-layer failure, with exponential backoff. */
  retries: number;
  run: (signal: AbortSignal) => Promise<ProbeResult>;
}

export interface BatchContext {
  signal: AbortSignal;
  /** Folder of this run: batches write their tool's raw output here as evidence. */
  runDir: string;
  /** Report each result as soon as it is known so a killed run keeps it. */
  emit: (result: CheckResult) => void;
}

export interface BatchTask extends TaskBase {
  type: 'batch';
  kind: CheckKind;
  /** Hard limit for the whole batch; past it the batch's unreported checks are broken. */
  timeoutMs: number;
  /** The check ids this batch is expected to produce (missing ones count as broken). May be empty when unknown up front. */
  expected: string[];
  /** Runs the tool; every result must go through ctx.emit. Throwing marks the batch broken. */
  run: (ctx: BatchContext) => Promise<void>;
}

export type Task = CheckTask | BatchTask;

/** Where a planner needs to say "this check exists in the plan but cannot run yet" (tool missing, not built). */
export function brokenTask(base: TaskBase & { kind: CheckKind }, message: string): CheckTask {
  return {
    ...base,
    type: 'check',
    timeoutMs: 1_000,
    retries: 0,
    gap: message,
    run: async () => ({ status: 'broken', message, failure: { layer: 'harness', code: 'NOT_AVAILABLE', message } }),
  };
}
