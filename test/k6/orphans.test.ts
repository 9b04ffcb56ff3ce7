// No k6 outlives the harness, however the harness dies: SIGKILL a harness-like parent running k6 (the fake,
// which hangs) and k6 must be gone within a second — through setpriv's parent-death signal, and through the
// group reaper alone when setpriv is not there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setpriv } from '../../e2e/process-group.ts';
import { fakeK6, REPO_ROOT, tmpDir } from './helpers.ts';

function alive(pid: number): boolean {
  try {
    return !readFileSync(`/proc/${pid}/stat`, 'utf8')
      .slice(readFileSync(`/proc/${pid}/stat`, 'utf8').lastIndexOf(')') + 2)
      .startsWith('Z');
  } catch {
    return false;
  }
}

async function gone(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (alive(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  return !alive(pid);
}

async function k6UnderKilledParent(env: NodeJS.ProcessEnv): Promise<{ pid: number; goneAfterMs: number | null }> {
  const fake = fakeK6('hang');
  const parent = spawn(
    process.execPath,
    ['--import', 'tsx', join(REPO_ROOT, 'test', 'k6', 'support', 'k6-parent.ts'), fake.bin, tmpDir('k6-orphan')],
    { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const pid = await new Promise<number>((resolve, reject) => {
    let out = '';
    parent.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /k6 (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    parent.on('close', () => reject(new Error(`the parent ended first: ${out}`)));
  });
  try {
    while (!existsSync(join(fake.dir, 'record.json'))) await new Promise((r) => setTimeout(r, 20)); // the fake k6 runs
    assert.ok(alive(pid), 'k6 runs');
    parent.kill('SIGKILL');
    const t0 = performance.now();
    const ok = await gone(pid, 1_000);
    return { pid, goneAfterMs: ok ? Math.round(performance.now() - t0) : null };
  } finally {
    try {
      process.kill(pid, 'SIGKILL'); // whatever the assertion says, no fake k6 outlives the test
    } catch {
      // already gone: what the test wants
    }
  }
}

test('SIGKILL of the harness: k6 is gone within 1 s (setpriv --pdeathsig KILL)', {
  skip: setpriv() ? false : 'no setpriv here',
  timeout: 20_000,
}, async () => {
  const r = await k6UnderKilledParent({ ...process.env });
  assert.notEqual(r.goneAfterMs, null, `k6 ${r.pid} still runs 1 s after its harness was SIGKILLed`);
});

test('SIGKILL of the harness without setpriv: the group reaper kills k6 within 1 s', { timeout: 20_000 }, async () => {
  const r = await k6UnderKilledParent({ ...process.env, HARNESS_NO_SETPRIV: '1' });
  assert.notEqual(r.goneAfterMs, null, `k6 ${r.pid} still runs 1 s after its harness was SIGKILLed`);
});
