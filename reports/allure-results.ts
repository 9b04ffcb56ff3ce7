// Allure 2/3 result files (one <uuid>-result.json per check) so history and grouping work in any Allure report.
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Severity, Status, Target } from '../core/result.ts';
import { reportedChecks, targetLabel } from './checks.ts';
import type { ReportedCheck } from './checks.ts';
import { findingOf } from './findings.ts';
import type { Finding } from './findings.ts';
import { finalVerdict, type RunView } from './run-folder.ts';

/** The subset of the Allure result model (allure-js-commons `TestResult`) this harness writes. */
export interface AllureLabel {
  name: string;
  value: string;
}
export interface AllureParameter {
  name: string;
  value: string;
}
export interface AllureAttachment {
  name: string;
  source: string;
  type: string;
}
export interface AllureTestResult {
  uuid: string;
  historyId: string;
  testCaseId: string;
  fullName: string;
  name: string;
  status: Status;
  statusDetails: { message?: string; trace?: string; flaky?: boolean };
  stage: 'finished';
  description: string;
  start?: number;
  stop?: number;
  labels: AllureLabel[];
  parameters: AllureParameter[];
  attachments: AllureAttachment[];
  links: never[];
  steps: never[];
}

const ALLURE_SEVERITY: Record<Severity, string> = { critical: 'critical', major: 'normal', minor: 'minor' };
const TARGET_FIELDS: (keyof Target)[] = ['host', 'server', 'resolver', 'nameserver', 'record'];

/** Stable per check id, so Allure links the same check across runs (history, retries, flakiness). */
export function stableCaseId(checkId: string): string {
  return createHash('md5').update(checkId).digest('hex');
}

/** How a report over several run folders keeps each step's checks apart (the same check id runs at several steps). */
export interface ResultOptions {
  /** The key historyId/testCaseId are the md5 of (default: the check id); a window report uses `<step>:<check id>`. */
  caseKey?: (c: ReportedCheck) => string;
  /** The suite label (the tree's first level; default: the step id). */
  suite?: string;
  /** Where the result files go (default: RUN/allure-results). */
  outDir?: string;
  /** environment.properties entries (default: the run's window, phase, env, verdict …); a window report's are the window's. */
  environment?: readonly [string, string][];
}

function labelsOf(check: ReportedCheck, run: RunView, finding: Finding, suite = run.phase): AllureLabel[] {
  const labels: AllureLabel[] = [
    { name: 'parentSuite', value: run.window },
    { name: 'suite', value: suite },
    { name: 'subSuite', value: check.kind },
    { name: 'feature', value: check.kind },
    { name: 'severity', value: ALLURE_SEVERITY[check.severity] },
    { name: 'tag', value: run.env },
    // the report's tree (step › kind › target) and its categories key on these two
    { name: 'target', value: targetLabel(check) || 'run' },
    { name: 'finding', value: finding },
  ];
  if (check.target.host) labels.push({ name: 'host', value: check.target.host });
  if (check.target.server) labels.push({ name: 'server', value: check.target.server });
  if (check.flaky) labels.push({ name: 'tag', value: 'flaky' });
  if (check.missing) labels.push({ name: 'tag', value: 'missing-result' });
  return labels;
}

function descriptionOf(check: ReportedCheck): string {
  const lines = [`Check \`${check.id}\` (${check.kind}, severity ${check.severity}).`];
  const where = targetLabel(check);
  if (where) lines.push(`Target: ${where}.`);
  lines.push(`Attempts: ${check.attempts}${check.flaky ? ' (flaky: passed only after a retry)' : ''}.`);
  if (check.missing) lines.push('The plan expected this check but no result was recorded.');
  return lines.join('\n\n');
}

function timings(check: ReportedCheck): { start?: number; stop?: number } {
  const start = Date.parse(check.startedAt);
  return Number.isFinite(start) ? { start, stop: start + Math.round(check.durationMs) } : {};
}

