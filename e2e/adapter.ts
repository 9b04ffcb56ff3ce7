// Playwright's JSON report → one CheckResult per test and project: status, flakiness, severity from the
// @critical tag, and a message naming the failing step and the expectation, with secrets and URL queries cut.
import type { JSONReport, JSONReportSpec, JSONReportSuite } from '@playwright/test/reporter';
import type { CheckResult, Severity, Status } from '../core/result.ts';
import { harnessCodeOf, type HarnessCode } from './harness-error.ts';

export interface AdapterOptions {
  /** Severity of a test without the @critical tag (config.policy.severity.e2e). */
  defaultSeverity: Severity;
  /** FQDN per project (host key), for result targets; the key itself when absent. */
  hostNames?: Record<string, string>;
  /** Values that must never appear in a result (the test account's password). */
  secrets?: readonly string[];
}

const ANSI = /\u001b\[[0-9;]*m/g;

export interface StepRecord {
  title: string;
  duration: number;
  error?: { message: string };
  steps?: StepRecord[];
}

/** One attempt of a test: the fields of Playwright's JSON report the adapter reads. */
export interface AttemptRecord {
  status: 'passed' | 'failed' | 'timedOut' | 'skipped' | 'interrupted';
  duration: number;
  startTime: string | Date;
  retry: number;
  errors: { message?: string; value?: string }[];
  error?: { message?: string; value?: string };
  steps?: StepRecord[];
  attachments: { name: string; path?: string; contentType: string }[];
  annotations?: { type: string; description?: string }[];
}

/** One test on one project, from the JSON report or the stream reporter (e2e/reporters/stream.ts). */
export interface TestRecord {
  project: string;
  /** Spec file relative to the test folder: smoke/my.spec.ts. */
  file: string;
  line: number;
  /** describe titles, then the test title. */
  titlePath: string[];
  tags: string[];
  test: {
    status: 'expected' | 'unexpected' | 'flaky' | 'skipped';
    expectedStatus: string;
    timeout: number;
    annotations: { type: string; description?: string }[];
    results: AttemptRecord[];
  };
}

function collectSpecs(suites: readonly JSONReportSuite[], path: string[] = []): { spec: JSONReportSpec; path: string[] }[] {
  return suites.flatMap((s) => {
    // File-level suites are titled with the file name; describe blocks add their titles.
    const here = s.title === s.file ? path : [...path, s.title];
    return [...(s.specs ?? []).map((spec) => ({ spec, path: here })), ...collectSpecs(s.suites ?? [], here)];
  });
}

/** Every test of a JSON report (merged shards included) as records. */
export function recordsFromReport(report: JSONReport): TestRecord[] {
  return collectSpecs(report.suites).flatMap(({ spec, path }) =>
    spec.tests.map((test) => ({
      project: test.projectName,
      file: spec.file,
      line: spec.line,
      titlePath: [...path, spec.title],
      tags: spec.tags,
      test: test as unknown as TestRecord['test'],
    })),
  );
}

export function e2eResultId(project: string, file: string, titlePath: readonly string[]): string {
  return `e2e:${project}:${file}:${titlePath.join(' › ')}`;
}

/** A secret as it may appear in text: raw, URL-encoded (path or form), JSON-escaped; longest first. */
export function secretForms(secret: string): string[] {
  const forms = [
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    JSON.stringify(secret).slice(1, -1),
  ];
  return [...new Set(forms)].sort((a, b) => b.length - a.length);
}

/** Removes colours, every form of the secrets and URL query strings from text headed for a result. */
export function makeClean(secrets: readonly string[]): (text: string) => string {
  const forms = secrets
    .filter(Boolean)
    .flatMap(secretForms)
    .sort((a, b) => b.length - a.length);
  return (text: string): string => {
    let out = text.replace(ANSI, '');
    for (const s of forms) out = out.split(s).join('[redacted]');
    // Query strings carry tokens (sso → my): keep the path, drop the query.
    return out.replace(/(https?:\/\/[^\s?"'`]+)\?[^\s"'`]*/g, '$1?…');
  };
}

/** The deepest step that failed, as a path of step titles. */
function failingStepPath(steps: readonly StepRecord[] | undefined): string[] {
  for (const step of steps ?? []) {
    if (!step.error) continue;
    return [step.title, ...failingStepPath(step.steps)];
  }
  return [];
}

/** The first lines of an error: its message and the expected / received lines, without the call log. */
function summariseError(err: { message?: string; value?: string } | undefined, clean: (t: string) => string, max = 500): string {
  const text = clean(err?.message ?? err?.value ?? 'unknown error');
  const lines = text.split('\n').map((l) => l.trim());
  // The call log and the code frame (JSON report only) follow the message: people act on the message.
  const cut = lines.findIndex((l) => l.startsWith('Call log:') || /^at \S+:\d+/.test(l) || /^>?\s*\d+ \|/.test(l));
  // Matcher signatures ("expect(received).toBe(expected) // Object.is equality") say nothing the lines around them do not.
  const kept = (cut >= 0 ? lines.slice(0, cut) : lines)
    .filter((l) => l && !/^expect\(.*\)\.\w+\(.*\)( \/\/.*)?$/.test(l))
    .map((l) => l.replace(/^Error: /, ''));
  const joined = kept.join(' — ');
  return joined.length > max ? `${joined.slice(0, max - 1)}…` : joined;
}

/** The code our fixtures put on the error that ended the last attempt (e2e/harness-error.ts), if any. */
function harnessCode(test: TestRecord['test']): HarnessCode | undefined {
  const last = test.results.at(-1);
  const first = last?.errors[0] ?? last?.error;
  return harnessCodeOf(first?.message ?? first?.value);
}

/** Broken only when the test did not run to the end or our own code says it could not test; never from message text. */
function statusOf(test: TestRecord['test']): Status {
  if (test.status === 'skipped' || test.expectedStatus === 'skipped') return 'skipped';
  if (test.status === 'expected' || test.status === 'flaky') return 'passed';
  const last = test.results.at(-1);
  if (!last || last.status === 'interrupted') return 'broken';
  return harnessCode(test) ? 'broken' : 'failed';
}

function messageOf(test: TestRecord['test'], clean: (t: string) => string): string | undefined {
  if (test.status === 'skipped' || test.expectedStatus === 'skipped') {
    const skip = [...test.annotations, ...(test.results.at(-1)?.annotations ?? [])].find((a) => a.type === 'skip');
    return `skipped: ${clean(skip?.description ?? 'left out on purpose')}`;
  }
  if (test.status === 'expected') return undefined;
  const last = test.results.at(-1);
  if (!last) return 'the test did not run';
  if (test.status === 'flaky')
    return `passed on retry ${last.retry} after failing: ${summariseError(test.results.find((r) => r.status !== 'passed')?.errors[0], clean, 300)}`;
  const step = failingStepPath(last.steps);
  const where = step.length ? `step "${step.join(' › ')}"` : 'the test';
  const lead = last.status === 'timedOut' ? `${where} timed out after ${test.timeout} ms` : `${where} failed`;
  const [first, ...more] = last.errors;
  const extra = more.length ? `; also: ${more.map((e) => summariseError(e, clean, 200)).join('; ')}` : '';
  return `${lead}: ${summariseError(first ?? last.error, clean)}${extra}`;
}

export function resultForTest(rec: TestRecord, opts: AdapterOptions): CheckResult {
  const clean = makeClean(opts.secrets ?? []);
  const { test, project } = rec;
  const tags = rec.tags.map((t) => t.replace(/^@/, ''));
  const message = messageOf(test, clean);
  const first = test.results[0];
  const attachments = test.results.flatMap((r) =>
    r.attachments.filter((a) => a.path).map((a) => ({ name: a.name, path: a.path!, retry: r.retry })),
  );
  const code = statusOf(test) === 'broken' ? harnessCode(test) : undefined;
  return {
    id: e2eResultId(project, rec.file, rec.titlePath),
    kind: 'e2e',
    title: `${project}: ${rec.titlePath.join(' › ')}`,
    target: { host: opts.hostNames?.[project] ?? project },
    severity: tags.includes('critical') ? 'critical' : opts.defaultSeverity,
    status: statusOf(test),
    attempts: Math.max(1, test.results.length),
    flaky: test.status === 'flaky',
    startedAt: new Date(first?.startTime ?? Date.now()).toISOString(),
    durationMs: test.results.reduce((sum, r) => sum + r.duration, 0),
    ...(message ? { message } : {}),
    details: {
      project,
      file: rec.file,
      line: rec.line,
      tags,
      attempts: test.results.map((r) => r.status),
      ...(attachments.length ? { attachments } : {}),
      ...(code ? { harnessCode: code } : {}),
    },
  };
}

export function resultsFromReport(report: JSONReport, opts: AdapterOptions): CheckResult[] {
  return recordsFromReport(report).map((rec) => resultForTest(rec, opts));
}
