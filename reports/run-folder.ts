// Reads a run folder (plan.json, results.jsonl, summary.json) into the one view every reporter renders.
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { z } from 'zod';
import { type CheckResult, Summary, countStatuses } from '../core/result.ts';
import { RunPlan as PlanFile, parseResultsJsonl, runInProgress } from '../core/ledger.ts';
import type { Verdict } from '../core/result.ts';
import { decide, storedStep } from '../core/gate.ts';
import type { Counts } from '../core/result.ts';
import { formatIssues } from '../core/config/load.ts';
import { HarnessError } from '../core/errors.ts';
import type { Notice } from '../core/window/schema.ts';

/** A run folder could not be read; `exitCode` follows sysexits (66 no input, 65 bad data). */
export class RunFolderError extends HarnessError {
  override readonly name = 'RunFolderError';
  constructor(
    message: string,
    override readonly exitCode: 65 | 66,
  ) {
    super(message, exitCode);
  }
}

export interface RunView {
  dir: string;
  /** The step's title from plan.json, for people. */
  title?: string;
  /** The step's Slack routing from plan.json (the window file's `notify`); absent for runs written before it. */
  notify?: Notice[];
  window: string;
  phase: string;
  env: string;
  startedAt: string;
  finishedAt: string | null;
  /** Copied from summary.json; `inconclusive` when the run has no summary (reporters never decide it). */
  verdict: Verdict;
  action: string | null;
  reasons: string[];
  /** Non-critical findings the gate listed (summary.json `warnings`). */
  findings: string[];
  counts: Counts;
  /** Every check to show, including a broken one per planned check that has no result. */
  checks: CheckResult[];
  /** Ids of the checks above that are broken stand-ins for a planned check without result. */
  missing: string[];
  /** True when summary.json is absent (killed or still running) or says the run was interrupted. */
  partial: boolean;
  /** The run checked only these families (--only): it never satisfies a later step. */
  only?: string[];
  /** The baseline run (the window's pre-maintenance) the gate compared failures with. */
  baseline?: string;
  /** What --apply did and the verdict after it (summary.json `applied`). */
  applied?: NonNullable<Summary['applied']>;
  hasSummary: boolean;
  /** Things a reader should know about the input (unreadable lines …), with file:line. */
  warnings: string[];
}

export interface ReadOptions {
  /** Applied to every file's text before parsing, so nothing derived from the run can carry a secret. */
  redact?: (text: string) => string;
}

async function readOptional(path: string, redact: (t: string) => string): Promise<string | null> {
  try {
    return redact(await readFile(path, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new RunFolderError(`cannot read ${path}: ${(err as Error).message}`, 66);
  }
}

function parseJsonFile<T>(path: string, text: string, schema: z.ZodType<T>): T {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new RunFolderError(
      `${path} is not valid JSON (${(err as Error).message}); restore it, or delete it to report the results as a partial run`,
      65,
    );
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new RunFolderError(
      `${path} does not match the run folder contract (docs/contracts.md):\n${formatIssues(parsed.error.issues)
        .map((p) => `  - ${p}`)
        .join('\n')}`,
      65,
    );
  }
  return parsed.data;
}

/** When the last check ended: the time synthesized "missing" results carry. */
function lastEnd(results: readonly CheckResult[], fallback: string): string {
  const ends = results.map((r) => Date.parse(r.startedAt) + r.durationMs).filter(Number.isFinite);
  return ends.length ? new Date(Math.max(...ends)).toISOString() : fallback;
}

/** The gate put a broken stand-in into summary.checks for each planned check that never reported. */
function standIns(summary: Summary, results: readonly CheckResult[] | null): string[] {
  if (results === null) return [];
  const reported = new Set(results.map((r) => r.id));
  return summary.checks.filter((c) => c.status === 'broken' && c.attempts === 0 && !reported.has(c.id)).map((c) => c.id);
}

function fromSummary(dir: string, summary: Summary, results: readonly CheckResult[] | null, warnings: string[]): RunView {
  return {
    dir,
    window: summary.window,
    phase: summary.phase,
    env: summary.env,
    startedAt: summary.startedAt,
    finishedAt: summary.finishedAt,
    verdict: summary.verdict,
    action: summary.action,
    reasons: summary.reasons,
    findings: summary.warnings ?? [],
    counts: summary.counts,
    checks: summary.checks,
    missing: standIns(summary, results),
    partial: summary.interrupted === true,
    ...(summary.partial ? { only: summary.partial.only } : {}),
    ...(summary.baseline ? { baseline: summary.baseline } : {}),
    ...(summary.applied ? { applied: summary.applied } : {}),
    hasSummary: true,
    warnings,
  };
}

/** The verdict that stands: after --apply when the run carried its action out, else the gate's. */
export const finalVerdict = (run: Pick<RunView, 'verdict' | 'applied'>): Verdict => run.applied?.verdict ?? run.verdict;

/** The baseline run's checks as the gate reads them (core/replay.ts): absent or unreadable → no baseline. */
async function readBaseline(
  dir: string | undefined,
  redact: (t: string) => string,
  warnings: string[],
): Promise<{ run: string; checks: CheckResult[] } | undefined> {
  if (!dir) return undefined;
  const file = join(dir, 'summary.json');
  const text = await readOptional(file, redact).catch((err: Error) => {
    warnings.push(`baseline ${file} cannot be read (${err.message}): failures are not compared with it`);
    return null;
  });
  if (text === null) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    warnings.push(`baseline ${file} is not valid JSON (${(err as Error).message}): failures are not compared with it`);
    return undefined;
  }
  const parsed = Summary.safeParse(raw);
  if (!parsed.success) warnings.push(`baseline ${file} breaks the summary contract: failures are not compared with it`);
  return parsed.success ? { run: dir, checks: parsed.data.checks } : undefined;
}

