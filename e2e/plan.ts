// The e2e check kind: one Playwright run per suite and hosts the window names, whose JSON report becomes one
// CheckResult per test and host.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JSONReport } from '@playwright/test/reporter';
import { z } from 'zod';
import { HostKey } from '../core/config/estate.ts';
import type { HarnessConfig } from '../core/config/schema.ts';
import { defineKind, type PlanContext as KindContext } from '../core/kind.ts';
import type { Severity } from '../core/result.ts';
import type { ResolvedEstate } from '../estate/model.ts';
import type { BatchTask } from '../core/task.ts';
import type { CheckResult } from '../core/result.ts';
import { makeClean, recordsFromReport, resultForTest, type AdapterOptions, type TestRecord } from './adapter.ts';
import { followLines, type Follower } from './follow.ts';
import { listTests, runPlaywright } from './run.ts';
import { ENV } from './target.ts';
import { findChromium } from './browser.ts';
import { MERGED_REPORT_ENV, resultsFromMerged } from './merged.ts';
import { BASELINE_STEP } from '../core/baseline.ts';
import { ARIA_ENV, ariaDirOf, type AriaMode } from './contracts.ts';

type PlanContext = KindContext<HarnessConfig, ResolvedEstate>;

/** The variables the suites read (e2e/target.ts), from the resolved estate; the password only in the child's environment. */
export function suiteEnv(ctx: PlanContext, manifestFile: string | undefined, hosts: readonly HostKey[]): Record<string, string> {
  const { estate } = ctx;
  const env: Record<string, string> = {
    [ENV.env]: estate.env,
    [ENV.maintenanceOn]: ctx.step.after.maintenanceOn.join(','),
    [ENV.maintenanceMarker]: estate.maintenance.marker,
    [ENV.marker]: estate.hosts.find((h) => hosts.includes(h.key))?.marker ?? estate.hosts[0]?.marker ?? '',
    [ENV.title]: estate.hosts.find((h) => hosts.includes(h.key))?.title ?? estate.hosts[0]?.title ?? '',
    ...(estate.safeToChangeData ? { [ENV.safeToChangeData]: '1' } : {}),
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
    // The environment's CA (the browser pins what Node verified against it), the gateway its hosts are mapped to,
    // and whether it runs the lab's own app: all from the config, nothing from the specs.
    const envConfig = Object.hasOwn(ctx.config.environments, estate.env) ? ctx.config.environments[estate.env] : undefined;
    if (estate.caFile) env[ENV.caFile] = estate.caFile;
    if (envConfig?.browserVia === 'gateway' && estate.gateway.address)
      env[ENV.resolveTo] = `${estate.gateway.address}:${estate.gateway.port}`;
    if (envConfig?.labSpecs) env[ENV.labSpecs] = '1';
  }
  return env;
}

/** Steps after the window whose smoke compares each contract page with the pre-maintenance run's snapshot. */
export const ARIA_COMPARE_STEPS: readonly string[] = ['post-window'];

/**
 * The accessibility-tree baseline of a smoke run: the window's pre-maintenance run records it into its own folder,
 * post-window compares with the baseline run's (core/baseline.ts finds it); no baseline → the comparison is broken.
 * In the lab every run is a fresh estate with no window history: it compares only against a baseline it was given.
 */
export function ariaEnv(ctx: PlanContext, suite: 'smoke' | 'regression', choice?: AriaMode | 'off'): Record<string, string> {
  if (suite !== 'smoke' || choice === 'off') return {};
  const mode: AriaMode | undefined =
    choice ?? (ctx.step.id === BASELINE_STEP ? 'record' : ARIA_COMPARE_STEPS.includes(ctx.step.id) ? 'compare' : undefined);
  if (mode === 'record') return { [ARIA_ENV.mode]: 'record', [ARIA_ENV.dir]: ariaDirOf(ctx.runDir) };
  if (mode !== 'compare') return {};
  if (ctx.baselineRun) return { [ARIA_ENV.mode]: 'compare', [ARIA_ENV.dir]: ariaDirOf(ctx.baselineRun) };
  if (ctx.estate.env === 'lab' && choice === undefined) return {};
  return {
    [ARIA_ENV.mode]: 'compare',
    [ARIA_ENV.missing]: `no complete ${BASELINE_STEP} run of this window for ${ctx.estate.env} (runs/<window>/${BASELINE_STEP}/): run ${BASELINE_STEP} before the window, or pass --baseline=DIR`,
  };
}

