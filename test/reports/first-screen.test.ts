// What summary.json says about a run beyond its verdict reaches the first screen and JUnit: pre-existing failures
// (the gate's baseline), a partial --only run, and what --apply did with the verdict after it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import type { CheckResult } from '../../core/result.ts';
import { reportedChecks } from '../../reports/checks.ts';
import { decisionBlock } from '../../reports/decision-page.ts';
import { findingOf, reasonLines } from '../../reports/findings.ts';
import { renderJUnit } from '../../reports/junit.ts';
import { runReport } from '../../reports/report.ts';
import { readRunFolder } from '../../reports/run-folder.ts';
import { makeRunFolder, tmpRoot } from './fixture.ts';

const TMP_ROOT = tmpRoot('first-screen');

const check = (id: string, status: CheckResult['status'], severity: CheckResult['severity'], code?: string): CheckResult => ({
  id,
  kind: 'sanity',
  title: `${id} answers`,
  target: { host: 'www', server: id.split(':')[1] },
  severity,
  status,
  attempts: 1,
  flaky: false,
  startedAt: '2025-06-22T04:00:00.000Z',
  durationMs: 10,
  ...(status === 'passed'
    ? {}
    : { message: `${id} answered HTTP 500`, details: { failure: { layer: 'http', code: code ?? 'HTTP_STATUS' } } }),
});

interface JUnitCase {
  name: string;
  failure?: unknown;
  error?: unknown;
  skipped?: { message: string };
  'system-out'?: string;
}
interface JUnitDoc {
  testsuites: {
    failures: string;
    errors: string;
    testsuite: { name: string; properties: { property: { name: string; value: string }[] }; testcase: JUnitCase[] }[];
  };
}
const parseJUnit = (xml: string): JUnitDoc =>
  new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    isArray: (n) => ['testsuite', 'testcase', 'property'].includes(n),
  }).parse(xml) as JUnitDoc;

