// One phase run end to end: estate (lab started in-process, or a named environment), plan, runner,
// ledger, gate, summary. Pure orchestration: printing and exit codes belong to scripts/.
import { join } from 'node:path';
import type { HarnessConfig } from './config/schema.ts';
import { estateFromEnvironment, estateFromLab, type ResolvedEstate } from './estate.ts';
import { decide } from './gate.ts';
import { RunLedger, type PlannedCheck } from './ledger.ts';
import type { Phase } from './phases.ts';
import { planPhase } from './planners.ts';
import { makeRedactor, redactValue, secretValues } from './redact.ts';
import { countStatuses, type CheckResult, type Family, type Summary } from './result.ts';
import { runTasks } from './runner.ts';
import type { Task } from './task.ts';
import type { Fault } from '../lab/faults.ts';
import { startLab, type Lab } from '../lab/index.ts';

export interface RunPhaseOptions {
  config: HarnessConfig;
  configFile: string;
  phase: Phase;
  env: string;
  window: string;
  outDir: string;
  only?: Family[];
  faults?: Fault[];
  /** Aborted on Ctrl-C: the summary is partial and inconclusive. */
  signal: AbortSignal;
  onPlan?: (tasks: readonly Task[]) => void;
  onResult?: (result: CheckResult) => void;
  /** Called with the lab still running, after the verdict (used by --apply). */
  beforeStop?: (summary: Summary, lab: Lab | undefined) => Promise<void>;
  /** Test knob: how long web-slow makes a lab server wait. */
  labSlowMs?: number;
}

function secretsToHide(config: HarnessConfig): string[] {
  const named = [config.estate.tokens.passwordEnv, ...config.estate.slack.channels.map((c) => c.webhookEnv)];
  return secretValues(process.env, named);
}

export async function runPhase(opts: RunPhaseOptions): Promise<Summary> {
  const { config, phase } = opts;
  const startedAt = new Date().toISOString();
  const redact = makeRedactor(secretsToHide(config));
  const ledger = new RunLedger(opts.outDir, redact);
  let lab: Lab | undefined;
  let estate: ResolvedEstate;
  if (opts.env === 'lab') {
    // The lab starts where the runbook's step starts and then performs it, so faults that interfere with the
    // step (maintenance-stuck, maintenance-missing, pool-missing) act as they would in the window.
    lab = await startLab({ config, faults: opts.faults ?? [], state: phase.before ?? phase.state, dir: join(opts.outDir, 'lab'), ...(opts.labSlowMs ? { slowMs: opts.labSlowMs } : {}) });
    await lab.control.applyState(phase.state);
    await lab.control.settle();
    estate = estateFromLab(config, lab.manifest);
  } else {
    estate = estateFromEnvironment(config, opts.env, opts.configFile);
  }
  try {
    const tasks = planPhase({ phase, config, estate, runDir: opts.outDir }, opts.only);
    const planned: PlannedCheck[] = tasks.flatMap((t) =>
      t.type === 'batch' && t.expected.length
        ? t.expected.map((id) => ({ id, kind: t.kind, title: id, severity: t.severity, target: t.target }))
        : [{ id: t.id, kind: t.kind, title: t.title, severity: t.severity, target: t.target, ...(t.type === 'batch' ? { prefix: true } : {}) }],
    );
    ledger.writePlan({ window: opts.window, phase: phase.id, env: opts.env, startedAt, ...(opts.only ? { only: opts.only } : {}), planned });
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
    const decision = decide({ phase: phase.id, checks: results, planned, interrupted: opts.signal.aborted, finishedAt });
    const summary: Summary = redactValue<Summary>({
      window: opts.window, phase: phase.id, env: opts.env, startedAt, finishedAt,
      verdict: decision.verdict, action: decision.action, reasons: decision.reasons,
      counts: countStatuses(decision.checks), checks: decision.checks,
      planned: planned.map((p) => p.id),
      ...(decision.warnings.length ? { warnings: decision.warnings } : {}),
      ...(opts.signal.aborted ? { interrupted: true } : {}),
    }, redact);
    ledger.writeSummary(summary);
    await opts.beforeStop?.(summary, lab);
    return summary;
  } finally {
    await lab?.stop();
  }
}
