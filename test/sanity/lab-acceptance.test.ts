// Acceptance on the lab: the healthy estate passes every sanity check of a phase; each web fault turns the
// right check failed with a message naming the server or host and the cause, and fails nothing unrelated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../core/config/load.ts';
import type { HarnessConfig } from '../../core/config/schema.ts';
import type { EstateState as PhaseState } from '../../core/window/schema.ts';
import { juneStep } from '../support/window.ts';
import { decideSanity, show, untilBalancersDrop } from '../support/sanity-run.ts';
import type { CheckResult } from '../../core/result.ts';
import { parseFault } from '../../lab/faults.ts';
import { startLab } from '../../lab/index.ts';

// The repo's policy as is (probe deadline 5 s: room for a loaded 2-core CI machine); web-slow answers after 10 s.
const SLOW_MS = 10_000;

async function labConfig(): Promise<HarnessConfig> {
  const config = await loadConfig(new URL('../../harness.config.ts', import.meta.url).pathname);
  return { ...config, policy: { ...config.policy, retryBackoffMs: 50 } };
}

interface Run {
  checks: CheckResult[];
  verdict: string;
  byId: Map<string, CheckResult>;
}

/** Starts the lab in `before` (default: the phase's state), moves it to the phase's state, runs the sanity plan. */
async function runSanity(phaseId: string, faults: string[] = [], before?: PhaseState): Promise<Run> {
  const config = await labConfig();
  const phase = juneStep(phaseId);
  // Health probes every second: the first round (at start) already drops a faulted member, and fewer probes
  // leave more of a busy CI machine to the checks.
  const lab = await startLab({
    config,
    faults: faults.map(parseFault),
    state: before ?? phase.after,
    slowMs: SLOW_MS,
    healthIntervalMs: 1_000,
    healthTimeoutMs: 2_000,
  });
  try {
    if (before) await lab.control.applyState(phase.after);
    await untilBalancersDrop(lab, faults);
    const { decision, byId } = await decideSanity(config, lab, phase);
    return { checks: decision.checks, verdict: decision.verdict, byId };
  } finally {
    await lab.stop();
  }
}

for (const phaseId of ['web1-5', 'maintenance-start', 'post-window'] as const) {
  test(`healthy lab, ${phaseId}: every sanity check passes and the verdict is go`, async () => {
    const run = await runSanity(phaseId);
    const notPassed = run.checks.filter((c) => c.status !== 'passed');
    assert.deepEqual(notPassed, [], show(notPassed));
    assert.equal(run.verdict, 'go');
    // web1-5 has no all-ten token check (PLAT-2374 rolls the key in two batches); post-window does.
    if (phaseId === 'web1-5') assert.equal(run.checks.length, 26);
    if (phaseId === 'post-window')
      assert.match(run.byId.get('sanity:tokens')!.message ?? '', /all 10 servers accepted the auth cookie issued by IC-Web1/);
    if (phaseId === 'maintenance-start') assert.match(run.byId.get('maintenance:www2')!.message ?? '', /www2 still serving/);
  });
}

const HOSTS = ['www', 'www2', 'my', 'sso'];
const onEveryHost = (server: string, message: RegExp) => Object.fromEntries(HOSTS.map((h) => [`sanity:${server}:${h}:/`, message]));

interface FaultCase {
  fault: string;
  phase: string;
  /** The lab's state before the phase's (the runbook step the fault interferes with). */
  before?: PhaseState;
  /** Checks that must fail, with their message. */
  fails: Record<string, RegExp>;
  /** Every failed check must name this (the faulted server or host). */
  names: RegExp;
}

const FAULT_CASES: FaultCase[] = [
  {
    fault: 'web-down:IC-Web3',
    phase: 'web1-5',
    names: /IC-Web3/,
    fails: onEveryHost('IC-Web3', /^IC-Web3 \(127\.0\.0\.1:\d+\) refused the connection$/),
  },
  {
    fault: 'web-slow:IC-Web3',
    phase: 'web1-5',
    names: /IC-Web3/,
    fails: onEveryHost('IC-Web3', /^IC-Web3 did not send response headers within 5000 ms$/),
  },
  {
    fault: 'web-error:IC-Web3',
    phase: 'web1-5',
    names: /IC-Web3/,
    fails: onEveryHost('IC-Web3', /^IC-Web3 answered 500 for https:\/\/\w+\.invoicecloud\.test\/ \(expected 200\)$/),
  },
  {
    fault: 'web-cert-expired:IC-Web3',
    phase: 'web1-5',
    names: /IC-Web3/,
    fails: onEveryHost('IC-Web3', /^IC-Web3's certificate for \w+\.invoicecloud\.test expired on \d{4}-/),
  },
  {
    fault: 'web-stale-key:IC-Web3',
    phase: 'post-window',
    names: /IC-Web3/,
    fails: { 'sanity:tokens': /^IC-Web3 rejected the auth cookie issued by IC-Web1 — machineKey differs \(PLAT-2374\)$/ },
  },
  {
    fault: 'web-stale-key:IC-Web1',
    phase: 'post-window',
    names: /IC-Web1/,
    fails: {
      'sanity:tokens': /^IC-Web1's machineKey is the odd one out: 9 of 9 other servers rejected the auth cookie it issued \(PLAT-2374\)$/,
    },
  },
  {
    fault: 'pool-missing:IC-Web3',
    phase: 'web1-5',
    names: /IC-Web3/,
    fails: { 'pool:gateway': /^IC-Web3 never answered through agw-pri-appgateway0-prd for www\.invoicecloud\.test in 40 requests$/ },
  },
  {
    fault: 'maintenance-stuck:my',
    phase: 'post-window',
    before: juneStep('maintenance-start').after,
    names: /my\.invoicecloud\.test/,
    fails: { 'maintenance:my': /^maintenance page still served on my\.invoicecloud\.test \(503 "Scheduled maintenance in progress"\)$/ },
  },
  {
    fault: 'maintenance-missing:sso',
    phase: 'maintenance-start',
    names: /sso\.invoicecloud\.test/,
    fails: {
      'maintenance:sso':
        /^maintenance page is not served on sso\.invoicecloud\.test: it answered 200 from IC-Web\d+ through agw-pri-appgateway0-prd$/,
    },
  },
];

for (const c of FAULT_CASES) {
  test(`lab fault ${c.fault} (${c.phase}): ${Object.keys(c.fails).length > 1 ? 'its direct checks fail' : Object.keys(c.fails)[0] + ' fails'}, naming the cause; nothing unrelated fails`, async () => {
    const run = await runSanity(c.phase, [c.fault], c.before);
    for (const [id, message] of Object.entries(c.fails)) {
      const check = run.byId.get(id);
      assert.ok(check, `${id} was planned`);
      assert.equal(check.status, 'failed', `${id}: ${check.message}`);
      assert.match(check.message ?? '', message);
    }
    assert.equal(run.verdict, 'no-go');
    const bad = run.checks.filter((x) => x.status === 'failed' || x.status === 'broken');
    const unrelated = bad.filter((x) => x.status === 'broken' || !c.names.test(x.message ?? ''));
    assert.deepEqual(unrelated, [], `unrelated checks went wrong:\n${show(unrelated)}`);
  });
}
