// --apply: performs the verdict's operation (the object the printed action came from) through the estate's
// operator; only on no-go, never on inconclusive; without an operator it prints the manual step.
import type { Operator } from './action.ts';
import { describeOperation } from './action.ts';
import type { Summary } from './result.ts';

export interface ApplyOutcome {
  applied: boolean;
  /** true when there was nothing to do or it was done; false when it failed or must be done by hand. */
  ok: boolean;
  lines: string[];
}

export async function applyAction(
  summary: Summary,
  operator: Operator | undefined,
  signal = AbortSignal.timeout(10_000),
): Promise<ApplyOutcome> {
  const op = summary.operation;
  if (summary.verdict !== 'no-go' || !op) {
    return {
      applied: false,
      ok: true,
      lines: [
        `--apply: nothing to carry out for ${summary.phase} with verdict ${summary.verdict}${summary.verdict === 'inconclusive' ? ' (an inconclusive run is never acted on)' : ''}`,
      ],
    };
  }
  const what = describeOperation({ ...op, op: 'maintenance-page' });
  if (!operator) return { applied: false, ok: false, lines: [`--apply: not automated for env ${summary.env}: ${what} by hand`] };
  const res = await operator.perform({ ...op, op: 'maintenance-page' }, signal).catch((err: Error) => ({ ok: false, detail: err.message }));
  return res.ok
    ? { applied: true, ok: true, lines: [`--apply: done: ${what} (${res.detail})`] }
    : { applied: false, ok: false, lines: [`--apply: FAILED to ${what}: ${res.detail}; do it by hand`] };
}
