// --apply: performs the verdict's operation (the object the printed action came from) through the estate's
// operator, only on no-go, never on inconclusive; then re-checks what the operation affected. Without an operator
// it prints the manual step and fails, so nobody mistakes "printed" for "done".
import { describeOperation, type Operator, type ResolvedOperation } from './action.ts';
import type { GateDecision } from './gate.ts';
import type { Summary } from './result.ts';

export interface ApplyOutcome {
  /** The operation was performed and reported success. */
  ok: boolean;
  lines: string[];
  record?: Omit<NonNullable<Summary['applied']>, 'recheck' | 'verdict'>;
}

export async function performAction(
  decision: Pick<GateDecision, 'verdict' | 'operation'>,
  env: string,
  operator: Operator | undefined,
  signal: AbortSignal = AbortSignal.timeout(30_000),
): Promise<ApplyOutcome> {
  const op = decision.operation;
  if (decision.verdict !== 'no-go' || !op) {
    const why = decision.verdict === 'inconclusive' ? ' (an inconclusive run is never acted on)' : '';
    return { ok: true, lines: [`--apply: nothing to carry out for verdict ${decision.verdict}${why}`] };
  }
  const what = describeOperation(op);
  if (!operator) {
    const detail = `not automated for env ${env}: ${what} by hand, then re-run this step`;
    return {
      ok: false,
      record: { operation: op, by: 'nobody (no operator for this environment)', ok: false, detail },
      lines: [`--apply: ${detail}`],
    };
  }
  const res = await operator.perform(op, signal).catch((err: Error) => ({ ok: false, detail: err.message }));
  const record = { operation: op, by: operator.name, ok: res.ok, detail: res.detail };
  return res.ok
    ? { ok: true, record, lines: [`--apply: done: ${what} (${res.detail})`] }
    : { ok: false, record, lines: [`--apply: FAILED to ${what}: ${res.detail}; do it by hand, then re-run this step`] };
}

/** The estate state the operation leaves: the page on or off on its hosts. */
export function stateAfter<S extends { maintenanceOn: string[] }>(state: S, op: ResolvedOperation): S {
  const on = new Set(state.maintenanceOn);
  for (const h of op.hosts) {
    if (op.turn === 'on') on.add(h);
    else on.delete(h);
  }
  return { ...state, maintenanceOn: [...on] };
}
