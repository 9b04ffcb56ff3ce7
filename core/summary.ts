// summary.json from a gate decision: one builder for the run that decides and the replay that re-decides.
import type { GateDecision } from './gate.ts';
import { countStatuses, type Summary } from './result.ts';

export interface SummaryMeta {
  window: string;
  phase: string;
  env: string;
  startedAt: string;
  finishedAt: string;
}

export function summarize(
  meta: SummaryMeta,
  decision: Pick<GateDecision, 'verdict' | 'action' | 'operation' | 'reasons' | 'warnings' | 'checks'>,
  planned: readonly { id: string }[],
  extra: Partial<Summary> = {},
): Summary {
  return {
    ...meta,
    verdict: decision.verdict,
    action: decision.action,
    ...(decision.operation ? { operation: decision.operation } : {}),
    reasons: decision.reasons,
    counts: countStatuses(decision.checks),
    checks: decision.checks,
    planned: planned.map((p) => p.id),
    ...(decision.warnings.length ? { warnings: decision.warnings } : {}),
    ...extra,
  };
}
