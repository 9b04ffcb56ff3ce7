// JUnit XML for CI: one testsuite per check kind, one testcase per check, failed → failure, broken → error.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { groupByKind, reportedChecks, targetLabel } from './checks.ts';
import type { ReportedCheck } from './checks.ts';
import type { RunView } from './run-folder.ts';
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

function testcase(check: ReportedCheck): string {
  const open = `    <testcase classname="${xmlAttr(check.kind)}" name="${xmlAttr(junitCaseName(check))}" time="${seconds(check.durationMs)}"`;
  const message = xmlAttr(check.message ?? check.status);
  switch (check.status) {
    case 'passed':
      return check.flaky ? `${open}>\n      <system-out>${xmlText(`passed after ${check.attempts} attempts (flaky)`)}</system-out>\n    </testcase>` : `${open}/>`;
    case 'failed':
      return `${open}>\n      <failure message="${message}" type="failed">${xmlText(bodyOf(check))}</failure>\n    </testcase>`;
    case 'broken':
      return `${open}>\n      <error message="${message}" type="${check.missing ? 'missing' : 'broken'}">${xmlText(bodyOf(check))}</error>\n    </testcase>`;
    case 'skipped':
      return `${open}>\n      <skipped message="${message}"/>\n    </testcase>`;
  }
}

function properties(run: RunView, indent: string): string {
  const props: [string, string][] = [
    ['window', run.window], ['phase', run.phase], ['env', run.env], ['verdict', run.verdict],
    ['partial', String(run.partial)], ['action', run.action ?? ''],
  ];
  const lines = props.map(([n, v]) => `${indent}  <property name="${xmlAttr(n)}" value="${xmlAttr(v)}"/>`);
  return `${indent}<properties>\n${lines.join('\n')}\n${indent}</properties>`;
}

function tally(checks: readonly ReportedCheck[]) {
  return {
    tests: checks.length,
    failures: checks.filter((c) => c.status === 'failed').length,
    errors: checks.filter((c) => c.status === 'broken').length,
    skipped: checks.filter((c) => c.status === 'skipped').length,
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
  const t = tally(checks);
  const name = `maintenance window ${run.window} ${run.phase} (${run.env})`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlAttr(name)}" tests="${t.tests}" failures="${t.failures}" errors="${t.errors}" skipped="${t.skipped}" time="${t.time}">`,
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
