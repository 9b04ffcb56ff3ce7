// JUnit XML that CI test views read right: only blocking checks fail or error, the verdict is a test case of its own.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { groupByKind, reportedChecks, targetLabel } from './checks.ts';
import { blocks } from './findings.ts';
import type { ReportedCheck } from './checks.ts';
import { finalVerdict, type RunView } from './run-folder.ts';
import { appliedLine } from './applied.ts';
import { xmlAttr, xmlText } from './xml.ts';

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

/** The testcase name: stable id first (CI history keys on it), then the words a person reads. */
export function junitCaseName(check: Pick<ReportedCheck, 'id' | 'title'>): string {
  return check.title && check.title !== check.id ? `${check.id}: ${check.title}` : check.id;
}

function bodyOf(check: ReportedCheck): string {
  const lines = [check.message ?? `${check.status} without a message`];
  const where = targetLabel(check);
  if (where) lines.push(`target: ${where}`);
  lines.push(`severity: ${check.severity}, attempts: ${check.attempts}${check.flaky ? ' (flaky)' : ''}`);
  if (check.details) lines.push(`details: ${JSON.stringify(check.details, null, 2)}`);
  return lines.join('\n');
}

/**
 * Blocking (critical) failed → <failure>; blocking broken → <error> (type missing for a planned check without result);
 * a non-blocking failed or broken check → <skipped> saying why it did not count, its evidence in <system-out>.
 */
function testcase(check: ReportedCheck): string {
  const open = `    <testcase classname="${xmlAttr(check.kind)}" name="${xmlAttr(junitCaseName(check))}" time="${seconds(check.durationMs)}"`;
  const message = xmlAttr(check.message ?? check.status);
  const out = (text: string) => `      <system-out>${xmlText(text)}</system-out>`;
  if (check.status === 'passed')
    return check.flaky ? `${open}>\n${out(`passed after ${check.attempts} attempts (flaky)`)}\n    </testcase>` : `${open}/>`;
  if (check.status === 'skipped') return `${open}>\n      <skipped message="${message}"/>\n    </testcase>`;
  if (!blocks(check)) {
    const what = check.status === 'failed' ? 'failed' : 'could not be checked';
    const because =
      check.excused === 'pre-existing'
        ? 'pre-existing: the baseline run failed the same way'
        : check.excused === 'tolerated'
          ? 'tolerated at this step'
          : `severity ${check.severity}`;
    const why = `not blocking (${because}), ${what}: ${check.message ?? 'no message'}`;
    return `${open}>\n      <skipped message="${xmlAttr(why)}"/>\n${out(bodyOf(check))}\n    </testcase>`;
  }
  if (check.status === 'failed')
    return `${open}>\n      <failure message="${message}" type="failed">${xmlText(bodyOf(check))}</failure>\n    </testcase>`;
  return `${open}>\n      <error message="${message}" type="${check.missing ? 'missing' : 'broken'}">${xmlText(bodyOf(check))}</error>\n    </testcase>`;
}

/** The run's verdict as a test case: go passes, no-go fails, inconclusive is an error; the body is the reasons. */
function verdictCase(run: RunView): string {
  const name = `verdict: ${run.phase} · window ${run.window} · ${run.env}`;
  const open = `    <testcase classname="verdict" name="${xmlAttr(name)}" time="0.000"`;
  const verdict = finalVerdict(run);
  const body = xmlText(
    [
      `verdict: ${verdict}${run.partial ? ' (partial run)' : ''}${run.only ? ` (only ${run.only.join(', ')} checked)` : ''}`,
      ...(run.applied ? [`--apply: ${appliedLine(run.applied)}`] : []),
      `action: ${run.action ?? 'none'}`,
      'reasons:',
      ...run.reasons.map((r) => `  - ${r}`),
      ...(run.findings.length ? ['warnings (not blocking):', ...run.findings.map((w) => `  - ${w}`)] : []),
    ].join('\n'),
  );
  const headline = xmlAttr(`${verdict.toUpperCase()}: ${run.action ?? 'no action'}`);
  if (verdict === 'go') return `${open}>\n      <system-out>${body}</system-out>\n    </testcase>`;
  if (verdict === 'no-go') return `${open}>\n      <failure message="${headline}" type="no-go">${body}</failure>\n    </testcase>`;
  return `${open}>\n      <error message="${headline}" type="inconclusive">${body}</error>\n    </testcase>`;
}

function properties(run: RunView, indent: string): string {
  const props: [string, string][] = [
    ['window', run.window],
    ['phase', run.phase],
    ['env', run.env],
    ['verdict', finalVerdict(run)],
    ['partial', String(run.partial)],
    ['action', run.action ?? ''],
  ];
  if (run.only) props.push(['only', run.only.join(',')]);
  if (run.applied) props.push(['verdictBeforeApply', run.verdict], ['applied', appliedLine(run.applied)]);
  if (run.baseline) props.push(['baseline', run.baseline]);
  const lines = props.map(([n, v]) => `${indent}  <property name="${xmlAttr(n)}" value="${xmlAttr(v)}"/>`);
  return `${indent}<properties>\n${lines.join('\n')}\n${indent}</properties>`;
}

/** Counts as the test cases render them (a non-blocking failed or broken check is skipped). */
function tally(checks: readonly ReportedCheck[]) {
  return {
    tests: checks.length,
    failures: checks.filter((c) => c.status === 'failed' && blocks(c)).length,
    errors: checks.filter((c) => c.status === 'broken' && blocks(c)).length,
    skipped: checks.filter((c) => c.status === 'skipped' || (c.status !== 'passed' && !blocks(c))).length,
    time: seconds(checks.reduce((sum, c) => sum + c.durationMs, 0)),
  };
}

export function renderJUnit(run: RunView): string {
  const checks = reportedChecks(run);
  const suites = [...groupByKind(checks)].map(([kind, list]) => {
    const t = tally(list);
    const head = `  <testsuite name="${xmlAttr(kind)}" tests="${t.tests}" failures="${t.failures}" errors="${t.errors}" skipped="${t.skipped}" time="${t.time}" timestamp="${xmlAttr(run.startedAt)}">`;
    return [head, properties(run, '    '), ...list.map(testcase), '  </testsuite>'].join('\n');
  });
  const v = { failures: finalVerdict(run) === 'no-go' ? 1 : 0, errors: finalVerdict(run) === 'inconclusive' ? 1 : 0 };
  const verdictSuite = [
    `  <testsuite name="verdict" tests="1" failures="${v.failures}" errors="${v.errors}" skipped="0" time="0.000" timestamp="${xmlAttr(run.startedAt)}">`,
    properties(run, '    '),
    verdictCase(run),
    '  </testsuite>',
  ].join('\n');
  const t = tally(checks);
  const name = `maintenance window ${run.window} ${run.phase} (${run.env})`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlAttr(name)}" tests="${t.tests + 1}" failures="${t.failures + v.failures}" errors="${t.errors + v.errors}" skipped="${t.skipped}" time="${t.time}">`,
    verdictSuite,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

/** Writes DIR/junit.xml and returns its path. */
export async function writeJUnit(run: RunView): Promise<string> {
  const path = join(run.dir, 'junit.xml');
  await writeFile(path, renderJUnit(run), 'utf8');
  return path;
}
