// Reads a run folder (plan.json, results.jsonl, summary.json) into the one view every reporter renders.
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { CheckResult, Summary, Verdict, countStatuses } from '../core/result.ts';
import type { Counts } from '../core/result.ts';
import { formatIssues } from '../core/config/load.ts';

/** What the runner writes at start. Not strict: the runner may add fields and a reporter must still read it. */
export const PlanFile = z.object({
  window: z.string(),
  phase: z.string(),
  env: z.string(),
  startedAt: z.string(),
  planned: z.array(z.string()).default([]),
});
export type PlanFile = z.infer<typeof PlanFile>;

/** A run folder could not be read; `exitCode` follows sysexits (66 no input, 65 bad data). */
export class RunFolderError extends Error {
  override readonly name = 'RunFolderError';
  constructor(message: string, readonly exitCode: 65 | 66) {
    super(message);
  }
}

export interface RunView {
  dir: string;
  window: string;
  phase: string;
  env: string;
  startedAt: string;
  finishedAt: string | null;
  /** Copied from summary.json; `inconclusive` when the run has no summary (reporters never decide it). */
  verdict: Verdict;
  action: string | null;
  reasons: string[];
  counts: Counts;
  checks: CheckResult[];
  /** Planned ids with no result: the gate counts them as broken, reporters show them as such. */
  missing: string[];
  /** True when summary.json is absent (killed or still running) or says it was interrupted. */
  partial: boolean;
  hasSummary: boolean;
  /** Things a reader should know about the input (a truncated last line …). */
  warnings: string[];
}

async function readOptional(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
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
    throw new RunFolderError(`${path} is not valid JSON (${(err as Error).message}); fix or remove the file`, 65);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new RunFolderError(`${path} does not match the contract of DESIGN.md:\n${formatIssues(parsed.error.issues).map((p) => `  - ${p}`).join('\n')}`, 65);
  }
  return parsed.data;
}

/** Parses results.jsonl; a malformed last line without newline is what a killed run leaves, so it is a warning. */
export function parseResultsJsonl(path: string, text: string, warnings: string[]): CheckResult[] {
  const lines = text.split('\n');
  const endsWithNewline = text.endsWith('\n');
  const results: CheckResult[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const lineNo = index + 1;
    const isUnterminatedLast = index === lines.length - 1 && !endsWithNewline;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (err) {
      if (isUnterminatedLast) {
        warnings.push(`${path}:${lineNo} ignored: truncated last line (the run was killed while writing it)`);
        return;
      }
      throw new RunFolderError(`${path}:${lineNo} is not valid JSON (${(err as Error).message}); fix or delete that line`, 65);
    }
    const parsed = CheckResult.safeParse(raw);
    if (!parsed.success) {
      const problems = formatIssues(parsed.error.issues).join('; ');
      throw new RunFolderError(`${path}:${lineNo} is not a CheckResult (${problems}); fix or delete that line`, 65);
    }
    results.push(parsed.data);
  });
  return results;
}

/** Keeps the last result per id: a re-appended id (a retry written twice) must not be counted twice. */
function lastPerId(results: CheckResult[]): CheckResult[] {
  const byId = new Map<string, CheckResult>();
  for (const r of results) byId.set(r.id, r);
  return [...byId.values()];
}

export async function readRunFolder(runDir: string): Promise<RunView> {
  const dir = resolve(runDir);
  const info = await stat(dir).catch(() => null);
  if (!info) throw new RunFolderError(`run folder not found: ${dir} (pass --run=DIR, the folder a smoke or regression run wrote)`, 66);
  if (!info.isDirectory()) throw new RunFolderError(`--run must name a folder, but ${dir} is a file`, 66);

  const warnings: string[] = [];
  const summaryPath = join(dir, 'summary.json');
  const planPath = join(dir, 'plan.json');
  const resultsPath = join(dir, 'results.jsonl');
  const [summaryText, planText, resultsText] = await Promise.all([readOptional(summaryPath), readOptional(planPath), readOptional(resultsPath)]);
  const plan = planText === null ? null : parseJsonFile(planPath, planText, PlanFile);

  if (summaryText !== null) {
    const summary = parseJsonFile(summaryPath, summaryText, Summary);
    const planned = summary.planned ?? plan?.planned ?? [];
    const have = new Set(summary.checks.map((c) => c.id));
    return {
      dir, window: summary.window, phase: summary.phase, env: summary.env,
      startedAt: summary.startedAt, finishedAt: summary.finishedAt,
      verdict: summary.verdict, action: summary.action, reasons: summary.reasons, counts: summary.counts,
      checks: summary.checks, missing: planned.filter((id) => !have.has(id)),
      partial: summary.interrupted === true, hasSummary: true, warnings,
    };
  }

  if (plan === null && resultsText === null) {
    throw new RunFolderError(`${dir} holds none of summary.json, plan.json, results.jsonl: is it a run folder?`, 66);
  }
  const checks = resultsText === null ? [] : lastPerId(parseResultsJsonl(resultsPath, resultsText, warnings));
  const have = new Set(checks.map((c) => c.id));
  const missing = (plan?.planned ?? []).filter((id) => !have.has(id));
  const of = plan ? ` of ${plan.planned.length} planned` : '';
  return {
    dir,
    window: plan?.window ?? 'unknown', phase: plan?.phase ?? 'unknown', env: plan?.env ?? 'unknown',
    startedAt: plan?.startedAt ?? checks[0]?.startedAt ?? 'unknown', finishedAt: null,
    verdict: 'inconclusive', action: null,
    reasons: [`the run has no summary.json (killed or still running): partial run, ${checks.length}${of} checks have results, so the verdict is inconclusive`],
    counts: countStatuses(checks), checks, missing, partial: true, hasSummary: false, warnings,
  };
}