export interface BatchNarrowing {
  /** Only the tests whose title or tags match (tests use it to run only what a fault breaks). */
  grep?: string;
  onSpawn?: (pgid: number) => void;
  killGraceMs?: number;
  /** Extra variables for the Playwright run (tests: CHROMIUM_PATH). */
  env?: Record<string, string>;
  /** Results from this merged Playwright JSON report (CI shards) instead of starting Playwright (e2e/merged.ts). */
  mergedReport?: string;
  /** The window's choice for the accessibility-tree baseline; default by step (see ariaEnv). */
  aria?: AriaMode | 'off';
}

/**
 * Follows the stream reporter's file, recording each test as its line comes; a line that cannot be recorded
 * (not JSON, not a test record, refused by emit) is reported as a broken result naming its number, never dropped.
 */
export function followResults(
  file: string,
  record: (rec: TestRecord) => void,
  emit: (r: CheckResult) => void,
  clean: (text: string) => string,
  intervalMs?: number,
): Follower {
  return followLines(
    file,
    (line) => record(JSON.parse(line) as TestRecord),
    (err, n, line) => emit(streamError(file, n, clean(`${err.message}; the line begins: ${line.slice(0, 200)}`))),
    intervalMs,
  );
}

/** One Playwright run as a batch; `grep` narrows the suite (tests use it to run only what a fault breaks). */
export function e2eBatch(
  ctx: PlanContext,
  suite: 'smoke' | 'regression',
  hosts: HostKey[],
  narrow: BatchNarrowing = {},
  severity: Severity = 'critical',
): BatchTask {
  const { config, estate } = ctx;
  const outDir = join(ctx.runDir, 'e2e', suite);
  const aria = ariaEnv(ctx, suite, narrow.aria);
  // Every test is planned from Playwright's own listing, so a run killed half-way can never pass for the rest.
  const listed = listTests({
    suite,
    hosts,
    env: { ...suiteEnv(ctx, undefined, hosts), ...aria, ...narrow.env },
    ...(narrow.grep ? { grep: narrow.grep } : {}),
  });
  // a merged report needs no browser here: the shards ran the tests
  const chromium = narrow.mergedReport ? 'not needed' : findChromium({ ...process.env, ...narrow.env });
  const gap = !chromium
    ? "no Chromium found (CHROMIUM_PATH, /usr/bin/chromium, Playwright's own): run npm run setup"
    : 'error' in listed
      ? listed.error
      : listed.ids.length === 0
        ? `Playwright lists no @${suite} test for ${hosts.join(', ')}`
        : undefined;
  return {
    type: 'batch',
    // The runner matches results to this id as a prefix: every result id starts with "e2e:".
    id: 'e2e',
    family: 'e2e',
    kind: 'e2e',
    title: `Playwright ${suite} on ${hosts.join(', ')}${narrow.mergedReport ? ` (from ${narrow.mergedReport})` : ''}`,
    target: {},
    // What concerns the run as a whole (Playwright crashed, a host ran no test) weighs as much as its tests.
    severity,
    // Known before running (npm run plan lists it); the run still starts and reports what Playwright says.
    ...(gap ? { gap } : {}),
    timeoutMs: config.policy.timeouts.e2eMs,
    // One planned check per listed test and host; without a listing, any `e2e:` result counts (and a gap says why).
    expected: 'ids' in listed ? listed.ids : [],
    run: async ({ signal, emit }) => {
      if (narrow.mergedReport) {
        const adapt = {
          defaultSeverity: severity,
          hostNames: Object.fromEntries(estate.hosts.map((h) => [h.key, h.name])),
          secrets: estate.account.password ? [estate.account.password] : [],
        };
        const expected = 'ids' in listed ? listed.ids : [];
        for (const r of resultsFromMerged({
          file: narrow.mergedReport,
          suite,
          hosts,
          expected,
          adapt,
          severity,
          clean: makeClean(adapt.secrets),
        }))
          emit(r);
        return;
      }
      // A fresh folder: lines or a report from an earlier run in it must not be read as this run's.
      rmSync(outDir, { recursive: true, force: true });
      mkdirSync(outDir, { recursive: true });
      let manifestFile: string | undefined;
      if (estate.lab) {
        manifestFile = join(outDir, 'lab-manifest.json');
        writeFileSync(manifestFile, JSON.stringify(estate.lab, null, 2));
      }
      const hostNames = Object.fromEntries(estate.hosts.map((h) => [h.key, h.name]));
      const adapt: AdapterOptions = {
        defaultSeverity: severity,
        hostNames,
        secrets: estate.account.password ? [estate.account.password] : [],
      };
      const results: CheckResult[] = [];
      const record = (rec: TestRecord) => {
        const r = resultForTest(rec, adapt);
        if (results.some((x) => x.id === r.id)) return;
        emit(r);
        results.push(r); // only once emitted: a result emit refused is still taken from report.json
      };
      // Each test is recorded as it finishes (stream reporter), so a stopped run keeps what it finished.
      const clean = makeClean(adapt.secrets ?? []);
      const follower = followResults(join(outDir, 'results.jsonl'), record, emit, clean);
      let outcome: Awaited<ReturnType<typeof runPlaywright>>;
      try {
        outcome = await runPlaywright({
          suite,
          hosts,
          outDir,
          env: { ...suiteEnv(ctx, manifestFile, hosts), ...aria, ...narrow.env },
          workers: config.e2e.workers,
          signal,
          ...(narrow.grep ? { grep: narrow.grep } : {}),
          ...(narrow.onSpawn ? { onSpawn: narrow.onSpawn } : {}),
          ...(narrow.killGraceMs !== undefined ? { killGraceMs: narrow.killGraceMs } : {}),
        });
      } finally {
        follower.stop();
      }
      const followFailure = follower.errors.map((e) => e.message).join(' | ');
      if (signal.aborted)
        throw new Error(
          `Playwright was stopped (${signal.reason instanceof Error ? signal.reason.message : 'aborted'}) after ${results.length} tests; its output is in ${outcome.logFile}`,
        );
      if (!existsSync(outcome.reportFile)) {
        throw new Error(
          `Playwright exited ${outcome.exitCode ?? outcome.signal} without a JSON report; see ${outcome.logFile}: ${outcome.tail.trim().split('\n').slice(-3).join(' | ')}`,
        );
      }
      // The JSON report is complete: anything the stream missed is recorded from it.
      const report = JSON.parse(readFileSync(outcome.reportFile, 'utf8')) as JSONReport;
      for (const rec of recordsFromReport(report)) record(rec);
      for (const h of hosts)
        if (!results.some((r) => r.details?.['project'] === h)) emit(noTests(suite, h, hostNames[h] ?? h, report, severity));
      if (report.errors.length)
        emit(runError(suite, severity, clean(report.errors.map((e) => e.message ?? e.value ?? 'unknown error').join(' | '))));
      if (followFailure) throw new Error(`the stream of results could not be followed: ${followFailure}`);
    },
  };
}

