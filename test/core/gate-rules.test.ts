// Every rule of the gate (core/gate.ts, README "The verdict") as one table: input records and plan → verdict,
// the first reason, and what must be said among the warnings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decide, type GateInput } from '../../core/gate.ts';
import type { PlannedCheck } from '../../core/ledger.ts';
import type { CheckResult } from '../../core/result.ts';
import { juneStep } from '../support/window.ts';

type Status = CheckResult['status'];
const mk = (id: string, status: Status, o: Partial<CheckResult> & { code?: string } = {}): CheckResult => {
  const { code, ...rest } = o;
  return {
    id,
    kind: 'sanity',
    title: id,
    target: {},
    severity: 'critical',
    status,
    attempts: 1,
    flaky: false,
    startedAt: '2025-06-22T12:00:00Z',
    durationMs: 1,
    ...(status === 'passed' ? {} : { message: `${id} ${status}` }),
    ...(code ? { details: { failure: { layer: 'assertion', code, message: 'x' } } } : {}),
    ...rest,
  };
};
const plan = (id: string, o: Partial<PlannedCheck> = {}): PlannedCheck => ({
  id,
  kind: 'sanity',
  title: id,
  severity: 'critical',
  target: {},
  ...o,
});
const post = juneStep('post-window');

const cases: {
  rule: string;
  input: Omit<GateInput, 'step'>;
  verdict: string;
  reason: RegExp;
  warning?: RegExp;
}[] = [
  {
    rule: 'all critical checks passed → go',
    input: { checks: [mk('a', 'passed'), mk('b', 'passed')], planned: [plan('a'), plan('b')] },
    verdict: 'go',
    reason: /all 2 critical checks passed/,
  },
  {
    rule: 'a critical failure → no-go',
    input: { checks: [mk('a', 'failed'), mk('b', 'passed')], planned: [] },
    verdict: 'no-go',
    reason: /^a failed/,
  },
  {
    rule: 'a critical broken check → inconclusive',
    input: { checks: [mk('a', 'broken'), mk('b', 'passed')], planned: [] },
    verdict: 'inconclusive',
    reason: /^a broken/,
  },
  {
    rule: 'a blocking check skipped is not a pass → inconclusive',
    input: { checks: [mk('a', 'skipped'), mk('b', 'passed')], planned: [] },
    verdict: 'inconclusive',
    reason: /^a skipped/,
  },
  {
    rule: 'a planned check without a result is broken',
    input: { checks: [mk('a', 'passed')], planned: [plan('a'), plan('b')] },
    verdict: 'inconclusive',
    reason: /^b broken: no result was recorded/,
  },
  {
    rule: 'an id failed then passed counts as failed, and is flagged',
    input: { checks: [mk('a', 'failed'), mk('a', 'passed'), mk('b', 'passed')], planned: [plan('a'), plan('b')] },
    verdict: 'no-go',
    reason: /^a failed/,
    warning: /a was recorded 2 times with different outcomes \(failed, passed\): counted as failed/,
  },
  {
    rule: 'a result line cannot lower the plan severity',
    input: { checks: [mk('a', 'failed', { severity: 'minor' }), mk('b', 'passed')], planned: [plan('a'), plan('b')] },
    verdict: 'no-go',
    reason: /^a failed/,
  },
  {
    rule: 'under a batch planned by prefix, the higher severity wins',
    input: {
      checks: [mk('k6:x:t', 'failed', { severity: 'minor' }), mk('b', 'passed')],
      planned: [plan('k6:x', { prefix: true }), plan('b')],
    },
    verdict: 'no-go',
    reason: /^k6:x:t failed/,
  },
  {
    rule: 'no data (a threshold with no samples) is broken, never a pass',
    input: {
      checks: [mk('k6:x:threshold:p95', 'broken', { code: 'K6_NO_DATA' }), mk('b', 'passed')],
      planned: [plan('k6:x:threshold:p95'), plan('b')],
    },
    verdict: 'inconclusive',
    reason: /^k6:x:threshold:p95 broken/,
  },
  {
    rule: 'non-critical failures are warnings',
    input: { checks: [mk('a', 'passed'), mk('b', 'failed', { severity: 'major' })], planned: [] },
    verdict: 'go',
    reason: /all 1 critical/,
    warning: /^b failed/,
  },
  {
    rule: 'a failure the step tolerates (resolver caching inside its TTL) is a warning, with why',
    input: { checks: [mk('dns:resolver:r1', 'failed', { code: 'DNS_RESOLVER_CACHED' }), mk('b', 'passed')], planned: [] },
    verdict: 'go',
    reason: /all 1 critical/,
    warning: /dns:resolver:r1 failed: .*tolerated at this step: the delegation is right/,
  },
  {
    rule: 'a resolver following an old delegation is not tolerated',
    input: { checks: [mk('dns:resolver:r1', 'failed', { code: 'DNS_RESOLVER_STALE' }), mk('b', 'passed')], planned: [] },
    verdict: 'no-go',
    reason: /^dns:resolver:r1 failed/,
  },
  {
    rule: 'a failure identical to the baseline is pre-existing, named with the baseline run',
    input: {
      checks: [mk('a', 'failed', { code: 'HTTP_STATUS' }), mk('b', 'passed')],
      planned: [],
      baseline: { run: 'runs/2025-06-22/pre-maintenance/T', checks: [mk('a', 'failed', { code: 'HTTP_STATUS' })] },
    },
    verdict: 'go',
    reason: /all 1 critical/,
    warning: /a failed: .*pre-existing: the same failure was in the baseline run runs\/2025-06-22\/pre-maintenance\/T/,
  },
  {
    rule: 'a new failure is never downgraded by the baseline (different cause)',
    input: {
      checks: [mk('a', 'failed', { code: 'TCP_CONNECT_REFUSED' }), mk('b', 'passed')],
      planned: [],
      baseline: { run: 'B', checks: [mk('a', 'failed', { code: 'HTTP_STATUS' })] },
    },
    verdict: 'no-go',
    reason: /^a failed/,
  },
  {
    rule: 'same code but another server named: a new failure, never pre-existing',
    input: {
      checks: [mk('sanity:tokens', 'failed', { code: 'TOKEN_REJECTED', message: 'IC-Web2 rejected the cookie' }), mk('b', 'passed')],
      planned: [],
      baseline: { run: 'B', checks: [mk('sanity:tokens', 'failed', { code: 'TOKEN_REJECTED', message: 'IC-Web9 rejected the cookie' })] },
    },
    verdict: 'no-go',
    reason: /^sanity:tokens failed: IC-Web2/,
  },
  {
    rule: 'the same failure with other ports and timings is pre-existing',
    input: {
      checks: [
        mk('a', 'failed', { code: 'TCP_CONNECT_REFUSED', message: 'IC-Web3 (127.0.0.1:40001) refused the connection after 12 ms' }),
        mk('b', 'passed'),
      ],
      planned: [],
      baseline: {
        run: 'B',
        checks: [
          mk('a', 'failed', { code: 'TCP_CONNECT_REFUSED', message: 'IC-Web3 (127.0.0.1:38555) refused the connection after 3 ms' }),
        ],
      },
    },
    verdict: 'go',
    reason: /all 1 critical/,
    warning: /pre-existing/,
  },
  {
    rule: 'a must-pass check is never pre-existing',
    input: {
      checks: [mk('a', 'failed', { code: 'HTTP_STATUS' }), mk('b', 'passed')],
      planned: [plan('a', { mustPass: true }), plan('b')],
      baseline: { run: 'B', checks: [mk('a', 'failed', { code: 'HTTP_STATUS' })] },
    },
    verdict: 'no-go',
    reason: /^a failed/,
  },
  {
    rule: 'an interrupted run is never go',
    input: { checks: [mk('a', 'passed')], planned: [plan('a')], interrupted: true },
    verdict: 'inconclusive',
    reason: /run interrupted/,
  },
  {
    rule: 'a killed run (no summary) is never go',
    input: { checks: [mk('a', 'passed')], planned: [plan('a')], unfinished: 'killed' },
    verdict: 'inconclusive',
    reason: /killed\): it cannot be called go/,
  },
  {
    rule: 'a run still in progress is inconclusive',
    input: { checks: [mk('a', 'passed')], planned: [plan('a')], unfinished: 'running' },
    verdict: 'inconclusive',
    reason: /still in progress/,
  },
  {
    rule: 'a killed run with a critical failure is still no-go (the failure is proven)',
    input: { checks: [mk('a', 'failed')], planned: [plan('a'), plan('b')], unfinished: 'killed' },
    verdict: 'no-go',
    reason: /^a failed/,
  },
  {
    rule: 'nothing checked → inconclusive',
    input: { checks: [mk('a', 'broken', { severity: 'major' })], planned: [] },
    verdict: 'inconclusive',
    reason: /nothing could be checked/,
  },
  { rule: 'an empty plan → inconclusive', input: { checks: [], planned: [] }, verdict: 'inconclusive', reason: /the plan has no checks/ },
  {
    rule: 'regression with most checks broken is not go',
    input: {
      checks: [
        ...Array.from({ length: 29 }, (_, i) => mk(`ok${i}`, 'passed')),
        ...Array.from({ length: 291 }, (_, i) => mk(`e2e:${i}`, 'broken')),
      ],
      planned: [],
    },
    verdict: 'inconclusive',
    reason: /^e2e:0 broken/,
  },
];

