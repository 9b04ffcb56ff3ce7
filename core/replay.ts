// Replays the gate on a stored run folder: plan.json + results.jsonl (summary.json only for its metadata).
import { readRun } from './ledger.ts';
import { decide } from './gate.ts';
import { isPhaseId } from './phases.ts';
import { countStatuses, type Summary } from './result.ts';

export class RunFolderError extends Error {
  override readonly name = 'RunFolderError';
}

export function replayGate(dir: string): { summary: Summary; warnings: string[] } {
  const run = readRun(dir);
  const meta = run.plan ?? run.summary;
  if (!meta) throw new RunFolderError(`${dir} is not a run folder: it has neither plan.json nor summary.json`);
  if (!isPhaseId(meta.phase)) throw new RunFolderError(`${dir}: unknown phase "${meta.phase}" in the stored run`);
  const planned = run.plan?.planned ?? [];
  const interrupted = run.summary?.interrupted === true;
  const finishedAt = run.summary?.finishedAt ?? new Date().toISOString();
  const decision = decide({ phase: meta.phase, checks: run.results, planned, interrupted, finishedAt });
  // A line that could not be read may have held any result: the run cannot be called go.
  decision.reasons.push(...run.warnings);
  const summary: Summary = {
    window: meta.window, phase: meta.phase, env: meta.env, startedAt: meta.startedAt, finishedAt,
    verdict: run.warnings.length && decision.verdict === 'go' ? 'inconclusive' : decision.verdict,
    action: decision.action, reasons: decision.reasons, counts: countStatuses(decision.checks), checks: decision.checks,
    planned: planned.map((p) => p.id),
    ...(decision.warnings.length ? { warnings: decision.warnings } : {}),
    ...(interrupted ? { interrupted } : {}),
  };
  return { summary, warnings: run.warnings };
}
