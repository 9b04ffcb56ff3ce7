// One step of a window run end to end: open the estate source, plan, run, ledger, gate, summary.
// Pure orchestration: printing, exit codes and the choice of source belong to scripts/.
import { existsSync, rmSync } from 'node:fs';
import type { HarnessConfig } from './config/schema.ts';
import { decide } from './gate.ts';
import type { AnyKind } from './kind.ts';
import { RunLedger } from './ledger.ts';
import { assertInScope, assertOnly, outOfScopeOf, planStep, plannedChecks } from './plan.ts';
import { makeRedactor, redactValue, secretValues } from './redact.ts';
import type { CheckResult, Summary } from './result.ts';
import { summarize } from './summary.ts';
import { runTasks } from './runner.ts';
import type { ResolvedOperation } from './action.ts';
import { performAction, stateAfter } from './apply.ts';
import type { Baseline } from './baseline.ts';
import type { EstateSource } from './source.ts';
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
  /** Families the environment declares out of scope (environments.<env>.outOfScope): not planned, named in the summary. */
  outOfScope?: string[];
  /** Aborted on Ctrl-C: the summary is partial and inconclusive. */
  signal: AbortSignal;
  onPlan?: (tasks: readonly Task[]) => void;
  onResult?: (result: CheckResult) => void;
  /** Each check or batch as it starts (core/runner.ts). */
  onStart?: (check: { id: string; startedAt: number }) => void;
  /** The window's pre-maintenance run; identical failures are pre-existing (core/baseline.ts). */
  baseline?: Baseline;
  /** --apply: perform the verdict's operation on no-go, then re-check what it affected. */
  apply?: boolean;
  /** Lines about the action (--apply) for the console. */
  onApply?: (lines: string[]) => void;
}

/** The checks an operation affects, re-planned in the state it leaves (the maintenance page per host). */
function recheckStep(step: Step, op: ResolvedOperation): Step {
  return {
    ...step,
    after: stateAfter(step.after, op) as Step['after'],
    checks: [{ kind: 'maintenance', hosts: op.hosts, blocking: true }],
  };
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
  assertInScope(opts.source.env, opts.only, opts.outOfScope);
  const leftOut = outOfScopeOf({ step }, opts.kinds, opts.outOfScope);
  const existed = existsSync(opts.outDir);
  const ledger = new RunLedger(opts.outDir, redact);
  const open = await opts.source.open(step, opts.outDir).catch((err: unknown) => {
    // The run never started (an environment without addresses, a lab that could not start): no folder is left.
    ledger.release();
    if (!existed) rmSync(opts.outDir, { recursive: true, force: true });
    throw err;
  });
  try {
    const planOpts = {
      kinds: opts.kinds,
      policySeverity: config.policy.severity,
      ...(opts.only ? { only: opts.only } : {}),
      ...(opts.outOfScope?.length ? { outOfScope: opts.outOfScope } : {}),
    };
    const ctx = { step, config, estate: open.estate, runDir: opts.outDir, ...(opts.baseline ? { baselineRun: opts.baseline.run } : {}) };
    const tasks = planStep(ctx, planOpts);
    const planned = plannedChecks(tasks);
    ledger.writePlan({
      window: opts.window,
      phase: step.id,
      title: step.title,
      env: opts.source.env,
      startedAt,
      ...(opts.only ? { only: opts.only } : {}),
      ...(opts.windowFile ? { windowFile: opts.windowFile } : {}),
      ...(opts.baseline ? { baseline: opts.baseline.run } : {}),
      actions: step.actions,
      refine: step.refine,
      tolerate: step.tolerate,
      notify: step.notify,
      planned,
    });
    opts.onPlan?.(tasks);
    const runOpts = {
      concurrency: config.policy.concurrency,
      backoffMs: config.policy.retryBackoffMs,
      runDir: opts.outDir,
      signal: opts.signal,
    };
    const results = await runTasks(tasks, {
      ...runOpts,
      ...(opts.onStart ? { onStart: opts.onStart } : {}),
      onResult: (r) => {
        const safe = redactValue(r, redact);
        ledger.append(safe);
        opts.onResult?.(safe);
      },
    });
    const finishedAt = new Date().toISOString();
    const decision = decide({
      step,
      checks: results,
      planned,
      interrupted: opts.signal.aborted,
      finishedAt,
      ...(opts.baseline ? { baseline: opts.baseline } : {}),
    });
    let summary: Summary = redactValue<Summary>(
      summarize({ window: opts.window, phase: step.id, env: opts.source.env, startedAt, finishedAt }, decision, planned, {
        ...(opts.signal.aborted ? { interrupted: true } : {}),
        ...(opts.only ? { partial: { only: opts.only } } : {}),
        ...(leftOut.length ? { outOfScope: { env: opts.source.env, families: leftOut } } : {}),
        ...(opts.baseline ? { baseline: opts.baseline.run } : {}),
      }),
      redact,
    );
    // Written before anything is acted on: a crash during --apply keeps the verdict.
    ledger.writeSummary(summary);
    if (opts.apply && !opts.signal.aborted) {
      const outcome = await performAction(decision, opts.source.env, open.operator);
      opts.onApply?.(outcome.lines);
      if (outcome.record?.ok && decision.operation) {
        // Re-check what the operation affected, in the state it should have left.
        const again = recheckStep(step, decision.operation);
        const recheckTasks = opts.kinds.some((k) => k.id === 'maintenance')
          ? planStep(
              { step: again, config, estate: open.estate, runDir: opts.outDir },
              { kinds: opts.kinds, policySeverity: config.policy.severity },
            )
          : [];
        const recheckResults = await runTasks(recheckTasks, { ...runOpts, onResult: () => undefined });
        const recheck = decide({ step: again, checks: recheckResults, planned: plannedChecks(recheckTasks) });
        const resolved = outcome.ok && recheck.verdict === 'go' && decision.resolves === true;
        const lines = [
          `--apply: re-check of ${decision.operation.hosts.join(', ')}: ${recheck.verdict.toUpperCase()}${recheck.verdict === 'go' ? '' : ` — ${recheck.reasons.join('; ')}`}`,
        ];
        if (!outcome.ok || recheck.verdict !== 'go')
          lines.push('--apply: the action did not take effect: carry it out by hand and re-run this step');
        opts.onApply?.(lines);
        summary = redactValue<Summary>(
          {
            ...summary,
            applied: {
              ...outcome.record,
              recheck: { verdict: recheck.verdict, reasons: recheck.reasons, checks: recheck.checks },
              verdict: resolved ? 'go' : summary.verdict,
            },
          },
          redact,
        );
      } else if (outcome.record) {
        summary = redactValue<Summary>({ ...summary, applied: { ...outcome.record, verdict: summary.verdict } }, redact);
      }
      ledger.writeSummary(summary);
    }
    return summary;
  } finally {
    ledger.release();
    await open.close();
  }
}
