// The Playwright process group never outlives a stop or the harness: SIGTERM, SIGKILL after the grace period,
// SIGKILL when the harness exits first; the hooks are removed when the child ends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { signalGroup, spawnGroup } from '../../e2e/process-group.ts';
import { groupGone, liveMembers } from './support/procs.ts';
// The repository root (not support/lab.ts's: this test needs no lab).
const ROOT = join(import.meta.dirname, '..', '..');

const STUBBORN = join(import.meta.dirname, 'support', 'stubborn-group.mjs');

function ready(child: ReturnType<typeof spawnGroup>['child']): Promise<void> {
  return new Promise((resolve) => child.stdout.once('data', () => resolve()));
}

const cases = [
  {
    name: 'a group that ignores SIGTERM is SIGKILLed after the grace period',
    args: [],
    graceMs: 300,
    signal: 'SIGKILL',
    atLeastMs: 300,
    withinMs: 3_000,
  },
  {
    name: 'a group that stops on SIGTERM ends without waiting for the grace period',
    args: ['polite'],
    graceMs: 30_000,
    signal: 'SIGTERM',
    atLeastMs: 0,
    withinMs: 3_000,
  },
];

for (const c of cases) {
  test(`abort: ${c.name}; nothing of the group is left and the hooks are gone`, { timeout: 10_000 }, async (t) => {
    const exitHooks = process.listenerCount('exit');
    const stop = new AbortController();
    let pgid = 0;
    const run = spawnGroup(
      process.execPath,
      [STUBBORN, ...c.args],
      {},
      { signal: stop.signal, killGraceMs: c.graceMs, onSpawn: (g) => (pgid = g) },
    );
    // Whatever the assertions say, the stubborn group does not outlive this test.
    t.after(() => signalGroup(pgid, 'SIGKILL'));
    await ready(run.child);
    assert.equal(process.listenerCount('exit'), exitHooks + 1, 'an exit hook while the child runs');
    assert.equal(liveMembers(pgid).length, 2, 'the tool and its child run in one group');
    const t0 = performance.now();
    stop.abort();
    const { signal } = await run.closed;
    const took = performance.now() - t0;
    assert.equal(signal, c.signal);
    assert.ok(took >= c.atLeastMs - 20 && took < c.withinMs, `ended after ${Math.round(took)} ms`);
    assert.deepEqual(await groupGone(pgid, 2_000), [], 'no process of the group is left');
    assert.equal(process.listenerCount('exit'), exitHooks, 'the exit hook is removed');
  });
}

test('the harness exiting first (process.exit(130), a second Ctrl-C) SIGKILLs the group', { timeout: 10_000 }, async (t) => {
  const harness = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'support', 'exit-harness.ts')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  harness.stdout.on('data', (c: Buffer) => (out += c.toString()));
  const code = await new Promise<number | null>((resolve) => harness.on('close', resolve));
  assert.equal(code, 130);
  const pgid = Number(/group (\d+)/.exec(out)?.[1]);
  assert.ok(pgid > 0, out);
  t.after(() => signalGroup(pgid, 'SIGKILL'));
  // SIGKILL was sent inside process.exit: only the reaping of the killed processes is left to wait for.
  assert.deepEqual(await groupGone(pgid, 2_000), []);
});

for (const [how, env] of [
  ['setpriv --pdeathsig and the reaper', {}],
  ['the reaper alone (no setpriv)', { HARNESS_NO_SETPRIV: '1' }],
] as const) {
  test(`the harness SIGKILLed: the whole group (Playwright and its workers) is gone within 1 s — ${how}`, {
    timeout: 10_000,
  }, async (t) => {
    const harness = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'support', 'sigkill-harness.ts')], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const pgid = await new Promise<number>((resolve, reject) => {
      let out = '';
      harness.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /group (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      harness.on('close', () => reject(new Error(`the harness ended first: ${out}`)));
    });
    t.after(() => signalGroup(pgid, 'SIGKILL'));
    assert.equal(liveMembers(pgid).length, 2, 'the tool and its child run in one group');
    harness.kill('SIGKILL');
    assert.deepEqual(await groupGone(pgid, 1_000), [], 'nothing of the group outlives the harness by a second');
  });
}
