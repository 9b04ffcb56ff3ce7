// The bundles, unchanged, against the real lab on the k6 STAND-IN (test/k6/stand-in; not k6, which cannot be
// installed here), which behaves as the recorded real k6 v1.3.0: options.hosts → curl --connect-to (Host and TLS
// server name stay the FQDN), SSL_CERT_FILE → --cacert (verification on). Each script's checks pass on the
// healthy lab and fail on the fault that breaks them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { bundleScript } from '../../k6/build/bundle.ts';
import { PLAN_ENV, SUMMARY_ENV } from '../../k6/contract.ts';
import type { K6SummaryData } from '../../k6/contract.ts';
import { k6RunsForPhase } from '../../k6/adapter/run-plan.ts';
import type { K6RunDef } from '../../k6/adapter/run-plan.ts';
import { estateFromLab } from '../../estate/model.ts';
import { K6Params } from '../../k6/plan.ts';
import { juneStep } from '../support/window.ts';
import { loadConfig } from '../../core/config/load.ts';
import { startLab } from '../../lab/index.ts';
import type { Lab } from '../../lab/index.ts';
import { REPO_ROOT, standInK6, tmpDir } from './helpers.ts';

const execFileAsync = promisify(execFile);
type Counts = Record<string, { passes: number; fails: number }>;

/** The unchanged bundle on the k6 stand-in (a child process: the lab lives in this one and must keep answering), for 1 s. */
async function runOnce(run: K6RunDef, caFile: string): Promise<Counts> {
  const bundle = await bundleScript(run.script, tmpDir('k6-dist'));
  const summary = join(tmpDir('k6-rt'), 'summary.json');
  const plan = { ...run.plan, load: { vus: 1, duration: '1s', pauseMs: 100, requestTimeout: '5s', gracefulStop: '2s' } };
  await execFileAsync(standInK6().bin, ['run', '--no-usage-report', '--no-color', '--quiet', '--address=', bundle.file], {
    env: { PATH: process.env.PATH ?? '', [PLAN_ENV]: JSON.stringify(plan), [SUMMARY_ENV]: summary, SSL_CERT_FILE: caFile },
    timeout: 30_000,
  }).catch((e: { code?: number }) => {
    if (e.code !== 99) throw e; // 99: thresholds crossed, the summary is still there
  });
  const data = JSON.parse(readFileSync(summary, 'utf8')) as K6SummaryData;
  return Object.fromEntries(data.root_group.checks.map((c) => [c.name, { passes: c.passes, fails: c.fails }]));
}

let lab: Lab;
let runs: K6RunDef[];
const run = (id: string) => runs.find((r) => r.spec.idPrefix === id)!;
const allTrue = (c: Counts) => Object.values(c).every((v) => v.passes > 0 && v.fails === 0);

before(async () => {
  const config = await loadConfig(`${REPO_ROOT}/harness.config.ts`);
  const step = juneStep('regression');
  lab = await startLab({ config, state: step.after, slowMs: 400, healthIntervalMs: 100, healthTimeoutMs: 300 });
  const requested = step.checks.filter((c) => c.kind === 'k6').map((c) => K6Params.parse({ script: c.script, hosts: c.hosts }));
  runs = k6RunsForPhase(requested, step.after, config, estateFromLab(config, lab.manifest));
  // The gateway routes only to members its health probes found up: wait for them, as an operator would.
  const deadline = Date.now() + 10_000;
  while (!lab.control.status().pools.gateway.members.every((m) => m.routable)) {
    if (Date.now() > deadline)
      throw new Error(`gateway members not routable: ${JSON.stringify(lab.control.status().pools.gateway.members)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
});
after(async () => {
  await lab?.stop();
});

test('healthy lab: connection-sanity, smoke-load and backend-sweep make every check pass, with TLS verified against the lab CA', async () => {
  for (const id of ['k6:connection-sanity:www2', 'k6:smoke-load:www+my+sso', 'k6:backend-sweep:IC-Web3']) {
    const r = run(id);
    const checks = await runOnce(r, lab.manifest.caFile);
    assert.deepEqual(Object.keys(checks).sort(), [...r.spec.checks].sort(), id);
    assert.ok(allTrue(checks), `${id}: ${JSON.stringify(checks)}`);
  }
});

test('without the lab CA nothing verifies: the checks fail, they do not skip verification', async () => {
  const checks = await runOnce(run('k6:connection-sanity:www2'), `${tmpDir('k6-noca')}/none.pem`);
  assert.deepEqual(checks['status is 200']?.passes, 0);
  assert.ok(checks['status is 200']!.fails > 0);
});

// Each fault with the run and check it breaks; `arrange` puts the lab where the fault bites.
const faults: { fault: string; id: string; check: string; arrange?: () => Promise<void>; restore?: () => Promise<void> }[] = [
  { fault: 'web-down:IC-Web3', id: 'k6:backend-sweep:IC-Web3', check: 'www status is 200' },
  { fault: 'web-error:IC-Web5', id: 'k6:backend-sweep:IC-Web5', check: 'www status is 200' },
  { fault: 'web-cert-expired:IC-Web7', id: 'k6:backend-sweep:IC-Web7', check: 'my TLS 1.2 or newer' },
  {
    // The page went up at 04:45 and stays up when it is taken down at 08:00.
    fault: 'maintenance-stuck:www',
    id: 'k6:connection-sanity:www',
    check: 'status is 200',
    arrange: async () => {
      await lab.control.setMaintenance('www', true);
      await lab.control.addFault('maintenance-stuck:www');
      // The runbook's 08:00 step takes every page down at once; that is what the fault blocks.
      await lab.control.applyState({ inPools: 'all', maintenanceOn: [], dnsProvider: lab.control.status().dnsProvider });
    },
    restore: async () => {
      await lab.control.removeFault('maintenance-stuck:www');
      await lab.control.setMaintenance('www', false);
    },
  },
];
for (const { fault, id, check, arrange, restore } of faults) {
  test(`${fault} fails "${check}" in ${id}`, async () => {
    await (arrange ?? (() => lab.control.addFault(fault)))();
    try {
      const checks = await runOnce(run(id), lab.manifest.caFile);
      assert.ok(checks[check] && checks[check].passes === 0 && checks[check].fails > 0, JSON.stringify(checks));
    } finally {
      await (restore ?? (() => lab.control.removeFault(fault)))();
    }
    assert.ok(allTrue(await runOnce(run(id), lab.manifest.caFile)), `${id} passes again once ${fault} is gone`);
  });
}
