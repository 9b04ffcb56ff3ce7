import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from '../../core/gate.ts';
import type { CheckResult } from '../../core/result.ts';
import type { PlannedCheck } from '../../core/ledger.ts';
import { juneStep } from '../support/window.ts';

const post = juneStep('post-window');
const web15 = juneStep('web1-5');
const regression = juneStep('regression');

const mk = (id: string, status: CheckResult['status'], severity: CheckResult['severity'] = 'critical', message?: string): CheckResult => ({
  id,
  kind: 'sanity',
  title: id,
  target: {},
  severity,
  status,
  attempts: 1,
  flaky: false,
  startedAt: '2025-06-22T04:00:00Z',
  durationMs: 1,
  ...(message ? { message } : {}),
});
const plan = (ids: string[], severity: CheckResult['severity'] = 'critical'): PlannedCheck[] =>
  ids.map((id) => ({ id, kind: 'sanity', title: id, severity, target: {} }));

test('verdict table', () => {
  const cases: { name: string; checks: CheckResult[]; planned?: PlannedCheck[]; interrupted?: boolean; verdict: string; reason: RegExp }[] =
    [
      { name: 'all pass', checks: [mk('a', 'passed'), mk('b', 'passed')], verdict: 'go', reason: /all 2 critical checks passed/ },
      {
        name: 'critical failed',
        checks: [mk('a', 'failed', 'critical', 'IC-Web3 refused'), mk('b', 'broken')],
        verdict: 'no-go',
        reason: /^a failed: IC-Web3 refused/,
      },
      {
        name: 'critical broken',
        checks: [mk('a', 'passed'), mk('b', 'broken', 'critical', 'k6 not installed')],
        verdict: 'inconclusive',
        reason: /^b broken: k6 not installed/,
      },
      {
        name: 'critical missing',
        checks: [mk('a', 'passed')],
        planned: plan(['a', 'b']),
        verdict: 'inconclusive',
        reason: /^b broken: no result was recorded/,
      },
      { name: 'major failed only', checks: [mk('a', 'passed'), mk('b', 'failed', 'major')], verdict: 'go', reason: /all 1 critical/ },
      { name: 'nothing checked', checks: [mk('a', 'broken', 'major')], verdict: 'inconclusive', reason: /nothing could be checked/ },
      {
        name: 'interrupted',
        checks: [mk('a', 'passed')],
        planned: plan(['a', 'b']),
        interrupted: true,
        verdict: 'inconclusive',
        reason: /run interrupted: 1 of 2/,
      },
    ];
  for (const c of cases) {
    const d = decide({ step: post, checks: c.checks, planned: c.planned ?? [], interrupted: c.interrupted ?? false });
    assert.equal(d.verdict, c.verdict, c.name);
    assert.match(d.reasons[0]!, c.reason, c.name);
  }
});

test('post-window decides on the maintenance page', () => {
  const broken = decide({ step: post, checks: [mk('a', 'failed')], planned: [] });
  assert.equal(broken.action, 'the site is broken for users: put the maintenance page up on www, my, sso');
  assert.deepEqual(broken.operation, { op: 'maintenance-page', turn: 'on', hosts: ['www', 'my', 'sso'] });
  assert.match(decide({ step: post, checks: [mk('a', 'passed')], planned: [] }).action!, /keep the site open/);
  const stuck = {
    ...mk('maintenance:my', 'failed'),
    target: { host: 'my.invoicecloud.test' },
    details: { failure: { layer: 'assertion', code: 'MAINTENANCE_PAGE_STILL_UP', message: 'still served' } },
  };
  const refined = decide({ step: post, checks: [stuck], planned: [] });
  assert.match(refined.action!, /maintenance page is still served; keep the site open: take the maintenance page down on my$/);
  assert.deepEqual(refined.operation, { op: 'maintenance-page', turn: 'off', hosts: ['my'] });
  assert.match(
    decide({ step: post, checks: [stuck, mk('sanity:IC-Web1:www:/', 'failed')], planned: [] }).action!,
    /put the maintenance page up on www, my, sso/,
  );
  // An inconclusive run is never given an executable step.
  assert.equal(decide({ step: post, checks: [mk('a', 'broken'), mk('b', 'passed')], planned: [] }).operation, undefined);
  assert.match(decide({ step: web15, checks: [mk('a', 'passed')], planned: [] }).action!, /smoke testing can begin/);
});

test('non-critical findings are warnings, one line each, and missing results are added as broken checks', () => {
  const d = decide({
    step: web15,
    checks: [mk('a', 'passed'), mk('b', 'failed', 'minor', 'slow')],
    planned: plan(['a', 'b', 'c'], 'major'),
  });
  assert.deepEqual(d.warnings, [
    'b failed: slow',
    'c broken: no result was recorded for this planned check (the run ended before it finished)',
  ]);
  assert.equal(d.checks.length, 3);
  assert.equal(d.checks.find((c) => c.id === 'c')!.attempts, 0);
});

test('a batch planned by prefix is satisfied by any of its results', () => {
  const planned: PlannedCheck[] = [{ id: 'k6:x', kind: 'k6', title: 'x', severity: 'critical', target: {}, prefix: true }];
  assert.equal(decide({ step: regression, checks: [mk('k6:x:threshold:p95', 'passed')], planned }).verdict, 'go');
  assert.equal(decide({ step: regression, checks: [mk('other', 'passed')], planned }).verdict, 'inconclusive');
});
