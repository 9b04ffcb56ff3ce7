// One step of a window run end to end: open the estate source, plan, run, ledger, gate, summary.
// Pure orchestration: printing, exit codes and the choice of source belong to scripts/.
import type { HarnessConfig } from './config/schema.ts';
import { decide } from './gate.ts';
import type { AnyKind } from './kind.ts';
import { RunLedger } from './ledger.ts';
import { assertOnly, planStep, plannedChecks } from './plan.ts';
import { makeRedactor, redactValue, secretValues } from './redact.ts';
import { countStatuses, type CheckResult, type Summary } from './result.ts';
import { runTasks } from './runner.ts';
import type { EstateSource, OpenEstate } from './source.ts';
import type { Task } from './task.ts';
import type { Step } from './window/schema.ts';

export interface RunStepOptions {
  config: HarnessConfig;
  kinds: readonly AnyKind[];
  source: EstateSource;
  step: Step;
  window: string;
  windowFile?: string;
  outDir: string;
  only?: string[];
  /** Aborted on Ctrl-C: the summary is partial and inconclusive. */
  signal: AbortSignal;
  onPlan?: (tasks: readonly Task[]) => void;
  onResult?: (result: CheckResult) => void;
  /** Called with the estate still open, after the verdict (used by --apply). */
  beforeClose?: (summary: Summary, open: OpenEstate) => Promise<void>;
}

export function secretsToHide(config: HarnessConfig): string[] {
  const named = [config.estate.tokens.passwordEnv, ...config.estate.slack.channels.map((c) => c.webhookEnv)];
  return secretValues(process.env, named);
}

export async function runStep(opts: RunStepOptions): Promise<Summary> {
  const { config, step } = opts;
  const startedAt = new Date().toISOString();
  const redact = makeRedactor(secretsToHide(config));
  assertOnly({ step }, opts.kinds, opts.only);
  const ledger = new RunLedger(opts.outDir, redact);
  const open = await opts.source.open(step, opts.outDir);
  try {
    const tasks = planStep(
      { step, config, estate: open.estate, runDir: opts.outDir },
      { kinds: opts.kinds, policySeverity: config.policy.severity, ...(opts.only ? { only: opts.only } : {}) },
    );
    const planned = plannedChecks(tasks);
    ledger.writePlan({
      window: opts.window,
      phase: step.id,
      env: opts.source.env,
      startedAt,
      ...(opts.only ? { only: opts.only } : {}),
      ...(opts.windowFile ? { windowFile: opts.windowFile } : {}),
      actions: step.actions,
      refine: step.refine,
      planned,
    });
    opts.onPlan?.(tasks);
    const results = await runTasks(tasks, {
      concurrency: config.policy.concurrency,
      backoffMs: config.policy.retryBackoffMs,
      runDir: opts.outDir,
      signal: opts.signal,
      onResult: (r) => {
        const safe = redactValue(r, redact);
        ledger.append(safe);
        opts.onResult?.(safe);
      },
    });
    const finishedAt = new Date().toISOString();
    const decision = decide({ step, checks: results, planned, interrupted: opts.signal.aborted, finishedAt });
    const summary: Summary = redactValue<Summary>(
      {
        window: opts.window,
        phase: step.id,
        env: opts.source.env,
        startedAt,
        finishedAt,
        verdict: decision.verdict,
        action: decision.action,
        ...(decision.operation ? { operation: decision.operation } : {}),
        reasons: decision.reasons,
        counts: countStatuses(decision.checks),
        checks: decision.checks,
        planned: planned.map((p) => p.id),
        ...(decision.warnings.length ? { warnings: decision.warnings } : {}),
        ...(opts.signal.aborted ? { interrupted: true } : {}),
      },
      redact,
    );
    ledger.writeSummary(summary);
    await opts.beforeClose?.(summary, open);
    return summary;
  } finally {
    await open.close();
  }
}