test('the gate rules, one row each', () => {
  for (const c of cases) {
    const d = decide({ step: post, ...c.input });
    assert.equal(d.verdict, c.verdict, c.rule);
    assert.match(d.reasons[0] ?? '', c.reason, `${c.rule}: ${d.reasons[0]}`);
    if (c.warning)
      assert.ok(
        d.warnings.some((w) => c.warning!.test(w)),
        `${c.rule}: ${d.warnings.join(' | ')}`,
      );
  }
});

test('the 08:00 decision from causes, per host', () => {
  const host = (h: string) => ({ host: `${h}.invoicecloud.test` });
  const stuck = (h: string) =>
    mk(`maintenance:${h}`, 'failed', { kind: 'maintenance', target: host(h), code: 'MAINTENANCE_PAGE_STILL_UP' });
  const e2e = (h: string) => mk(`e2e:${h}:smoke`, 'failed', { kind: 'e2e', target: host(h) });
  const rows: { name: string; checks: CheckResult[]; action: RegExp; hosts?: string[]; resolves?: boolean }[] = [
    {
      name: 'page stuck on my, smoke on my fails with it: take it down on my only',
      checks: [stuck('my'), e2e('my')],
      action: /keep the site open: take the maintenance page down on my$/,
      hosts: ['my'],
      resolves: true,
    },
    {
      name: 'page stuck on my and sso',
      checks: [stuck('my'), stuck('sso'), e2e('sso')],
      action: /take the maintenance page down on my, sso$/,
      hosts: ['my', 'sso'],
    },
    {
      name: 'page stuck on my but www broken for users: restore the page',
      checks: [stuck('my'), e2e('www')],
      action: /broken for users: put the maintenance page up on www, my, sso/,
    },
    {
      name: 'a direct probe failing on my is not explained by the page',
      checks: [stuck('my'), mk('sanity:IC-Web3:my:/', 'failed', { target: { server: 'IC-Web3', ...host('my') } })],
      action: /put the maintenance page up/,
    },
  ];
  for (const r of rows) {
    const d = decide({ step: post, checks: [...r.checks, mk('ok', 'passed')], planned: [] });
    assert.equal(d.verdict, 'no-go', r.name);
    assert.match(d.action!, r.action, r.name);
    if (r.hosts) assert.deepEqual(d.operation?.hosts, r.hosts, r.name);
    if (r.resolves) assert.equal(d.resolves, true);
  }
});
