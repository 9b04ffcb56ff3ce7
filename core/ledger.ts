// The run folder: plan.json at start, results.jsonl appended as each check ends, summary.json renamed into place.
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { formatIssues } from './config/load.ts';
import { CheckKind, CheckResult, Severity, Summary, Target } from './result.ts';
import { Action, Notice, Refinement, Tolerance } from './window/schema.ts';
import type { Redactor } from './redact.ts';
import { UsageError } from './errors.ts';

/** What the plan expected, enough to count a missing result as broken with the right severity. */
export const PlannedCheck = z.object({
  id: z.string().min(1),
  kind: CheckKind,
  title: z.string(),
  severity: Severity,
  target: Target,
  /** A batch whose check ids are only known when it runs: any result `id:…` satisfies it. */
  prefix: z.boolean().optional(),
  /** The window marks it must-pass: never shown as pre-existing at baseline. */
  mustPass: z.boolean().optional(),
});
export type PlannedCheck = z.infer<typeof PlannedCheck>;

/** plan.json, written before the first check. Not strict: a later harness may add fields and readers must still read it. */
export const RunPlan = z.object({
  window: z.string(),
  phase: z.string(),
  env: z.string(),
  startedAt: z.string(),
  only: z.array(z.string()).optional(),
  /** The step's title, for people (reports, Slack). */
  title: z.string().optional(),
  /** The window file the step came from, and the step's actions, so a replay needs neither. */
  windowFile: z.string().optional(),
  actions: z.object({ go: Action, 'no-go': Action, inconclusive: Action }).optional(),
  refine: z.array(Refinement).default([]),
  tolerate: z.array(Tolerance).default([]),
  /** The step's Slack routing (window file), so `npm run report -- --slack` posts where the runbook says. */
  notify: z.array(Notice).default([]),
  /** The baseline run (the window's pre-maintenance) failures were compared with, if any. */
  baseline: z.string().optional(),
  planned: z.array(PlannedCheck).default([]),
});
export type RunPlan = z.infer<typeof RunPlan>;

/** Present while a run writes its folder; holds the writer's pid (a killed run leaves it with a dead pid). */
export const LOCK_FILE = 'run.lock';

/** Whether a run still writes the folder: its lock names a live process. */
export function runInProgress(dir: string): { pid: number; alive: boolean } | undefined {
  const file = join(dir, LOCK_FILE);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return { pid: 0, alive: false };
  try {
    process.kill(pid, 0);
    return { pid, alive: true };
  } catch (err) {
    return { pid, alive: (err as NodeJS.ErrnoException).code === 'EPERM' };
  }
}

/** A second run on one folder would interleave results: usage error (64), the first run untouched. */
export class RunFolderInUseError extends UsageError {
  override readonly name = 'RunFolderInUseError';
}

export class RunLedger {
  readonly resultsFile: string;
  readonly summaryFile: string;

  constructor(
    readonly dir: string,
    private readonly redact: Redactor,
  ) {
    this.resultsFile = join(dir, 'results.jsonl');
    this.summaryFile = join(dir, 'summary.json');
    // Results of two runs in one folder would be replayed as one run: a used folder is refused, and the lock is
    // taken atomically (O_EXCL) so two runs started at once cannot both pass the check.
    const used = ['plan.json', 'results.jsonl', 'summary.json', LOCK_FILE].filter((f) => existsSync(join(dir, f)));
    if (used.length)
      throw new RunFolderInUseError(`run folder ${dir} already holds a run (${used.join(', ')}); choose a new --out or delete it`);
    mkdirSync(dir, { recursive: true });
    try {
      writeFileSync(join(dir, LOCK_FILE), `${process.pid}\n`, { flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST')
        throw new RunFolderInUseError(`run folder ${dir} is being written by another run (${LOCK_FILE}); choose a new --out`);
      throw err;
    }
  }

  /** The run is over (summary written, action applied): the folder is no longer in progress. */
  release(): void {
    rmSync(join(this.dir, LOCK_FILE), { force: true });
  }

  writePlan(plan: z.input<typeof RunPlan>): void {
    this.writeAtomic(join(this.dir, 'plan.json'), JSON.stringify(plan, null, 2));
  }

  /** One line, one write: a SIGKILL between two checks leaves only whole lines behind. */
  append(result: CheckResult): void {
    appendFileSync(this.resultsFile, this.redact(JSON.stringify(result)) + '\n');
  }

  writeSummary(summary: Summary): void {
    this.writeAtomic(this.summaryFile, JSON.stringify(summary, null, 2));
  }

  writeAtomic(file: string, text: string): void {
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, this.redact(text) + '\n');
    renameSync(tmp, file);
  }
}

export class StoredRunError extends UsageError {
  override readonly name = 'StoredRunError';
}

function parseStored<T>(file: string, parse: (raw: unknown) => T): T {
  try {
    return parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch (err) {
    const detail =
      err instanceof Error && 'issues' in err
        ? (err as { issues: { path: PropertyKey[]; message: string }[] }).issues
            .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
            .join('; ')
        : (err as Error).message;
    throw new StoredRunError(`${file} is not a valid run file: ${detail}`);
  }
}

export interface StoredRun {
  plan?: RunPlan;
  results: CheckResult[];
  summary?: Summary;
  /** Lines of results.jsonl that did not parse, each named with file:line (reported, never silently dropped). */
  warnings: string[];
  /** summary.json exists but could not be read (the verdict is rebuilt from plan.json and results.jsonl). */
  summaryCorrupt: boolean;
}

export function readRun(dir: string): StoredRun {
  const planFile = join(dir, 'plan.json');
  const resultsFile = join(dir, 'results.jsonl');
  const summaryFile = join(dir, 'summary.json');
  const plan = existsSync(planFile) ? parseStored(planFile, (raw) => RunPlan.parse(raw)) : undefined;
  const results: CheckResult[] = [];
  const warnings: string[] = [];
  if (existsSync(resultsFile)) results.push(...parseResultsJsonl(resultsFile, readFileSync(resultsFile, 'utf8'), warnings));
  let summary: Summary | undefined;
  let summaryCorrupt = false;
  try {
    summary = existsSync(summaryFile) ? parseStored(summaryFile, (raw) => Summary.parse(raw)) : undefined;
  } catch (err) {
    // With plan.json the verdict can be rebuilt from the results; without it there is nothing to rebuild from.
    if (!plan) throw err;
    summaryCorrupt = true;
    warnings.push(`${(err as Error).message}; the verdict is rebuilt from plan.json and results.jsonl`);
  }
  return { ...(plan ? { plan } : {}), results, ...(summary ? { summary } : {}), summaryCorrupt, warnings };
}

/** Parses results.jsonl; a line that is not a CheckResult is named in `warnings` and left out, never guessed at. */
export function parseResultsJsonl(path: string, text: string, warnings: string[]): CheckResult[] {
  const lines = text.split('\n');
  const results: CheckResult[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const where = `${path}:${index + 1}`;
    const unterminated = index === lines.length - 1 && !text.endsWith('\n');
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (err) {
      warnings.push(
        unterminated
          ? `${where} ignored: truncated last line (the run was killed while writing it)`
          : `${where} ignored: not valid JSON (${(err as Error).message}); the check on that line is reported as missing`,
      );
      return;
    }
    const parsed = CheckResult.safeParse(raw);
    if (!parsed.success) {
      warnings.push(`${where} ignored: not a CheckResult (${formatIssues(parsed.error.issues).join('; ')})`);
      return;
    }
    results.push(parsed.data);
  });
  return results;
}
