// The gate: a pure function of stored results and the plan. Critical failed → no-go; critical broken or
// missing → inconclusive; else go. One reason line per driving check.
import { actionFor } from './actions.ts';
import type { PhaseId } from './phases.ts';
import type { CheckResult, Verdict } from './result.ts';
import type { PlannedCheck } from './ledger.ts';

export interface GateInput {
  phase: PhaseId;
  checks: readonly CheckResult[];
  planned: readonly PlannedCheck[];
  /** The run was stopped (Ctrl-C) before it finished: the verdict cannot be go or no-go. */
  interrupted?: boolean;
  /** When the run ended, for the synthesized "missing" results. */
  finishedAt?: string;
}

export interface GateDecision {
  verdict: Verdict;
  action: string | null;
  reasons: string[];
  /** Non-critical findings that did not drive the verdict. */
  warnings: string[];
  /** The stored results plus one broken result per planned check that never reported. */
  checks: CheckResult[];
}

function missingResult({ prefix: _prefix, ...p }: PlannedCheck, at: string): CheckResult {
  return { ...p, status: 'broken', attempts: 0, flaky: false, startedAt: at, durationMs: 0, message: 'no result was recorded for this planned check (the run ended before it finished)' };
}

const line = (c: CheckResult) => `${c.id} ${c.status}: ${c.message ?? c.title}`;

export function decide(input: GateInput): GateDecision {
  const byId = new Map<string, CheckResult>();
  for (const c of input.checks) byId.set(c.id, c); // a later line for the same id supersedes an earlier one
  const at = input.finishedAt ?? new Date().toISOString();
  const ids = [...byId.keys()];
  for (const p of input.planned) {
    const reported = byId.has(p.id) || (p.prefix === true && ids.some((id) => id.startsWith(`${p.id}:`)));
    if (!reported) byId.set(p.id, missingResult(p, at));
  }
  const checks = [...byId.values()];
  const critical = checks.filter((c) => c.severity === 'critical');
  const failed = critical.filter((c) => c.status === 'failed');
  const broken = critical.filter((c) => c.status === 'broken');
  const warnings = checks.filter((c) => c.severity !== 'critical' && (c.status === 'failed' || c.status === 'broken')).map(line);

  let verdict: Verdict;
  let reasons: string[];
  if (input.interrupted) {
    verdict = 'inconclusive';
    const done = input.checks.length;
    reasons = [`run interrupted: ${done} of ${Math.max(done, input.planned.length)} checks finished`, ...failed.map(line), ...broken.map(line)];
  } else if (!checks.some((c) => c.status === 'passed' || c.status === 'failed')) {
    verdict = 'inconclusive';
    reasons = [checks.length ? `nothing could be checked: all ${checks.length} checks are broken or skipped` : 'the plan has no checks: nothing was verified', ...broken.map(line)];
  } else if (failed.length) {
    verdict = 'no-go';
    reasons = failed.map(line);
  } else if (broken.length) {
    verdict = 'inconclusive';
    reasons = broken.map(line);
  } else {
    verdict = 'go';
    reasons = [`all ${critical.length} critical checks passed (${checks.length} checks in all)`];
  }
  return { verdict, action: actionFor(input.phase, verdict, verdict === 'no-go' ? failed : []), reasons, warnings, checks };
}

export const EXIT_CODE: Record<Verdict, number> = { go: 0, 'no-go': 1, inconclusive: 2 };
