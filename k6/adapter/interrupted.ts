// Iterations k6 cut off when a scenario's duration and graceful stop ran out. Real k6 records nothing of them
// (no iteration, request or check sample, no interrupted-iterations metric): the harness scripts count the
// iterations they start, and k6's "No script iterations fully finished" warning and data_sent tell the rest.
import { STARTED_METRIC } from '../contract.ts';
import type { K6LogLine } from './logs.ts';
import type { K6Summary } from './summary.ts';

export interface Interruption {
  /** Iterations started and never finished; null when the script did not count (not a harness script). */
  cutOff: number | null;
  completed: number;
  /** Bytes k6 sent: more than 0 means requests went out although none completed. */
  dataSentBytes: number;
  text: string;
}

export function interruption(summary: K6Summary, log: readonly K6LogLine[]): Interruption | undefined {
  const completed = summary.metrics.iterations?.values.count ?? 0;
  const started = summary.metrics[STARTED_METRIC]?.values.count;
  const dataSentBytes = summary.metrics.data_sent?.values.count ?? 0;
  const warned = log.some((l) => l.level === 'warning' && /^No script iterations fully finished/.test(l.msg ?? ''));
  const cutOff = started === undefined ? null : Math.max(0, started - completed);
  if (!warned && !cutOff) return undefined;
  const ran = summary.state?.testRunDurationMs !== undefined ? ` after ${(summary.state.testRunDurationMs / 1000).toFixed(1)} s` : '';
  const sent =
    dataSentBytes > 0 ? `requests were sent (${dataSentBytes} B) but got no complete answer before the stop` : 'no request was sent';
  const what = cutOff === null ? 'iterations in flight were' : `${cutOff} iteration${cutOff === 1 ? ' was' : 's were'}`;
  const text = `${what} cut off when the duration and graceful stop ran out${ran} (k6 keeps no metric of a cut-off iteration): ${completed === 0 ? sent : `${completed} finished`}`;
  return { cutOff, completed, dataSentBytes, text };
}
