// The lab shaped like production: every web server and balancer on its own loopback address on port 443, so the
// default-port path is what the probes take. web1-5 is go; each web fault is caught as on the random-port lab.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isLoopback } from '../../dns/cidr.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../core/config/load.ts';
import { addressingFrom, labBinds } from '../../lab/addressing.ts';
import { parseFault } from '../../lab/faults.ts';
import { startLab } from '../../lab/index.ts';
import type { LabManifest } from '../../lab/manifest.ts';
import { runCli, tempDir } from '../cli/helpers.ts';
import { juneStep } from '../support/window.ts';
import { decideSanity, show, untilBalancersDrop } from '../support/sanity-run.ts';

const root = process.getuid?.() === 0;
const skip = root ? false : 'binding port 443 needs root (or CAP_NET_BIND_SERVICE)';

test('labBinds: ports mode is 127.0.0.1:0; loopback443 gives each server its own address on 443', () => {
  const ports = labBinds('ports', 3);
  assert.deepEqual(
    ports.web,
    [0, 0, 0].map(() => ({ address: '127.0.0.1', port: 0 })),
  );
  const b = labBinds('loopback443', 10, 4242);
  assert.equal(new Set(b.web.map((w) => w.address)).size, 10);
  for (const bind of [...b.web, b.gateway, b.ilb]) {
    assert.equal(bind.port, 443);
    assert.ok(isLoopback(bind.address), `${bind.address} is a loopback address`);
  }
  assert.notEqual(labBinds('loopback443', 10, 4242).gateway.address, b.gateway.address, 'a second lab in the process gets another block');
  assert.throws(() => addressingFrom('443'), /use "ports" .* or "loopback443"/);
});

async function runSanity(faults: string[] = [], stepId = 'web1-5') {
  const base = await loadConfig(new URL('../../harness.config.ts', import.meta.url).pathname);
  const config = { ...base, policy: { ...base.policy, retryBackoffMs: 50 } };
  const step = juneStep(stepId);
  const lab = await startLab({
    config,
    faults: faults.map(parseFault),
    state: step.after,
    slowMs: 10_000,
    healthIntervalMs: 1_000,
    addressing: 'loopback443',
  });
  try {
    await untilBalancersDrop(lab, faults);
    const { decision, byId } = await decideSanity(config, lab, step);
    return { manifest: lab.manifest, decision, byId };
  } finally {
    await lab.stop();
  }
}

test('healthy lab on 443: every server on its own address, web1-5 sanity is go', { skip }, async () => {
  const run = await runSanity();
  for (const e of [...run.manifest.webServers, run.manifest.gateway, run.manifest.ilb]) assert.equal(e.port, 443, e.name);
  assert.equal(new Set(run.manifest.webServers.map((w) => w.address)).size, 10);
  const bad = run.decision.checks.filter((c) => c.status !== 'passed');
  assert.deepEqual(bad, [], show(bad));
  assert.equal(run.decision.verdict, 'go');
});

const HOSTS = ['www', 'www2', 'my', 'sso'];
const every = (re: RegExp) => Object.fromEntries(HOSTS.map((h) => [`sanity:IC-Web3:${h}:/`, re]));
const CASES: { fault: string; fails: Record<string, RegExp>; step?: string }[] = [
  { fault: 'web-down:IC-Web3', fails: every(/^IC-Web3 \(127\.\d+\.\d+\.3:443\) refused the connection$/) },
  { fault: 'web-slow:IC-Web3', fails: every(/^IC-Web3 did not send response headers within 5000 ms$/) },
  { fault: 'web-error:IC-Web3', fails: every(/^IC-Web3 answered 500 for https:\/\/\w+\.invoicecloud\.test\/ \(expected 200\)$/) },
  { fault: 'web-cert-expired:IC-Web3', fails: every(/^IC-Web3's certificate for \w+\.invoicecloud\.test expired on \d{4}-/) },
  // web1-5 has no all-ten token check (PLAT-2374 rolls the key in two batches); web6-10 does.
  { fault: 'web-stale-key:IC-Web3', step: 'web6-10', fails: { 'sanity:tokens': /IC-Web3/ } },
  { fault: 'pool-missing:IC-Web3', fails: { 'pool:gateway': /^IC-Web3 never answered through agw-pri-appgateway0-prd/ } },
];
for (const c of CASES)
  test(`lab on 443, ${c.fault}: caught as on the random-port lab, no-go, nothing unrelated fails`, { skip }, async () => {
    const run = await runSanity([c.fault], c.step);
    for (const [id, re] of Object.entries(c.fails)) {
      const check = run.byId.get(id);
      assert.equal(check?.status, 'failed', `${id}: ${check?.message}`);
      assert.match(check?.message ?? '', re);
    }
    assert.equal(run.decision.verdict, 'no-go');
    const unrelated = run.decision.checks.filter(
      (x) => (x.status === 'failed' || x.status === 'broken') && !/IC-Web3/.test(x.message ?? ''),
    );
    assert.deepEqual(unrelated, [], show(unrelated));
  });

test('npm run smoke with HARNESS_LAB_ADDRESSING=loopback443: web1-5 --only=sanity is go on port 443', { skip }, async () => {
  const out = tempDir('lab443');
  const r = await runCli('smoke.ts', ['--phase=web1-5', '--window=2025-06-22', '--only=sanity', `--out=${out}`], {
    HARNESS_LAB_ADDRESSING: 'loopback443',
  });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const manifest = JSON.parse(readFileSync(join(out, 'lab', 'manifest.json'), 'utf8')) as LabManifest;
  assert.ok(manifest.webServers.every((w) => w.port === 443 && w.address !== '127.0.0.1'));
});
