// The gate: a pure function of stored results and the plan. Critical failed → no-go; critical broken or
// missing → inconclusive; else go. One reason line per driving check.
import { chooseAction, type ResolvedOperation } from './action.ts';
import type { CheckResult, Verdict } from './result.ts';
import type { PlannedCheck, RunPlan } from './ledger.ts';
import type { Step } from './window/schema.ts';

export interface GateInput {
  /** The step's actions and cause-specific refinements (stored in plan.json, so a replay needs no window file). */
  step: Pick<Step, 'actions' | 'refine'>;
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
  /** The executable step of the action, when it has one (performed by --apply). */
  operation?: ResolvedOperation;
  reasons: string[];
  /** Non-critical findings that did not drive the verdict. */
  warnings: string[];
  /** The stored results plus one broken result per planned check that never reported. */
  checks: CheckResult[];
}

function missingResult({ prefix: _prefix, ...p }: PlannedCheck, at: string): CheckResult {
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
    reasons = [
      `run interrupted: ${done} of ${Math.max(done, input.planned.length)} checks finished`,
      ...failed.map(line),
      ...broken.map(line),
    ];
  } else if (!checks.some((c) => c.status === 'passed' || c.status === 'failed')) {
    verdict = 'inconclusive';
    reasons = [
      checks.length
        ? `nothing could be checked: all ${checks.length} checks are broken or skipped`
        : 'the plan has no checks: nothing was verified',
      ...broken.map(line),
    ];
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
  const action = chooseAction(input.step, verdict, verdict === 'no-go' ? failed : []);
  return { verdict, action: action.text, ...(action.operation ? { operation: action.operation } : {}), reasons, warnings, checks };
}

export const EXIT_CODE: Record<Verdict, number> = { go: 0, 'no-go': 1, inconclusive: 2 };

/** The step's actions as plan.json stored them; a plan written without them gets the runbook-neutral wording. */
export function storedStep(plan: Pick<RunPlan, 'actions' | 'refine'> | undefined): Pick<Step, 'actions' | 'refine'> {
  return {
    actions: plan?.actions ?? {
      go: { say: 'continue with the runbook' },
      'no-go': { say: 'stop: fix the failing checks before the next step' },
      inconclusive: { say: 're-run once the broken checks can run' },
    },
    refine: plan?.refine ?? [],
  };
}
