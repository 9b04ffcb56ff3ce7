// Replays the gate on a stored run folder: plan.json + results.jsonl, the same rules as the run itself
// (core/gate.ts). summary.json only supplies metadata; a corrupt one is rebuilt. A run still writing its folder,
// or killed before its summary, is never go.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from './errors.ts';
import { decide, storedStep } from './gate.ts';
import { type PlannedCheck, readRun, runInProgress } from './ledger.ts';
import { Summary } from './result.ts';
import { summarize } from './summary.ts';

export class RunFolderError extends UsageError {
  override readonly name = 'RunFolderError';
}

/** Without plan.json, summary.planned still names what was expected: each missing id counts as a critical check. */
function plannedFromSummary(s: Summary | undefined): PlannedCheck[] {
  return (s?.planned ?? []).map((id) => {
    const c = s?.checks.find((x) => x.id === id);
    return c
      ? { id, kind: c.kind, title: c.title, severity: c.severity, target: c.target }
      : { id, kind: 'unknown', title: id, severity: 'critical', target: {} };
  });
}

function baselineOf(run: string | undefined): { run: string; checks: Summary['checks'] } | undefined {
  if (!run || !existsSync(join(run, 'summary.json'))) return undefined;
  const parsed = Summary.safeParse(JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8')));
  return parsed.success ? { run, checks: parsed.data.checks } : undefined;
}

export function replayGate(dir: string): { summary: Summary; warnings: string[] } {
  const run = readRun(dir);
  const meta = run.plan ?? run.summary;
  if (!meta) throw new RunFolderError(`${dir} is not a run folder: it has neither plan.json nor summary.json`);
  const planned = run.plan?.planned ?? plannedFromSummary(run.summary);
  const interrupted = run.summary?.interrupted === true;
  const lock = runInProgress(dir);
  const unfinished = lock?.alive ? 'running' : lock || (!run.summary && !run.summaryCorrupt) ? 'killed' : undefined;
  const finishedAt = run.summary?.finishedAt ?? new Date().toISOString();
  const baseline = baselineOf(run.plan?.baseline);
  const decision = decide({
    step: storedStep(run.plan),
    checks: run.results,
    planned,
    interrupted,
    finishedAt,
    ...(unfinished ? { unfinished } : {}),
    ...(baseline ? { baseline } : {}),
  });
  // A line that could not be read may have held any result: the run cannot be called go.
  const unreadable = run.warnings.filter((w) => !w.includes('summary.json'));
  decision.reasons.push(...run.warnings);
  const only = run.plan?.only ?? run.summary?.partial?.only;
  const verdict = unreadable.length && decision.verdict === 'go' ? 'inconclusive' : decision.verdict;
  const { window, phase, env, startedAt } = meta;
  const summary: Summary = summarize({ window, phase, env, startedAt, finishedAt }, { ...decision, verdict }, planned, {
    ...(interrupted ? { interrupted } : {}),
    ...(only ? { partial: { only } } : {}),
    ...(baseline ? { baseline: baseline.run } : {}),
    // What --apply did stands only on the verdict it acted on: a replay that decides differently drops it.
    ...(run.summary?.applied && run.summary.verdict === decision.verdict ? { applied: run.summary.applied } : {}),
  });
  return { summary, warnings: run.warnings };
}
