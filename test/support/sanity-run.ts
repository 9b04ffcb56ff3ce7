// A June step's sanity family run against a started lab and decided as the gate decides it: the lab acceptance
// tests on random ports and on port 443 share it, so both judge the same checks the same way.
import assert from 'node:assert/strict';
import type { HarnessConfig } from '../../core/config/schema.ts';
import { decide } from '../../core/gate.ts';
import type { CheckResult } from '../../core/result.ts';
import { runTasks } from '../../core/runner.ts';
import type { Step } from '../../core/window/schema.ts';
import { estateFromLab } from '../../estate/model.ts';
import { parseFault } from '../../lab/faults.ts';
import type { Lab } from '../../lab/index.ts';
import { planJune } from './window.ts';

/**
 * A server whose health probe fails (down, slow, bad certificate) stays routable until its first probe times out;
 * the runbook checks a phase long after that, so the run starts once both balancers have dropped it.
 */
export async function untilBalancersDrop(lab: Lab, faults: readonly string[]): Promise<void> {
  const servers = faults
    .map(parseFault)
    .filter((f) => ['web-down', 'web-slow', 'web-cert-expired'].includes(f.name))
    .map((f) => f.arg!);
  const dropped = () =>
    Object.values(lab.control.status().pools).every((p) => p.members.every((m) => !servers.includes(m.name) || !m.routable));
  const end = Date.now() + 15_000;
  while (!dropped()) {
    assert.ok(Date.now() < end, `the balancers never dropped ${servers.join(', ')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Plans the step's sanity checks on the lab's estate, runs them, and decides; `byId` indexes the decided checks. */
export async function decideSanity(config: HarnessConfig, lab: Lab, step: Step) {
  const tasks = planJune(config, estateFromLab(config, lab.manifest), step.id, '.tmp', ['sanity']);
  const checks = await runTasks(tasks, {
    concurrency: config.policy.concurrency,
    backoffMs: 50,
    runDir: '.tmp',
    signal: new AbortController().signal,
    onResult: () => undefined,
  });
  const planned = tasks.map((t) => ({ id: t.id, kind: t.kind, title: t.title, severity: t.severity, target: t.target }));
  const decision = decide({ step, checks, planned });
  return { decision, byId: new Map(decision.checks.map((c) => [c.id, c])) };
}

/** Check results one per line, for assertion messages. */
export const show = (checks: readonly CheckResult[]) => checks.map((c) => `${c.id} ${c.status}: ${c.message ?? ''}`).join('\n');
