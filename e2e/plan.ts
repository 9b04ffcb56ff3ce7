// Plans the e2e checks of a phase: one Playwright run per suite (phase.plan.e2e), whose JSON report
// becomes one CheckResult per test and host.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JSONReport } from '@playwright/test/reporter';
import type { HostKey } from '../core/config/estate.ts';
import type { Planner, PlanContext } from '../core/plan-context.ts';
import type { BatchTask } from '../core/task.ts';
import type { CheckResult } from '../core/result.ts';
import { recordsFromReport, resultForTest, type AdapterOptions, type TestRecord } from './adapter.ts';
import { followLines } from './follow.ts';
import { runPlaywright } from './run.ts';
import { ENV } from './target.ts';

/** The variables the suites read (e2e/target.ts), from the resolved estate; the password only in the child's environment. */
export function suiteEnv(ctx: PlanContext, manifestFile: string | undefined, hosts: readonly HostKey[]): Record<string, string> {
  const { estate } = ctx;
  const env: Record<string, string> = {
    [ENV.env]: estate.env,
    [ENV.maintenanceOn]: ctx.phase.state.maintenanceOn.join(','),
    [ENV.maintenanceMarker]: estate.maintenance.marker,
    [ENV.marker]: estate.hosts.find((h) => hosts.includes(h.key))?.marker ?? estate.hosts[0]?.marker ?? '',
    ...(estate.account.user ? { [ENV.user]: estate.account.user } : {}),
    ...(estate.account.password ? { [ENV.password]: estate.account.password } : {}),
    ...(manifestFile ? { [ENV.labManifest]: manifestFile } : {}),
  };
  if (estate.env !== 'lab') {
    // Outside the lab the base URLs are the estate's host names unless the operator already exported them.
    for (const h of estate.hosts) {
      const name = `${ENV.baseUrlPrefix}${h.key.toUpperCase()}`;
      env[name] = process.env[name] ?? `https://${h.name}`;
    }
  }
  return env;
}

/** One Playwright run as a batch; `grep` narrows the suite (tests use it to run only what a fault breaks). */
export function e2eBatch(ctx: PlanContext, suite: 'smoke' | 'regression', hosts: HostKey[], narrow: { grep?: string; onSpawn?: (pgid: number) => void } = {}): BatchTask {
  const { config, estate } = ctx;
  const outDir = join(ctx.runDir, 'e2e', suite);
  return {
    type: 'batch',
    // The runner matches results to this id as a prefix: every result id starts with "e2e:".
    id: 'e2e',
    family: 'e2e',
    kind: 'e2e',
    title: `Playwright ${suite} on ${hosts.join(', ')}`,
    target: {},
    severity: config.policy.severity.e2e,
    timeoutMs: config.policy.timeouts.e2eMs,
    // Test ids come from the specs; a planned host with no test is reported broken below.
    expected: [],
    run: async ({ signal, emit }) => {
      // A fresh folder: lines or a report from an earlier run in it must not be read as this run's.
      rmSync(outDir, { recursive: true, force: true });
      mkdirSync(outDir, { recursive: true });
      let manifestFile: string | undefined;
      if (estate.lab) {
        manifestFile = join(outDir, 'lab-manifest.json');
        writeFileSync(manifestFile, JSON.stringify(estate.lab, null, 2));
      }
      const hostNames = Object.fromEntries(estate.hosts.map((h) => [h.key, h.name]));
      const adapt: AdapterOptions = { defaultSeverity: config.policy.severity.e2e, hostNames, secrets: estate.account.password ? [estate.account.password] : [] };
      const results: CheckResult[] = [];
      const record = (rec: TestRecord) => {
        const r = resultForTest(rec, adapt);
        if (results.some((x) => x.id === r.id)) return;
        results.push(r);
        emit(r);
      };
      // Each test is recorded as it finishes (stream reporter), so a stopped run keeps what it finished.
      const follower = followLines(join(outDir, 'results.jsonl'), (line) => record(JSON.parse(line) as TestRecord));
      let outcome;
      try {
        outcome = await runPlaywright({ suite, hosts, outDir, env: suiteEnv(ctx, manifestFile, hosts), workers: config.e2e.workers, signal, ...(narrow.grep ? { grep: narrow.grep } : {}), ...(narrow.onSpawn ? { onSpawn: narrow.onSpawn } : {}) });
      } finally {
        follower.stop();
      }
      if (signal.aborted) throw new Error(`Playwright was stopped (${signal.reason instanceof Error ? signal.reason.message : 'aborted'}) after ${results.length} tests; its output is in ${outcome.logFile}`);
      if (!existsSync(outcome.reportFile)) {
        throw new Error(`Playwright exited ${outcome.exitCode ?? outcome.signal} without a JSON report; see ${outcome.logFile}: ${outcome.tail.trim().split('\n').slice(-3).join(' | ')}`);
      }
      // The JSON report is complete: anything the stream missed is recorded from it.
      const report = JSON.parse(readFileSync(outcome.reportFile, 'utf8')) as JSONReport;
      for (const rec of recordsFromReport(report)) record(rec);
      for (const h of hosts) if (!results.some((r) => r.details?.['project'] === h)) emit(noTests(ctx, suite, h, hostNames[h] ?? h, report));
      if (report.errors.length) emit(runError(ctx, suite, report.errors.map((e) => e.message ?? e.value ?? 'unknown error').join(' | ')));
    },
  };
}

function noTests(ctx: PlanContext, suite: string, host: HostKey, hostName: string, report: JSONReport): CheckResult {
  return {
    id: `e2e:${host}:${suite}`, kind: 'e2e', title: `${host}: @${suite} tests`, target: { host: hostName }, severity: ctx.config.policy.severity.e2e,
    status: 'broken', attempts: 1, flaky: false, startedAt: new Date(report.stats.startTime).toISOString(), durationMs: 0,
    message: `no @${suite} test ran for ${host}: the project selected none (check the spec files and tags)`,
  };
}

function runError(ctx: PlanContext, suite: string, message: string): CheckResult {
  return {
    id: `e2e:${suite}:run`, kind: 'e2e', title: `Playwright ${suite} run`, target: {}, severity: ctx.config.policy.severity.e2e,
    status: 'broken', attempts: 1, flaky: false, startedAt: new Date().toISOString(), durationMs: 0,
    message: `Playwright reported an error outside any test: ${message.replace(/\u001b\[[0-9;]*m/g, '').split('\n')[0]}`,
  };
}

export const planE2e: Planner = (ctx) => {
  const e2e = ctx.phase.plan.e2e;
  if (!e2e) return [];
  return [e2eBatch(ctx, e2e.suite, e2e.hosts)];
};
