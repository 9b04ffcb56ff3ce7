// Replays the gate on a stored run folder: plan.json + results.jsonl (summary.json only for its metadata).
import { UsageError } from './errors.ts';
import { readRun } from './ledger.ts';
import { decide, storedStep } from './gate.ts';
import { countStatuses, type Summary } from './result.ts';

export class RunFolderError extends UsageError {
  override readonly name = 'RunFolderError';
}

export function replayGate(dir: string): { summary: Summary; warnings: string[] } {
  const run = readRun(dir);
  const meta = run.plan ?? run.summary;
  if (!meta) throw new RunFolderError(`${dir} is not a run folder: it has neither plan.json nor summary.json`);
  const planned = run.plan?.planned ?? [];
  const interrupted = run.summary?.interrupted === true;
  const finishedAt = run.summary?.finishedAt ?? new Date().toISOString();
  const decision = decide({ step: storedStep(run.plan), checks: run.results, planned, interrupted, finishedAt });
  // A line that could not be read may have held any result: the run cannot be called go.
  decision.reasons.push(...run.warnings);
  const summary: Summary = {
    window: meta.window,
    phase: meta.phase,
    env: meta.env,
    startedAt: meta.startedAt,
    finishedAt,
    verdict: run.warnings.length && decision.verdict === 'go' ? 'inconclusive' : decision.verdict,
    action: decision.action,
    ...(decision.operation ? { operation: decision.operation } : {}),
    reasons: decision.reasons,
    counts: countStatuses(decision.checks),
    checks: decision.checks,
    planned: planned.map((p) => p.id),
    ...(decision.warnings.length ? { warnings: decision.warnings } : {}),
    ...(interrupted ? { interrupted } : {}),
  };
  return { summary, warnings: run.warnings };
}
