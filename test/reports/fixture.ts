// A synthetic run folder: every status, every check kind, nasty strings, optional summary / plan.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { after } from 'node:test';
import { join } from 'node:path';
import { countStatuses } from '../../core/result.ts';
import type { CheckResult, Severity, Status, Summary } from '../../core/result.ts';
import { decide } from '../../core/gate.ts';
import type { PlannedCheck, RunPlan } from '../../core/ledger.ts';
import { juneStep } from '../support/window.ts';

/** The check kinds the reports group by (one suite / feature each). */
export const KIND_IDS = ['sanity', 'dns', 'k6', 'e2e', 'maintenance', 'pool', 'service'] as const;
type PhaseId = string;

export const NASTY = `<script>alert("x&y")</script> ]]> 'quote' \u0001bell\u0008 tab\there\nnewline ünïcödé 😀 \uD800lone`;
const STATUSES: Status[] = ['passed', 'failed', 'broken', 'skipped'];
/** Failed checks are critical so the real gate says no-go; the other severities are covered too. */
const SEVERITY_BY_STATUS: Record<Status, Severity> = { passed: 'minor', failed: 'critical', broken: 'major', skipped: 'critical' };

/** One check per (kind, status): 7 kinds × 4 statuses; the sanity/failed one carries the nasty strings. */
export function syntheticChecks(): CheckResult[] {
  const checks: CheckResult[] = [];
  for (const kind of KIND_IDS) {
    for (const [i, status] of STATUSES.entries()) {
      const nasty = kind === 'sanity' && status === 'failed';
      checks.push({
        id: `${kind}:IC-Web${i + 1}:www:/${nasty ? NASTY : ''}`,
        kind,
        title: nasty ? `title ${NASTY}` : `${kind} check ${status}`,
        target: kind === 'dns' ? { resolver: 'resolver-a', record: 'www.invoicecloud.test' } : { host: 'www', server: `IC-Web${i + 1}` },
        severity: SEVERITY_BY_STATUS[status],
        status,
        attempts: status === 'passed' && kind === 'pool' ? 2 : 1,
        flaky: status === 'passed' && kind === 'pool',
        startedAt: '2025-06-22T04:00:00.000Z',
        durationMs: 1234 + i,
        ...(status === 'passed'
          ? {}
          : { message: nasty ? `message ${NASTY}` : `${kind} is ${status}: HTTP_STATUS 500 from IC-Web${i + 1}` }),
        ...(status === 'failed' || status === 'broken'
          ? { details: { code: 'HTTP_STATUS', status: 500, note: nasty ? NASTY : 'plain' } }
          : {}),
      });
    }
  }
  return checks;
}

export interface FixtureOptions {
  summary?: boolean;
  plan?: boolean;
  /** Ids planned but not in the results (missing → broken). */
  extraPlanned?: string[];
  /** Raw text appended to results.jsonl (a truncated last line …). */
  trailing?: string;
  checks?: CheckResult[];
  phase?: PhaseId;
  /** The run the gate compares with (summary.json and plan.json `baseline`): identical critical failures are pre-existing. */
  baseline?: { run: string; checks: CheckResult[] };
  /** Fields merged into summary.json (applied, partial …). */
  summaryExtra?: Partial<Summary>;
  /** When the run started (ISO); default 2025-06-22T04:00:00.000Z. */
  startedAt?: string;
  /** The folder to write (default: a fresh run-XXXX under parent). */
  dir?: string;
}

const planned = (c: CheckResult): PlannedCheck => ({ id: c.id, kind: c.kind, title: c.title, severity: c.severity, target: c.target });

/** Writes plan.json, results.jsonl and (unless summary: false) a summary.json made by the real gate. */
export async function makeRunFolder(
  parent: string,
  opts: FixtureOptions = {},
): Promise<{ dir: string; checks: CheckResult[]; summary: Summary }> {
  await mkdir(parent, { recursive: true });
  const dir = opts.dir ?? (await mkdtemp(join(parent, 'run-')));
  await mkdir(dir, { recursive: true });
  const checks = opts.checks ?? syntheticChecks();
  const phase = opts.phase ?? 'post-window';
  // the June window's step: its actions and refinements are what plan.json stores for a replay
  const step = juneStep(phase);
  const plan: RunPlan = {
    window: '2025-06-22',
    phase,
    env: 'lab',
    startedAt: opts.startedAt ?? '2025-06-22T04:00:00.000Z',
    ...(opts.baseline ? { baseline: opts.baseline.run } : {}),
    actions: step.actions,
    refine: step.refine,
    tolerate: step.tolerate,
    notify: step.notify,
    planned: [
      ...checks.map(planned),
      ...(opts.extraPlanned ?? []).map((id) => ({
        id,
        kind: 'k6' as const,
        title: `k6 ${id}`,
        severity: 'critical' as const,
        target: { host: 'www' },
      })),
    ],
  };
  if (opts.plan ?? true) await writeFile(join(dir, 'plan.json'), JSON.stringify(plan, null, 2));
  await writeFile(join(dir, 'results.jsonl'), checks.map((c) => JSON.stringify(c) + '\n').join('') + (opts.trailing ?? ''));
  const finishedAt = '2025-06-22T04:05:00.000Z';
  const decision = decide({ step, checks, planned: plan.planned, finishedAt, ...(opts.baseline ? { baseline: opts.baseline } : {}) });
  const summary: Summary = {
    window: plan.window,
    phase,
    env: plan.env,
    startedAt: plan.startedAt,
    finishedAt,
    verdict: decision.verdict,
    action: decision.action,
    reasons: decision.reasons,
    counts: countStatuses(decision.checks),
    checks: decision.checks,
    planned: plan.planned.map((p) => p.id),
    ...(decision.warnings.length ? { warnings: decision.warnings } : {}),
    ...(opts.baseline ? { baseline: opts.baseline.run } : {}),
    ...opts.summaryExtra,
  };
  if (opts.summary ?? true) await writeFile(join(dir, 'summary.json'), JSON.stringify(summary, null, 2));
  return { dir, checks, summary };
}

/** A temp folder per test file (files run in parallel), removed when the file's tests end. */
export function tmpRoot(name: string): string {
  const root = join(import.meta.dirname, '..', '..', '.tmp', 'reports-tests', name);
  if (!process.env.KEEP_REPORT_TMP) after(() => rm(root, { recursive: true, force: true })); // KEEP_REPORT_TMP=1 keeps screenshots to look at
  return root;
}