test('a critical failure the baseline had is pre-existing: GO, not blocking in JUnit or on the first screen, its line linked', async () => {
  const before = [check('sanity:IC-Web1:www:/', 'passed', 'critical'), check('sanity:IC-Web3:www:/', 'failed', 'critical')];
  const { dir: baseDir } = await makeRunFolder(TMP_ROOT, { checks: before, phase: 'pre-maintenance' });
  const { dir, summary } = await makeRunFolder(TMP_ROOT, { checks: before, phase: 'web1-5', baseline: { run: baseDir, checks: before } });
  assert.equal(summary.verdict, 'go', 'the gate excused it');
  assert.match(summary.warnings?.[0] ?? '', /\(pre-existing: /);

  const run = await readRunFolder(dir);
  const web3 = reportedChecks(run).find((c) => c.id === 'sanity:IC-Web3:www:/')!;
  assert.equal(web3.excused, 'pre-existing');
  assert.equal(findingOf(web3), 'pre-existing');

  const doc = parseJUnit(renderJUnit(run));
  assert.equal(doc.testsuites.failures, '0', 'a GO run: zero failures');
  assert.equal(doc.testsuites.errors, '0');
  const c = doc.testsuites.testsuite.flatMap((s) => s.testcase).find((x) => x.name.startsWith('sanity:IC-Web3:www:/'))!;
  assert.match(c.skipped?.message ?? '', /^not blocking \(pre-existing: the baseline run failed the same way\), failed: /);

  const [line] = reasonLines(run.findings, reportedChecks(run));
  assert.equal(line?.checks[0]?.id, 'sanity:IC-Web3:www:/', 'the warning line is matched to its check');
  assert.match(line?.text ?? '', /^IC-Web3 www — .* — failed: .*HTTP 500 \(pre-existing: the same failure was in the baseline run /);
  const html = decisionBlock({ run, uuidById: new Map([[web3.id, 'u-1']]) });
  assert.match(html, /hd-tag-pre-existing/);
  assert.match(html, /Pre-existing: failed the same way at baseline: <b>1<\/b>/);
  assert.doesNotMatch(html, /Blocking: failed/);
  assert.match(html, new RegExp(`Baseline: ${baseDir.replace(/[/.]/g, '\\$&')} \\(1 pre-existing failure, not counted\\)`));
});

test('a tolerated critical failure is a warning, not blocking', async () => {
  const checks = [
    check('dns:resolver-a:www', 'failed', 'critical', 'DNS_RESOLVER_CACHED'),
    check('sanity:IC-Web1:www:/', 'passed', 'critical'),
  ];
  const { dir, summary } = await makeRunFolder(TMP_ROOT, { checks, phase: 'dns-migration' });
  assert.equal(summary.verdict, 'go', summary.reasons.join('; '));
  const run = await readRunFolder(dir);
  const dns = reportedChecks(run).find((c) => c.id === 'dns:resolver-a:www')!;
  assert.equal(dns.excused, 'tolerated');
  assert.equal(findingOf(dns), 'warning');
  const doc = parseJUnit(renderJUnit(run));
  assert.equal(doc.testsuites.failures, '0');
  const c = doc.testsuites.testsuite.flatMap((s) => s.testcase).find((x) => x.name.startsWith('dns:resolver-a:www'))!;
  assert.match(c.skipped?.message ?? '', /^not blocking \(tolerated at this step\)/);
});

test('--apply: the verdict after it leads the block and JUnit, the one before is shown; --only is a partial run', async () => {
  const checks = [check('maintenance:my', 'failed', 'critical'), check('sanity:IC-Web1:www:/', 'passed', 'critical')];
  const applied = {
    operation: { op: 'maintenance-page', turn: 'off' as const, hosts: ['my'] },
    by: 'lab control API',
    ok: true,
    detail: 'maintenance page off on my',
    recheck: { verdict: 'go' as const, reasons: ['all 1 critical checks passed'], checks: [] },
    verdict: 'go' as const,
  };
  const { dir, summary } = await makeRunFolder(TMP_ROOT, {
    checks,
    phase: 'post-window',
    summaryExtra: { applied, partial: { only: ['sanity'] } },
  });
  assert.equal(summary.verdict, 'no-go');
  const run = await readRunFolder(dir);
  const html = decisionBlock({ run });
  assert.match(html, /data-verdict="go"/);
  assert.match(html, /<span class="hd-verdict">GO<\/span><span class="hd-was">NO-GO before --apply<\/span>/);
  assert.match(
    html,
    /--apply: maintenance-page off for my by lab control API: done \(maintenance page off on my\); re-check GO; verdict after --apply GO/,
  );
  assert.match(html, /Why it was NO-GO before --apply: 1 check/);
  assert.match(html, /Partial run: only sanity checks \(--only=sanity\); it never satisfies a later step\./);

  const doc = parseJUnit(renderJUnit(run));
  const verdict = doc.testsuites.testsuite.find((s) => s.name === 'verdict')!;
  const props = Object.fromEntries(verdict.properties.property.map((p) => [p.name, p.value]));
  assert.deepEqual(
    { verdict: props.verdict, before: props.verdictBeforeApply, only: props.only },
    { verdict: 'go', before: 'no-go', only: 'sanity' },
  );
  assert.equal(verdict.testcase[0]!.failure, undefined, 'the verdict case passes: GO after --apply');
  assert.match(verdict.testcase[0]!['system-out'] ?? '', /^verdict: go \(only sanity checked\)\n--apply: maintenance-page off/);
});

test('npm run report without --baseline compares with the baseline the run names (summary.json), when it is readable', async () => {
  const before = [check('sanity:IC-Web1:www:/', 'passed', 'critical'), check('k6:smoke:www', 'failed', 'major')];
  const { dir: baseDir } = await makeRunFolder(TMP_ROOT, { checks: before, phase: 'pre-maintenance' });
  const { dir } = await makeRunFolder(TMP_ROOT, { checks: before, phase: 'web1-5', baseline: { run: baseDir, checks: before } });
  const outcome = await runReport({ runDir: dir, log: () => undefined });
  const names = (await readdir(join(dir, 'allure-results'))).filter((n) => n.endsWith('-result.json'));
  const results = await Promise.all(names.map((n) => readFile(join(dir, 'allure-results', n), 'utf8')));
  const k6 = results
    .map((t) => JSON.parse(t) as { fullName: string; labels: { name: string; value: string }[] })
    .find((r) => r.fullName === 'k6:smoke:www')!;
  assert.equal(k6.labels.find((l) => l.name === 'finding')?.value, 'pre-existing', 'the non-blocking failure the baseline had');
  const html = await readFile(outcome.htmlPath!, 'utf8');
  assert.match(html, /Pre-existing: failed the same way at baseline: <b>1<\/b>/);
});
