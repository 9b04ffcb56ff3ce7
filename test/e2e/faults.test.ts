// The smoke suites catch the lab faults meant for them: one lab, one narrowed Playwright run per fault,
// through the planner's batch (the path `npm run smoke` takes) and the gate.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { HostKey } from '../../core/config/estate.ts';
import type { HarnessConfig } from '../../core/config/schema.ts';
import { decide } from '../../core/gate.ts';
import { PHASES } from '../../core/phases.ts';
import type { Lab } from '../../lab/index.ts';
import { e2eBatch } from '../../e2e/plan.ts';
import { labFor, planContext, runBatch, tmpDir } from './support/lab.ts';

let config: HarnessConfig;
let lab: Lab;
const runRoot = tmpDir('e2e-faults-');

before(async () => ({ config, lab } = await labFor('post-window')));
after(async () => {
  await lab?.stop();
  rmSync(lab.dir, { recursive: true, force: true });
  if (!process.env.KEEP) rmSync(runRoot, { recursive: true, force: true });
});

async function smoke(name: string, hosts: HostKey[], grep?: string) {
  const runDir = `${runRoot}/${name}`;
  const ctx = planContext(config, lab, 'post-window', runDir);
  const results = await runBatch(e2eBatch(ctx, 'smoke', hosts, grep ? { grep } : {}), runDir);
  const gate = decide({ phase: 'post-window', checks: results, planned: [{ id: 'e2e', kind: 'e2e', title: 'e2e', severity: 'major', target: {}, prefix: true }] });
  return { results, gate };
}

describe('e2e smoke on faulty labs', { concurrency: 1 }, () => {
  test('login-broken:www: the www sign-in smoke test fails and the verdict is no-go', async () => {
    await lab.control.addFault('login-broken:www');
    try {
      const { results, gate } = await smoke('login-broken', ['www'], 'test account signs in');
      assert.equal(results.length, 1, JSON.stringify(results));
      const [r] = results;
      assert.equal(r?.id, 'e2e:www:smoke/www.spec.ts:www › test account signs in');
      assert.equal(r?.status, 'failed', r?.message);
      assert.equal(r?.severity, 'critical');
      assert.match(r?.message ?? '', /^step "the account page shows the test account" failed: www\.invoicecloud\.test should accept the test account/);
      assert.equal(gate.verdict, 'no-go');
    } finally {
      await lab.control.removeFault('login-broken:www');
    }
  });

  test('sso-key-mismatch: the SSO round trip fails, naming the untrusted key', async () => {
    await lab.control.addFault('sso-key-mismatch');
    try {
      const { results, gate } = await smoke('sso-key-mismatch', ['my'], 'SSO round trip');
      assert.equal(results.length, 1, JSON.stringify(results));
      const [r] = results;
      assert.equal(r?.status, 'failed', r?.message);
      assert.match(r?.message ?? '', /^step "my accepts the token sso signed" failed: my should accept the token sso signed \(SSO round trip\).*signed with a key this portal does not trust/);
      assert.doesNotMatch(r?.message ?? '', /token=ey/, 'the signed token stays out of the message');
      assert.equal(gate.verdict, 'no-go');
    } finally {
      await lab.control.removeFault('sso-key-mismatch');
    }
  });

  test('maintenance-stuck:my at post-window: every my smoke test fails saying the page is still served', async () => {
    // The runbook: the page went up at maintenance-start and is taken down at 08:00, but on my it sticks.
    await lab.control.applyState(PHASES['maintenance-start'].state);
    await lab.control.addFault('maintenance-stuck:my');
    await lab.control.applyState(PHASES['post-window'].state);
    try {
      const { results, gate } = await smoke('maintenance-stuck', ['my']);
      assert.equal(results.length, 3, JSON.stringify(results.map((r) => r.id)));
      for (const r of results) {
        assert.equal(r.status, 'failed', `${r.id}: ${r.message}`);
        assert.match(r.message ?? '', /failed: the maintenance page is still served on my\.invoicecloud\.test \(HTTP 503\)/, r.id);
      }
      assert.equal(gate.verdict, 'no-go');
    } finally {
      await lab.control.removeFault('maintenance-stuck:my');
      await lab.control.applyState(PHASES['post-window'].state);
    }
  });

  test('a stopped run keeps the tests it finished and leaves no browser behind', async () => {
    const runDir = `${runRoot}/stopped`;
    let group = 0;
    const task = e2eBatch(planContext(config, lab, 'post-window', runDir), 'smoke', ['www', 'my', 'sso'], { onSpawn: (pgid) => (group = pgid) });
    const stop = new AbortController();
    const emitted: string[] = [];
    const run = task.run({ signal: stop.signal, runDir, emit: (r) => {
      emitted.push(r.id);
      stop.abort(new Error('operator pressed Ctrl-C'));
    } });
    const error = await run.then(() => undefined, (e: unknown) => e as Error);
    const kept = /^Playwright was stopped \(operator pressed Ctrl-C\) after (\d+) tests/.exec(error?.message ?? '');
    assert.ok(kept, `the batch says it was stopped: ${error?.message}`);
    // What finished before the stop was recorded as it finished (two may end in the same instant).
    assert.equal(Number(kept[1]), emitted.length);
    assert.ok(emitted.length >= 1 && emitted.length < 8, `${emitted.length} of 8 tests recorded`);
    assert.ok(group > 0);
    // Playwright, its workers and their browsers share one process group, ended together.
    const alive = () => {
      try {
        process.kill(-group, 0);
        return true;
      } catch (err) {
        return (err as NodeJS.ErrnoException).code !== 'ESRCH';
      }
    };
    for (let i = 0; i < 50 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(alive(), false, 'Playwright and its browsers are gone');
  });
});
