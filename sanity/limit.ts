// Runs `work` for every item with at most `limit` in flight; results keep the items' order.
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

/** The caller's signal, or a per-request deadline, whichever comes first. */
export function requestSignal(signal: AbortSignal, requestTimeoutMs: number): AbortSignal {
  return AbortSignal.any([signal, AbortSignal.timeout(requestTimeoutMs)]);
}