function noTests(suite: string, host: HostKey, hostName: string, report: JSONReport, severity: Severity): CheckResult {
  return {
    id: `e2e:${host}:${suite}`,
    kind: 'e2e',
    title: `${host}: @${suite} tests`,
    target: { host: hostName },
    severity,
    status: 'broken',
    attempts: 1,
    flaky: false,
    startedAt: new Date(report.stats.startTime).toISOString(),
    durationMs: 0,
    message: `no @${suite} test ran for ${host}: the project selected none (check the spec files and tags)`,
  };
}

function streamError(file: string, lineNo: number, message: string): CheckResult {
  return {
    id: `e2e:stream:${lineNo}`,
    kind: 'e2e',
    title: `result line ${lineNo} of ${file}`,
    target: {},
    severity: 'critical',
    status: 'broken',
    attempts: 1,
    flaky: false,
    startedAt: new Date().toISOString(),
    durationMs: 0,
    message: `line ${lineNo} of ${file} could not be recorded (that test's result is taken from report.json if it has one): ${message}`,
  };
}

function runError(suite: string, severity: Severity, message: string): CheckResult {
  return {
    id: `e2e:${suite}:run`,
    kind: 'e2e',
    title: `Playwright ${suite} run`,
    target: {},
    severity,
    status: 'broken',
    attempts: 1,
    flaky: false,
    startedAt: new Date().toISOString(),
    durationMs: 0,
    message: `Playwright reported an error outside any test: ${message.replace(/\u001b\[[0-9;]*m/g, '').split('\n')[0]}`,
  };
}

export const e2eKind = defineKind({
  id: 'e2e',
  family: 'e2e',
  summary: 'a Playwright suite (smoke or regression) on the named hosts, one result per test and host',
  params: z.strictObject({
    suite: z.enum(['smoke', 'regression']),
    hosts: z.array(HostKey).min(1),
    /** Accessibility-tree baseline: record, compare, or off; default record at pre-maintenance, compare at post-window. */
    aria: z.enum(['record', 'compare', 'off']).optional(),
  }),
  severity: 'major',
  plan: (ctx: PlanContext, p, severity) => {
    const merged = process.env[MERGED_REPORT_ENV];
    const narrow: BatchNarrowing = { ...(merged ? { mergedReport: merged } : {}), ...(p.aria ? { aria: p.aria } : {}) };
    return [e2eBatch(ctx, p.suite, p.hosts, narrow, severity)];
  },
});
