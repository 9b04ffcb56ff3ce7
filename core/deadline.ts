// A deadline as a timer holding an AbortController, chained to a parent signal.
import { setMaxListeners } from 'node:events';

/** Node's timers hold at most 2^31-1 ms; a longer delay overflows and fires after 1 ms (a false timeout). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A delay every timer can hold: negative or NaN → 0, longer than the limit (or Infinity) → the limit (24.8 days). */
export function timerMs(ms: number): number {
  if (Number.isNaN(ms) || ms <= 0) return 0;
  return Math.min(ms, MAX_TIMER_MS);
}

export interface Deadline {
  signal: AbortSignal;
  /** Stops the timer and unhooks from the parent; call when the work is done. */
  clear(): void;
}

/**
 * The parent's abort or `ms`, whichever comes first. A timer holding a controller, not AbortSignal.timeout inside
 * AbortSignal.any: Node 20 may garbage-collect such a timeout before it fires, and the deadline never comes.
 */
export function deadline(parent: AbortSignal, ms: number): Deadline {
  const ctl = new AbortController();
  // Many concurrent requests of one probe listen on it; each listener is removed when its request ends.
  setMaxListeners(0, ctl.signal);
  const onParent = () => ctl.abort(parent.reason);
  if (parent.aborted) onParent();
  else parent.addEventListener('abort', onParent, { once: true });
  const timer = setTimeout(() => ctl.abort(new DOMException(`deadline of ${ms} ms`, 'TimeoutError')), timerMs(ms));
  return {
    signal: ctl.signal,
    clear: () => {
      clearTimeout(timer);
      parent.removeEventListener('abort', onParent);
    },
  };
}
