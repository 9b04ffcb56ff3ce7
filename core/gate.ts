// The gate: a pure function of the stored plan and results. Its rules, in order (README "The verdict"):
//  1. an id recorded twice with different outcomes counts as the worse one, and is flagged;
//  2. the plan's severity is authoritative (a result line cannot lower it);
//  3. a planned check without a result is broken;
//  4. failures the step tolerates (a resolver caching inside its TTL) and failures already present at the
//     baseline (unless must-pass) are warnings, never reasons;
//  5. a critical check failed → no-go; a critical check broken, skipped or missing → inconclusive;
//  6. a run interrupted, killed or still running is never go; a run where nothing was checked is inconclusive.
import { chooseAction, failureCode, type ResolvedOperation } from './action.ts';
import type { PlannedCheck, RunPlan } from './ledger.ts';
import type { CheckResult, Severity, Status, Verdict } from './result.ts';
import type { Step } from './window/schema.ts';

export interface GateInput {
  /** The step's actions, refinements and tolerances (stored in plan.json, so a replay needs no window file). */
  step: Pick<Step, 'actions' | 'refine'> & Partial<Pick<Step, 'tolerate'>>;
  checks: readonly CheckResult[];
  planned: readonly PlannedCheck[];
  /** The run was stopped (Ctrl-C) before it finished. */
  interrupted?: boolean;
  /** The run has no summary: killed, or still running (replays only). */
  unfinished?: 'killed' | 'running';
  /** When the run ended, for the synthesized "missing" results. */
  finishedAt?: string;
  /** The window's pre-maintenance run: a failure identical to one there is pre-existing. */
  baseline?: { run: string; checks: readonly CheckResult[] };
}

export interface GateDecision {
  verdict: Verdict;
  action: string | null;
  /** The executable step of the action, when it has one (performed by --apply). */
  operation?: ResolvedOperation;
  /** The operation, done and re-checked, resolves every driver. */
  resolves?: boolean;
  reasons: string[];
  /** Findings that did not drive the verdict: non-critical, tolerated, pre-existing, duplicate records. */
  warnings: string[];
  /** One result per id (merged), plus one broken result per planned check that never reported. */
  checks: CheckResult[];
}

const RANK: Record<Status, number> = { passed: 0, skipped: 1, broken: 2, failed: 3 };
const SEVERITY_RANK: Record<Severity, number> = { minor: 0, major: 1, critical: 2 };

function missingResult({ prefix: _prefix, mustPass: _m, ...p }: PlannedCheck, at: string): CheckResult {
  return {
    ...p,
    status: 'broken',
    attempts: 0,
    flaky: false,
    startedAt: at,
    durationMs: 0,
    message: 'no result was recorded for this planned check (the run ended before it finished)',
  };
}

const line = (c: CheckResult) => `${c.id} ${c.status}: ${c.message ?? c.title}`;

/** Rule 1: one result per id; conflicting records count as the worst and are flagged. */
function mergeRecords(checks: readonly CheckResult[], flags: string[]): Map<string, CheckResult> {
  const byId = new Map<string, CheckResult[]>();
  for (const c of checks) byId.set(c.id, [...(byId.get(c.id) ?? []), c]);
  const merged = new Map<string, CheckResult>();
  for (const [id, records] of byId) {
    const outcomes = [...new Set(records.map((r) => r.status))];
    if (outcomes.length === 1) {
      merged.set(id, records[records.length - 1]!);
      continue;
    }
    const worst = records.reduce((a, b) => (RANK[b.status] >= RANK[a.status] ? b : a));
    merged.set(id, worst);
    flags.push(`${id} was recorded ${records.length} times with different outcomes (${outcomes.join(', ')}): counted as ${worst.status}`);
  }
  return merged;
}

/** Rule 2: the plan's severity wins; under a prefix (a batch), the higher of the two. */
function plannedSeverity(c: CheckResult, planned: readonly PlannedCheck[]): { severity: Severity; mustPass: boolean } {
  const exact = planned.find((p) => p.id === c.id);
  if (exact) return { severity: exact.severity, mustPass: exact.mustPass === true };
  const batch = planned.find((p) => p.prefix && c.id.startsWith(`${p.id}:`));
  if (!batch) return { severity: c.severity, mustPass: false };
  return {
    severity: SEVERITY_RANK[batch.severity] >= SEVERITY_RANK[c.severity] ? batch.severity : c.severity,
    mustPass: batch.mustPass === true,
  };
}

const failing = (c: CheckResult) => c.status === 'failed' || c.status === 'broken';

