// --apply without an operator (a real environment with nothing automated) prints the manual step and fails;
// with one it performs exactly the printed operation, only on no-go.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeOperation, type Operator, type ResolvedOperation } from '../../core/action.ts';
import { performAction } from '../../core/apply.ts';

const op: ResolvedOperation = { op: 'maintenance-page', turn: 'on', hosts: ['www', 'my', 'sso'] };

test('performAction: only on no-go, exactly the printed operation, a manual step without an operator', async () => {
  const done: ResolvedOperation[] = [];
  const operator: Operator = { name: 'test', perform: async (o) => (done.push(o), { ok: true, detail: 'ok' }) };
  const rows = [
    {
      verdict: 'inconclusive' as const,
      operator,
      ok: true,
      line: /nothing to carry out for verdict inconclusive \(an inconclusive run is never acted on\)/,
      performed: 0,
    },
    { verdict: 'go' as const, operator, ok: true, line: /nothing to carry out for verdict go/, performed: 0 },
    {
      verdict: 'no-go' as const,
      operator: undefined,
      ok: false,
      line: /not automated for env production: put the maintenance page up on www, my, sso by hand, then re-run this step/,
      performed: 0,
    },
    { verdict: 'no-go' as const, operator, ok: true, line: /done: put the maintenance page up on www, my, sso/, performed: 1 },
    {
      verdict: 'no-go' as const,
      operator: { name: 'down', perform: async () => ({ ok: false, detail: 'HTTP 503' }) },
      ok: false,
      line: /FAILED to put the maintenance page up on www, my, sso: HTTP 503; do it by hand/,
      performed: 0,
    },
  ];
  for (const r of rows) {
    done.length = 0;
    const out = await performAction({ verdict: r.verdict, operation: op }, 'production', r.operator);
    assert.equal(out.ok, r.ok, r.verdict);
    assert.match(out.lines.join('\n'), r.line);
    assert.equal(done.length, r.performed);
    if (r.performed) assert.deepEqual(done[0], op);
  }
  assert.equal(describeOperation(op), 'put the maintenance page up on www, my, sso');
});
