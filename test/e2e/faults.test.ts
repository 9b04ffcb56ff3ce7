// The smoke suites catch the lab faults meant for them: one lab, one narrowed Playwright run per fault,
// through the planner's batch (the path `npm run smoke` takes) and the gate.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { HostKey } from '../../core/config/estate.ts';
import type { HarnessConfig } from '../../core/config/schema.ts';
import { decide } from '../../core/gate.ts';
import { juneStep } from '../support/window.ts';
import type { CheckResult } from '../../core/result.ts';
import { runTasks } from '../../core/runner.ts';
import type { Lab } from '../../lab/index.ts';
import { e2eBatch, type BatchNarrowing } from '../../e2e/plan.ts';
import { labFor, planContext, runBatch, tmpDir } from './support/lab.ts';
import { envGone, groupGone } from './support/procs.ts';

let config: HarnessConfig;
let lab: Lab;
const runRoot = tmpDir('e2e-faults-');

before(async () => ({ config, lab } = await labFor('post-window')));
after(async () => {
  await lab?.stop();
  rmSync(lab.dir, { recursive: true, force: true });
  if (!process.env.KEEP) rmSync(runRoot, { recursive: true, force: true });
});

/** A critical check of another family that passed: without the e2e results the verdict would be go. */
const SANITY_PASSED: CheckResult = {
  id: 'sanity:www:/',
  kind: 'sanity',
  title: 'www answers',
  target: {},
  severity: 'critical',
  status: 'passed',
  attempts: 1,
  flaky: false,
  startedAt: new Date().toISOString(),
  durationMs: 1,
};