/** What a failure says, without what changes from run to run (addresses with ports, durations, timestamps). */
const gist = (m: string | undefined) =>
  (m ?? '')
    .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z?/g, '<time>')
    .replace(/\b\d{1,3}(?:\.\d{1,3}){3}:\d+\b/g, '<addr>')
    .replace(/\b\d+(?:\.\d+)? ?(?:ms|s)\b/g, '<duration>');

/** Identical failures: same outcome, same code, same words (a different server or host is a new failure). */
const sameFailure = (a: CheckResult, b: CheckResult) =>
  a.status === b.status && failureCode(a) === failureCode(b) && gist(a.message) === gist(b.message);

export function decide(input: GateInput): GateDecision {
  const flags: string[] = [];
  const merged = mergeRecords(input.checks, flags);
  const at = input.finishedAt ?? new Date().toISOString();
  const mustPass = new Set<string>();
  for (const [id, c] of merged) {
    const p = plannedSeverity(c, input.planned);
    if (p.mustPass) mustPass.add(id);
    if (p.severity !== c.severity) merged.set(id, { ...c, severity: p.severity });
  }
  const ids = [...merged.keys()];
  for (const p of input.planned) {
    const reported = merged.has(p.id) || (p.prefix === true && ids.some((id) => id.startsWith(`${p.id}:`)));
    if (!reported) merged.set(p.id, missingResult(p, at));
    if (p.mustPass) mustPass.add(p.id);
  }
  const checks = [...merged.values()];

  // Rule 4: tolerated and pre-existing failures are warnings with their reason, never reasons for the verdict.
  const excused = new Map<string, string>();
  for (const c of checks.filter((x) => x.severity === 'critical' && failing(x))) {
    const t = (input.step.tolerate ?? []).find((x) => x.codes.includes(failureCode(c) ?? ''));
    if (t && c.status === 'failed') {
      excused.set(c.id, `${line(c)} (tolerated at this step: ${t.why})`);
      continue;
    }
    const before = input.baseline?.checks.find((b) => b.id === c.id);
    if (before && !mustPass.has(c.id) && sameFailure(before, c)) {
      excused.set(c.id, `${line(c)} (pre-existing: the same failure was in the baseline run ${input.baseline!.run})`);
    }
  }
  const critical = checks.filter((c) => c.severity === 'critical' && !excused.has(c.id));
  const failed = critical.filter((c) => c.status === 'failed');
  const unchecked = critical.filter((c) => c.status === 'broken' || c.status === 'skipped');
  const warnings = [...checks.filter((c) => c.severity !== 'critical' && failing(c)).map(line), ...excused.values(), ...flags];

  let verdict: Verdict;
  let reasons: string[];
  if (input.interrupted) {
    verdict = 'inconclusive';
    const done = merged.size - checks.filter((c) => c.attempts === 0 && c.status === 'broken').length;
    reasons = [
      `run interrupted: ${done} of ${Math.max(done, input.planned.length)} checks finished`,
      ...failed.map(line),
      ...unchecked.map(line),
    ];
  } else if (!checks.some((c) => c.status === 'passed' || c.status === 'failed')) {
    verdict = 'inconclusive';
    reasons = [
      checks.length
        ? `nothing could be checked: all ${checks.length} checks are broken or skipped`
        : 'the plan has no checks: nothing was verified',
      ...unchecked.map(line),
    ];
  } else if (failed.length) {
    verdict = 'no-go';
    reasons = failed.map(line);
  } else if (unchecked.length) {
    verdict = 'inconclusive';
    reasons = unchecked.map(line);
  } else if (input.unfinished) {
    verdict = 'inconclusive';
    reasons = [
      input.unfinished === 'running'
        ? 'the run is still in progress: no verdict until it ends'
        : 'the run ended without a summary (killed): it cannot be called go',
    ];
  } else {
    verdict = 'go';
    reasons = [`all ${critical.length} critical checks passed (${checks.length} checks in all)`];
  }
  const action = chooseAction(input.step, verdict, verdict === 'no-go' ? failed : []);
  return {
    verdict,
    action: action.text,
    ...(action.operation ? { operation: action.operation } : {}),
    ...(action.resolves ? { resolves: true } : {}),
    reasons,
    warnings,
    checks,
  };
}

export const EXIT_CODE: Record<Verdict, number> = { go: 0, 'no-go': 1, inconclusive: 2 };

/** The step's actions as plan.json stored them; a plan written without them gets the runbook-neutral wording. */
export function storedStep(plan: Pick<RunPlan, 'actions' | 'refine' | 'tolerate'> | undefined): GateInput['step'] {
  return {
    actions: plan?.actions ?? {
      go: { say: 'continue with the runbook' },
      'no-go': { say: 'stop: fix the failing checks before the next step' },
      inconclusive: { say: 're-run once the broken checks can run' },
    },
    refine: plan?.refine ?? [],
    tolerate: plan?.tolerate ?? [],
  };
}
