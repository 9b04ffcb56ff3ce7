import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runTasks } from '../../core/runner.ts';
import type { CheckTask, BatchTask, Task } from '../../core/task.ts';
import type { ProbeResult } from '../../core/probe.ts';
import type { CheckResult } from '../../core/result.ts';

const base = { family: 'sanity', kind: 'sanity', title: 't', target: {}, severity: 'critical' } as const;
function check(id: string, run: (signal: AbortSignal, attempt: number) => Promise<ProbeResult>, extra: Partial<CheckTask> = {}): CheckTask {
  let attempt = 0;
  return { ...base, id, type: 'check', timeoutMs: 200, retries: 2, run: (s) => run(s, ++attempt), ...extra };
}
const opts = (signal = new AbortController().signal, sink: CheckResult[] = []) => ({
  concurrency: 4,
  backoffMs: 5,
  runDir: '.tmp',
  signal,
  onResult: (r: CheckResult) => sink.push(r),
  graceMs: 200,
});
const tcpFail: ProbeResult = {
  status: 'failed',
  message: 'refused',
  failure: { layer: 'tcp', code: 'TCP_CONNECT_REFUSED', message: 'refused' },
};
const httpFail: ProbeResult = { status: 'failed', message: '500', failure: { layer: 'http', code: 'HTTP_STATUS', message: '500' } };

test('retries dns/tcp failures only, marks a pass after a retry flaky, keeps the attempt history', async () => {
  const cases: { name: string; outcomes: ProbeResult[]; status: string; attempts: number; flaky: boolean }[] = [
    { name: 'pass first time', outcomes: [{ status: 'passed' }], status: 'passed', attempts: 1, flaky: false },
    { name: 'tcp then pass', outcomes: [tcpFail, { status: 'passed' }], status: 'passed', attempts: 2, flaky: true },
    { name: 'tcp every time', outcomes: [tcpFail, tcpFail, tcpFail, tcpFail], status: 'failed', attempts: 3, flaky: false },
    { name: 'http failure is not retried', outcomes: [httpFail, { status: 'passed' }], status: 'failed', attempts: 1, flaky: false },
  ];
  for (const c of cases) {
    const [r] = await runTasks([check(c.name, async (_s, n) => c.outcomes[n - 1]!)], opts());
    assert.equal(r!.status, c.status, c.name);
    assert.equal(r!.attempts, c.attempts, c.name);
    assert.equal(r!.flaky, c.flaky, c.name);
    if (c.attempts > 1) assert.equal((r!.details!.attemptHistory as unknown[]).length, c.attempts, c.name);
  }
});

test('the deadline aborts the probe signal; a probe that ignores it is abandoned as broken', async () => {
  const honest = check(
    'honest',
    (signal) =>
      new Promise((resolve) =>
        signal.addEventListener('abort', () =>
          resolve({
            status: 'failed',
            message: 'no response within 200 ms',
            failure: { layer: 'http', code: 'TIMEOUT', message: 'no response within 200 ms' },
          }),
        ),
      ),
  );
  const stuck = check('stuck', () => new Promise(() => undefined));
  const results = await runTasks([honest, stuck], opts());
  const byId = Object.fromEntries(results.map((r) => [r.id, r]));
  assert.equal(byId.honest!.status, 'failed');
  assert.equal(byId.honest!.attempts, 1, 'a TIMEOUT is not retried');
  assert.match(byId.honest!.message!, /within 200 ms/);
  assert.equal(byId.stuck!.status, 'broken');
  assert.match(byId.stuck!.message!, /did not finish within 200 ms/);
});

test('a probe that throws is broken with the error, not passed', async () => {
  const [r] = await runTasks(
    [
      check('throws', async () => {
        throw new Error('boom');
      }),
    ],
    opts(),
  );
  assert.equal(r!.status, 'broken');
  assert.match(r!.message!, /harness error in throws: boom/);
});

test('respects the concurrency limit and reports each result as it ends', async () => {
  let running = 0;
  let peak = 0;
  const tasks: Task[] = Array.from({ length: 10 }, (_, i) =>
    check(`c${i}`, async () => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 10));
      running -= 1;
      return { status: 'passed' };
    }),
  );
  const seen: CheckResult[] = [];
  const results = await runTasks(tasks, { ...opts(undefined, seen), concurrency: 3 });
  assert.equal(peak, 3);
  assert.equal(results.length, 10);
  assert.deepEqual(seen.map((r) => r.id).sort(), results.map((r) => r.id).sort());
});

test('interrupting a run marks running checks broken and starts no new ones', async () => {
  const ctl = new AbortController();
  const slow = (id: string) =>
    check(id, (signal) => new Promise((resolve) => signal.addEventListener('abort', () => resolve(tcpFail))), { timeoutMs: 5_000 });
  setTimeout(() => ctl.abort(), 30);
  const results = await runTasks([slow('a'), slow('b'), slow('c')], { ...opts(ctl.signal), concurrency: 2 });
  assert.deepEqual(results.map((r) => r.id).sort(), ['a', 'b']);
  for (const r of results) {
    assert.equal(r.status, 'broken');
    assert.match(r.message!, /interrupted/);
  }
});

test('a batch that reports some expected checks and dies leaves the rest broken with the reason', async () => {
  const batch: BatchTask = {
    ...base,
    kind: 'e2e',
    family: 'e2e',
    id: 'e2e:smoke',
    type: 'batch',
    timeoutMs: 1_000,
    expected: ['e2e:a', 'e2e:b'],
    run: async (ctx) => {
      ctx.emit({
        kind: 'e2e',
        title: 'a',
        target: {},
        severity: 'critical',
        id: 'e2e:a',
        status: 'passed',
        attempts: 1,
        flaky: false,
        startedAt: new Date().toISOString(),
        durationMs: 1,
      });
      throw new Error('playwright exited with code 1');
    },
  };
  const results = await runTasks([batch], opts());
  assert.equal(results.find((r) => r.id === 'e2e:a')!.status, 'passed');
  const b = results.find((r) => r.id === 'e2e:b')!;
  assert.equal(b.status, 'broken');
  assert.match(b.message!, /playwright exited with code 1/);
});