async function smoke(name: string, hosts: HostKey[], grep?: string) {
  const runDir = `${runRoot}/${name}`;
  const ctx = planContext(config, lab, 'post-window', runDir);
  const results = await runBatch(e2eBatch(ctx, 'smoke', hosts, grep ? { grep } : {}), runDir);
  const gate = decide({
    step: juneStep('post-window'),
    checks: results,
    planned: [{ id: 'e2e', kind: 'e2e', title: 'e2e', severity: 'major', target: {}, prefix: true }],
  });
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
      assert.match(
        r?.message ?? '',
        /^step "the account page shows the test account" failed: www\.invoicecloud\.test should accept the test account/,
      );
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
      assert.match(
        r?.message ?? '',
        /^step "my accepts the token sso signed" failed: my should accept the token sso signed \(SSO round trip\).*signed with a key this portal does not trust/,
      );
      assert.doesNotMatch(r?.message ?? '', /token=ey/, 'the signed token stays out of the message');
      assert.equal(gate.verdict, 'no-go');
    } finally {
      await lab.control.removeFault('sso-key-mismatch');
    }
  });

  test('maintenance-stuck:my at post-window: every my smoke test fails saying the page is still served', async () => {
    // The runbook: the page went up at maintenance-start and is taken down at 08:00, but on my it sticks.
    await lab.control.applyState(juneStep('maintenance-start').after);
    await lab.control.addFault('maintenance-stuck:my');
    await lab.control.applyState(juneStep('post-window').after);
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
      await lab.control.applyState(juneStep('post-window').after);
    }
  });

  test('a stopped run keeps the tests it finished and leaves no browser behind', async () => {
    const runDir = `${runRoot}/stopped`;
    let group = 0;
    const task = e2eBatch(planContext(config, lab, 'post-window', runDir), 'smoke', ['www', 'my', 'sso'], {
      onSpawn: (pgid) => (group = pgid),
    });
    const stop = new AbortController();
    const emitted: string[] = [];
    const run = task.run({
      signal: stop.signal,
      runDir,
      emit: (r) => {
        emitted.push(r.id);
        stop.abort(new Error('operator pressed Ctrl-C'));
      },
    });
    const error = await run.then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    const kept = /^Playwright was stopped \(operator pressed Ctrl-C\) after (\d+) tests/.exec(error?.message ?? '');
    assert.ok(kept, `the batch says it was stopped: ${error?.message}`);
    // What finished before the stop was recorded as it finished (two may end in the same instant).
    assert.equal(Number(kept[1]), emitted.length);
    assert.ok(emitted.length >= 1 && emitted.length < 8, `${emitted.length} of 8 tests recorded`);
    assert.ok(group > 0);
    // Playwright, its workers and their browsers share one process group, ended together: the batch has
    // returned, so at most the reaping of what was just killed is left to wait for.
    assert.deepEqual(await groupGone(group, 2_000), [], 'no Playwright or worker process of the run is left');
    // Each browser is its own group (Playwright's); the run's variables mark it.
    assert.deepEqual(await envGone('HARNESS_E2E_OUTPUT', resolve(runDir, 'e2e', 'smoke'), 2_000), [], 'no browser of the run is left');
  });

  // Through the runner (its placeholder results take the batch's severity) and the gate, next to a passing
  // critical check of another family: a smoke run that never ran a test must not let the verdict be go.
  const neverRan: { name: string; narrow: BatchNarrowing; timeoutMs?: number; want: RegExp; id: RegExp; each?: boolean }[] = [
    {
      name: 'Playwright stopped at its deadline before any test',
      narrow: {},
      timeoutMs: 400,
      want: /Playwright was stopped \(deadline of 400 ms\) after 0 tests/,
      // Every listed test is planned, so each one is broken by name (no single stand-in for the batch).
      id: /^e2e:sso:smoke\//,
      each: true,
    },
    {
      name: 'no test matches (the host ran none)',
      narrow: { grep: 'no test has this title' },
      want: /^no @smoke test ran for sso/,
      id: /^e2e:sso:smoke$/,
    },
  ];
  for (const c of neverRan) {
    test(`${c.name}: a critical broken result and a verdict that is not go`, async () => {
      const runDir = `${runRoot}/never-${neverRan.indexOf(c)}`;
      let group = 0;
      const task = e2eBatch(planContext(config, lab, 'post-window', runDir), 'smoke', ['sso'], {
        ...c.narrow,
        onSpawn: (pgid) => (group = pgid),
      });
      const results = await runTasks([{ ...task, ...(c.timeoutMs ? { timeoutMs: c.timeoutMs } : {}) }], {
        concurrency: 1,
        backoffMs: 1,
        runDir,
        signal: new AbortController().signal,
        onResult: () => undefined,
        graceMs: 30_000,
      });
      const broken = results.filter((r) => c.id.test(r.id));
      if (c.each) assert.ok(broken.length >= 2 && broken.length === task.expected.length, JSON.stringify(results));
      else assert.equal(broken.length, 1, JSON.stringify(results));
      for (const b of broken) {
        assert.equal(b.status, 'broken');
        assert.equal(b.severity, 'critical');
        assert.match(b.message ?? '', c.want);
      }
      assert.ok(!results.some((r) => r.status === 'passed'), 'no test ran');
      const gate = decide({ step: juneStep('post-window'), checks: [SANITY_PASSED, ...results], planned: [] });
      assert.equal(gate.verdict, 'inconclusive', gate.reasons.join('\n'));
      assert.ok(group > 0);
      assert.deepEqual(await groupGone(group), [], 'nothing of the run is left');
      assert.deepEqual(await envGone('HARNESS_E2E_OUTPUT', resolve(runDir, 'e2e', 'smoke'), 2_000), [], 'no browser of the run is left');
    });
  }

  test('a browser that cannot start: every test broken with the code our fixture set, critical, verdict not go', async () => {
    const runDir = `${runRoot}/no-browser`;
    const ctx = planContext(config, lab, 'post-window', runDir);
    const results = await runBatch(e2eBatch(ctx, 'smoke', ['sso'], { env: { CHROMIUM_PATH: `${runDir}/no-such-chromium` } }), runDir);
    assert.equal(results.length, 2, JSON.stringify(results.map((r) => r.id)));
    for (const r of results) {
      assert.equal(r.status, 'broken', `${r.id}: ${r.message}`);
      assert.equal(r.severity, 'critical');
      assert.equal(r.details?.['harnessCode'], 'BROWSER_LAUNCH');
      assert.match(r.message ?? '', /\[harness:BROWSER_LAUNCH\] the browser could not start \(set CHROMIUM_PATH or install chromium\)/);
    }
    const gate = decide({ step: juneStep('post-window'), checks: [SANITY_PASSED, ...results], planned: [] });
    assert.equal(gate.verdict, 'inconclusive');
  });
});
