import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkLine, finalBlock, foldLines } from '../../reports/console.ts';
import type { CheckResult, Summary } from '../../core/result.ts';

const c = (id: string, status: CheckResult['status'], message?: string): CheckResult => ({
  id,
  kind: 'k6',
  title: id,
  target: {},
  severity: 'major',
  status,
  attempts: 1,
  flaky: false,
  startedAt: '2025-06-22T12:00:00.000Z',
  durationMs: 12,
  ...(message ? { message } : {}),
});

test('checkLine says status, id, time, and why when it did not pass', () => {
  assert.equal(checkLine(c('pool:gateway', 'passed')), 'ok   pool:gateway 12 ms');
  assert.equal(
    checkLine(c('sanity:IC-Web3:www:/', 'failed', 'IC-Web3 refused the connection')),
    'FAIL sanity:IC-Web3:www:/ 12 ms  IC-Web3 refused the connection',
  );
  assert.equal(checkLine({ ...c('x', 'passed'), flaky: true, attempts: 2 }), 'ok   x 12 ms (flaky: passed on attempt 2)');
});

test('one cause shared by many checks is folded into one line naming a few of them (ids may contain spaces)', () => {
  const checks = ['a:check:status is 200', 'b:check:status is 200', 'c:run', 'd:run', 'e:run', 'f:run'].map((id) =>
    c(id, 'broken', 'k6 is not installed'),
  );
  const lines = checks.map((x) => `${x.id} broken: k6 is not installed`);
  assert.deepEqual(foldLines(lines, checks), [
    '6 checks broken: k6 is not installed\n      a:check:status is 200, b:check:status is 200, c:run, … (+3 more)',
  ]);
  assert.deepEqual(foldLines(['all 3 critical checks passed (3 checks in all)'], []), ['all 3 critical checks passed (3 checks in all)']);
});

test('final block (rendered output)', () => {
  const s: Summary = {
    window: '2025-06-22',
    phase: 'post-window',
    env: 'lab',
    startedAt: 'x',
    finishedAt: 'y',
    verdict: 'no-go',
    action: 'restore the maintenance page on www, my, sso',
    reasons: ['sanity:IC-Web3:www:/ failed: IC-Web3 refused the connection'],
    warnings: ['k6:run broken: k6 is not installed'],
    counts: { passed: 3, failed: 1, broken: 1, skipped: 0 },
    checks: [c('sanity:IC-Web3:www:/', 'failed', 'IC-Web3 refused the connection'), c('k6:run', 'broken', 'k6 is not installed')],
  };
  assert.equal(
    finalBlock(s, 'runs/2025-06-22/post-window/t', 1),
    `
phase post-window · window 2025-06-22 · env lab
verdict: NO-GO (exit 1)
action:  restore the maintenance page on www, my, sso
reasons:
  - sanity:IC-Web3:www:/ failed: IC-Web3 refused the connection
warnings (not blocking):
  - k6:run broken: k6 is not installed
counts:  3 passed, 1 failed, 1 broken, 0 skipped
results: runs/2025-06-22/post-window/t
report:  npm run report -- --run=runs/2025-06-22/post-window/t
`,
  );
});