/** No summary: the results so far, missing planned checks as the gate would show them, verdict inconclusive. */
function partialRun(
  dir: string,
  plan: PlanFile | null,
  results: CheckResult[],
  warnings: string[],
  baseline?: { run: string; checks: CheckResult[] },
): RunView {
  const note = `the run has no summary.json (killed or still running): partial run, ${results.length}${plan ? ` of ${plan.planned.length} planned` : ''} checks have results`;
  const base = {
    dir,
    window: plan?.window ?? 'unknown',
    phase: plan?.phase ?? 'unknown',
    env: plan?.env ?? 'unknown',
    startedAt: plan?.startedAt ?? results[0]?.startedAt ?? 'unknown',
    finishedAt: null,
    partial: true,
    ...(plan?.only ? { only: plan.only } : {}),
    ...(plan?.baseline ? { baseline: plan.baseline } : {}),
    hasSummary: false,
    warnings,
  };
  if (!plan) {
    return {
      ...base,
      verdict: 'inconclusive',
      action: null,
      reasons: [`${note}; without plan.json the verdict is inconclusive`],
      findings: [],
      counts: countStatuses(results),
      checks: results,
      missing: [],
    };
  }
  // The same gate `npm run gate` replays: missing planned checks are broken, so the verdict is inconclusive
  // unless a critical check had already failed (then no-go, which the partial results already prove).
  // No summary: the run was killed or is still running, so the same gate as `npm run gate` never calls it go.
  const decision = decide({
    step: storedStep(plan),
    checks: results,
    planned: plan.planned,
    finishedAt: lastEnd(results, plan.startedAt),
    unfinished: runInProgress(dir)?.alive ? 'running' : 'killed',
    ...(baseline ? { baseline } : {}),
  });
  const have = new Set(results.map((r) => r.id));
  return {
    ...base,
    verdict: decision.verdict,
    action: decision.action,
    reasons: [note, ...decision.reasons],
    findings: decision.warnings,
    counts: countStatuses(decision.checks),
    checks: decision.checks,
    missing: decision.checks.filter((c) => !have.has(c.id)).map((c) => c.id),
  };
}

export async function readRunFolder(runDir: string, opts: ReadOptions = {}): Promise<RunView> {
  const dir = resolve(runDir);
  const redact = opts.redact ?? ((t: string) => t);
  const info = await stat(dir).catch(() => null);
  if (!info) throw new RunFolderError(`run folder not found: ${dir} (pass --run=DIR, the folder a smoke or regression run wrote)`, 66);
  if (!info.isDirectory()) throw new RunFolderError(`--run must name a folder, but ${dir} is a file`, 66);

  const warnings: string[] = [];
  const summaryPath = join(dir, 'summary.json');
  const planPath = join(dir, 'plan.json');
  const resultsPath = join(dir, 'results.jsonl');
  const [summaryText, planText, resultsText] = await Promise.all([
    readOptional(summaryPath, redact),
    readOptional(planPath, redact),
    readOptional(resultsPath, redact),
  ]);
  if (summaryText !== null) {
    // results.jsonl only tells which summary checks are stand-ins; its unreadable lines do not matter here
    const results = resultsText === null ? null : parseResultsJsonl(resultsPath, resultsText, []);
    const view = fromSummary(dir, parseJsonFile(summaryPath, summaryText, Summary), results, warnings);
    // plan.json only adds the routing here; one that cannot be read leaves the default routing, said in warnings.
    const plan = planText === null ? undefined : PlanFile.safeParse(JSON.parse(planText));
    if (plan && !plan.success) warnings.push(`${planPath} could not be read: Slack uses the default routing`);
    if (!plan?.success) return view;
    return {
      ...view,
      ...(plan.data.title ? { title: plan.data.title } : {}),
      ...(plan.data.notify.length ? { notify: plan.data.notify } : {}),
    };
  }
  if (planText === null && resultsText === null) {
    throw new RunFolderError(`${dir} holds none of summary.json, plan.json, results.jsonl: is it a run folder?`, 66);
  }
  const plan = planText === null ? null : parseJsonFile(planPath, planText, PlanFile);
  const results = resultsText === null ? [] : parseResultsJsonl(resultsPath, resultsText, warnings);
  const view = partialRun(dir, plan, results, warnings, await readBaseline(plan?.baseline, redact, warnings));
  return { ...view, ...(plan?.title ? { title: plan.title } : {}), ...(plan?.notify.length ? { notify: plan.notify } : {}) };
}