/** Pure mapping of one check; `attachmentSource` names the details file when the check has details. */
export function toAllureResult(
  check: ReportedCheck,
  run: RunView,
  uuid: string,
  attachmentSource?: string,
  finding: Finding = findingOf(check),
  opts: Pick<ResultOptions, 'caseKey' | 'suite'> = {},
): AllureTestResult {
  const statusDetails: AllureTestResult['statusDetails'] = {};
  if (check.message !== undefined) statusDetails.message = check.message;
  if (check.details !== undefined && check.status !== 'passed') statusDetails.trace = JSON.stringify(check.details, null, 2);
  if (check.flaky) statusDetails.flaky = true;
  const caseId = stableCaseId(opts.caseKey ? opts.caseKey(check) : check.id);
  return {
    uuid,
    historyId: caseId,
    testCaseId: caseId,
    fullName: check.id,
    name: check.title || check.id,
    status: check.status,
    statusDetails,
    stage: 'finished',
    description: descriptionOf(check),
    ...timings(check),
    labels: labelsOf(check, run, finding, opts.suite),
    parameters: TARGET_FIELDS.flatMap((f) => (check.target[f] ? [{ name: f, value: check.target[f] }] : [])),
    attachments: attachmentSource ? [{ name: 'details', source: attachmentSource, type: 'application/json' }] : [],
    links: [],
    steps: [],
  };
}

/** Java-properties escaping: Allure reads environment.properties with that syntax. */
function propertiesLine(key: string, value: string): string {
  const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
  return `${esc(key).replace(/([=: ])/g, '\\$1')}=${esc(value)}`;
}

function environmentProperties(run: RunView, given?: readonly [string, string][]): string {
  const entries: readonly [string, string][] = given ?? [
    ['window', run.window],
    ['phase', run.phase],
    ['env', run.env],
    ['verdict', finalVerdict(run)],
    ['action', run.action ?? 'none'],
    ['partial', String(run.partial)],
    ['startedAt', run.startedAt],
    ['finishedAt', run.finishedAt ?? 'not finished'],
  ];
  return entries.map(([k, v]) => propertiesLine(k, v)).join('\n') + '\n';
}

export interface WrittenResults {
  dir: string;
  /** check id → the uuid of its result file (the report links a check as `#md5(uuid)`). */
  uuidById: Map<string, string>;
}

/** Replaces DIR/allure-results with one result file per check (plus attachments and environment); returns the folder. */
export async function writeAllureResults(run: RunView): Promise<string> {
  return (await writeAllureResultsFor(run)).dir;
}

/** As writeAllureResults; `findings` classifies each check (pre-existing needs the baseline run). */
export async function writeAllureResultsFor(
  run: RunView,
  findings: (c: ReportedCheck) => Finding = (c) => findingOf(c),
  opts: ResultOptions = {},
): Promise<WrittenResults> {
  const uuidById = new Map<string, string>();
  const out = opts.outDir ?? join(run.dir, 'allure-results');
  await rm(out, { recursive: true, force: true }); // a replay must not leave the previous replay's duplicates
  await mkdir(out, { recursive: true });
  for (const check of reportedChecks(run)) {
    const uuid = randomUUID();
    uuidById.set(check.id, uuid);
    let source: string | undefined;
    if (check.details !== undefined) {
      source = `${randomUUID()}-attachment.json`;
      await writeFile(join(out, source), JSON.stringify(check.details, null, 2), 'utf8');
    }
    await writeFile(
      join(out, `${uuid}-result.json`),
      JSON.stringify(toAllureResult(check, run, uuid, source, findings(check), opts), null, 2),
      'utf8',
    );
  }
  await writeFile(join(out, 'environment.properties'), environmentProperties(run, opts.environment), 'utf8');
  const executor = {
    name: 'maintenance-window harness',
    type: 'local',
    buildName: `${run.window} ${run.phase} (${run.env})`,
    reportName: reportTitle(run),
  };
  await writeFile(join(out, 'executor.json'), JSON.stringify(executor, null, 2), 'utf8');
  return { dir: out, uuidById };
}

export function reportTitle(run: RunView): string {
  return `Maintenance ${run.window} · ${run.phase} · ${run.env} · ${finalVerdict(run).toUpperCase()}${run.partial || run.only ? ' (partial)' : ''}`;
}
