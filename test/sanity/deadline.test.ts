// The probes' own deadline: fires on time even after a garbage collection (Node 20 can collect an
// AbortSignal.timeout held only by AbortSignal.any, and that deadline never comes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { deadline, mapLimited } from '../../sanity/limit.ts';

setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

const aborted = (signal: AbortSignal, ms: number) =>
  new Promise<boolean>((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve(true)), { once: true });
  });

test('deadline fires after a garbage collection', async () => {
  const d = deadline(new AbortController().signal, 100);
  setTimeout(gc, 20);
  assert.equal(await aborted(d.signal, 1_000), true);
  assert.equal((d.signal.reason as DOMException).name, 'TimeoutError');
  d.clear();
});

test('deadline follows its parent, and clear() stops it', async () => {
  const parent = new AbortController();
  const d = deadline(parent.signal, 10_000);
  parent.abort(new Error('stop'));
  assert.equal(d.signal.aborted, true);
  const quiet = deadline(new AbortController().signal, 30);
  quiet.clear();
  assert.equal(await aborted(quiet.signal, 100), false);
});

test('mapLimited keeps order and never runs more than the limit at once', async () => {
  let active = 0;
  let peak = 0;
  const out = await mapLimited([5, 1, 4, 2, 3], 2, async (n) => {
    peak = Math.max(peak, ++active);
    await new Promise((r) => setTimeout(r, n * 3));
    active--;
    return n * 10;
  });
  assert.deepEqual(out, [50, 10, 40, 20, 30]);
  assert.equal(peak, 2);
});
