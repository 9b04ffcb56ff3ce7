// e2e results taken from a merged Playwright JSON report (CI: shards' blob reports merged by `playwright merge-reports`)
// instead of starting Playwright: the same adapter, every listed test still planned, a listed test it lacks is broken.
import { readFileSync } from 'node:fs';
import type { JSONReport } from '@playwright/test/reporter';
import type { CheckResult, Severity } from '../core/result.ts';
import { recordsFromReport, resultForTest, type AdapterOptions } from './adapter.ts';

/** Set by `npm run regression -- --e2e-report=FILE` (absolute path); the e2e kind reads it when it plans. */
export const MERGED_REPORT_ENV = 'HARNESS_E2E_MERGED_REPORT';

export interface MergedOptions {
  file: string;
  suite: 'smoke' | 'regression';
  hosts: readonly string[];
  /** The ids Playwright's listing planned. */
  expected: readonly string[];
  adapt: AdapterOptions;
  severity: Severity;
  clean: (text: string) => string;
}

function broken(id: string, title: string, target: CheckResult['target'], severity: Severity, message: string): CheckResult {
  return {
    id,
    kind: 'e2e',
    title,
    target,
    severity,
    status: 'broken',
    attempts: 0,
    flaky: false,
    startedAt: new Date().toISOString(),
    durationMs: 0,
    message,
  };
}

/** Reads the report (throws, naming the file, when it cannot: the batch's tests are then broken) and adapts each test. */
export function resultsFromMerged(o: MergedOptions): CheckResult[] {
  let report: JSONReport;
  try {
    report = JSON.parse(readFileSync(o.file, 'utf8')) as JSONReport;
  } catch (err) {
    throw new Error(`the merged Playwright report ${o.file} cannot be read: ${(err as Error).message}`);
  }
  if (!Array.isArray(report.suites)) throw new Error(`${o.file} is not a Playwright JSON report (no "suites")`);
  const results = new Map<string, CheckResult>();
  for (const rec of recordsFromReport(report)) {
    if (!o.hosts.includes(rec.project)) continue; // another check's hosts
    const r = resultForTest(rec, o.adapt);
    if (!results.has(r.id)) results.set(r.id, r);
  }
  const names = o.adapt.hostNames ?? {};
  for (const id of o.expected) {
    if (results.has(id)) continue;
    const project = id.split(':')[1] ?? '';
    results.set(
      id,
      broken(
        id,
        id,
        { host: names[project] ?? project },
        o.severity,
        `not in the merged Playwright report ${o.file}: the shard that should have run it did not report it (a shard failed, was cancelled, or ran other tests)`,
      ),
    );
  }
  for (const h of o.hosts) {
    if ([...results.values()].some((r) => r.details?.['project'] === h || r.id.startsWith(`e2e:${h}:`))) continue;
    results.set(
      `e2e:${h}:${o.suite}`,
      broken(
        `e2e:${h}:${o.suite}`,
        `${h}: @${o.suite} tests`,
        { host: names[h] ?? h },
        o.severity,
        `the merged report ${o.file} has no @${o.suite} test for ${h}`,
      ),
    );
  }
  if (report.errors?.length) {
    const text = o.clean(report.errors.map((e) => e.message ?? e.value ?? 'unknown error').join(' | '));
    results.set(
      `e2e:${o.suite}:run`,
      broken(
        `e2e:${o.suite}:run`,
        `Playwright ${o.suite} run`,
        {},
        o.severity,
        `a shard reported an error outside any test: ${text.replace(/\u001b\[[0-9;]*m/g, '').split('\n')[0]}`,
      ),
    );
  }
  return [...results.values()];
}
