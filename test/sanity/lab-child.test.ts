// The lab in a child process (lab/remote.ts): the harness probes it like the in-process lab, and stop() leaves
// no process behind, nor does the parent letting go of the channel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../core/config/load.ts';
import { estateFromLab } from '../../estate/model.ts';
import { startLabInChild } from '../../lab/remote.ts';
import { httpsProbe } from '../../sanity/https-probe.ts';
import { createTrust } from '../../sanity/trust.ts';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('a lab started in a child process answers the direct probe and is gone after stop()', { timeout: 60_000 }, async () => {
  const config = await loadConfig();
  const lab = await startLabInChild({ config, healthIntervalMs: 5_000 });
  try {
    assert.notEqual(lab.pid, process.pid);
    const estate = estateFromLab(config, lab.manifest);
    const server = estate.webServers[0]!;
    const host = estate.hosts[0]!;
    const r = await httpsProbe(
      { server, host },
      { trust: createTrust(estate.ca), latencyBudgetMs: 5_000, tlsExpiryWarningDays: 3, timeoutMs: 5_000 },
      new AbortController().signal,
    );
    assert.equal(r.status, 'passed', r.message);
  } finally {
    const peakKb = await lab.stop();
    assert.ok(peakKb === undefined || peakKb > 0);
  }
  assert.equal(alive(lab.pid), false, 'the lab child exited');
});
