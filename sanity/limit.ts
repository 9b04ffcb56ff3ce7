// Concurrency and deadlines shared by the probes that send many requests.

/** Runs `work` for every item with at most `limit` in flight; results keep the items' order. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
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
  const onParent = () => ctl.abort(parent.reason);
  if (parent.aborted) onParent();
  else parent.addEventListener('abort', onParent, { once: true });
  const timer = setTimeout(() => ctl.abort(new DOMException(`deadline of ${ms} ms`, 'TimeoutError')), ms);
  return {
    signal: ctl.signal,
    clear: () => {
      clearTimeout(timer);
      parent.removeEventListener('abort', onParent);
    },
  };
}
