// Progress on long runs: done/total and the slowest running check, redrawn in a terminal, occasional plain lines in CI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { ConsoleReporter, progressLine } from '../../reports/console.ts';
import type { CheckResult } from '../../core/result.ts';
import { plannedChecks } from '../../core/plan.ts';
import { runTasks } from '../../core/runner.ts';
import type { Task } from '../../core/task.ts';

function sink(isTTY: boolean): { out: Writable & { isTTY?: boolean }; text: () => string } {
  let text = '';
  const out = Object.assign(
    new Writable({
      write(chunk, _enc, cb) {
        text += String(chunk);
        cb();
      },
    }),
    { isTTY },
  );
  return { out, text: () => text };
}

const result = (id: string): CheckResult => ({
  id,
  kind: 'k6',
  title: id,
  target: {},
  severity: 'major',
  status: 'passed',
  attempts: 1,
  flaky: false,
  startedAt: '2025-06-22T04:00:00.000Z',
  durationMs: 5,
});

test('progressLine: done/total and the check running longest', () => {
  const running = new Map([
    ['k6:smoke-load:www', 1_000],
    ['sanity:IC-Web3:www:/', 30_000],
  ]);
  assert.equal(progressLine(3, 10, running, 42_000), '3/10 checks done · 2 running, slowest: k6:smoke-load:www (41 s)');
  assert.equal(progressLine(3, 10, new Map(), 0), '3/10 checks done');
  assert.equal(progressLine(12, 10, new Map(), 0), '12/12 checks done', 'never more done than total');
});

test('terminal: the status line is redrawn in place and names the slowest running check', () => {
  let now = 0;
  const { out, text } = sink(true);
  const r = new ConsoleReporter({ out, plain: false, now: () => now }, 3);
  try {
    r.onStart('a', 0);
    r.onStart('b', 2_000);
    now = 9_000;
    r.tick();
    assert.match(text(), /0\/3 checks done · 2 running, slowest: a \(9 s\)/);
    r.onResult(result('a'));
    assert.match(text(), /\r\x1b\[2K.*ok {3}a 5 ms.*\n.*1\/3 checks done · 1 running, slowest: b \(7 s\)/);
  } finally {
    r.stop();
  }
});

test('CI / non-TTY: plain lines only (no colour, no carriage return), a progress line at most every 30 s', () => {
  let now = 0;
  const { out, text } = sink(false);
  const r = new ConsoleReporter({ out, plain: true, now: () => now }, 2);
  try {
    r.onStart('k6:smoke-load:www', 0);
    now = 10_000;
    r.tick();
    assert.equal(text(), '', 'nothing before 30 s');
    now = 31_000;
    r.tick();
    r.tick();
    assert.equal(text(), 'progress: 0/2 checks done · 1 running, slowest: k6:smoke-load:www (31 s)\n', 'once per period');
    r.onResult(result('k6:smoke-load:www'));
    now = 90_000;
    r.tick();
    assert.doesNotMatch(text(), /[\r\x1b]/);
    assert.equal(text().split('\n').filter(Boolean).length, 2, 'nothing running: no progress line');
  } finally {
    r.stop();
  }
});

test('the runner says when each check and batch starts: progress names the slowest, a batch runs until its planned checks report', async () => {
  const { out, text } = sink(true);
  const check = (id: string, ms: number): Task => ({
    type: 'check',
    id,
    family: 'sanity',
    kind: 'sanity',
    title: id,
    target: {},
    severity: 'critical',
    timeoutMs: 5_000,
    retries: 0,
    run: () => new Promise((resolve) => setTimeout(() => resolve({ status: 'passed' }), ms)),
  });
  let release!: () => void;
  const batchGate = new Promise<void>((resolve) => (release = resolve));
  const batch: Task = {
    type: 'batch',
    id: 'k6:load',
    family: 'k6',
    kind: 'k6',
    title: 'k6 load',
    target: {},
    severity: 'major',
    timeoutMs: 5_000,
    expected: ['k6:load:a', 'k6:load:b'],
    run: async ({ emit }) => {
      emit(result('k6:load:a'));
      await batchGate;
      emit(result('k6:load:b'));
    },
  };
  const tasks = [batch, check('sanity:one', 10), check('sanity:two', 30)];
  const planned = plannedChecks(tasks);
  const reporter = new ConsoleReporter({ out, plain: false }, planned);
  const started: string[] = [];
  const plainText = () => text().replace(/\x1b\[[0-9;]*m/g, '');
  try {
    const run = runTasks(tasks, {
      concurrency: 3,
      backoffMs: 1,
      runDir: '.',
      signal: new AbortController().signal,
      onStart: (c) => {
        assert.ok(Math.abs(c.startedAt - Date.now()) < 1_000, 'startedAt is the epoch time it started');
        started.push(c.id);
        reporter.onStart(c.id, c.startedAt);
      },
      onResult: (r) => reporter.onResult(r),
    });
    await new Promise((resolve) => setTimeout(resolve, 80));
    assert.deepEqual(started.sort(), ['k6:load', 'sanity:one', 'sanity:two']);
    reporter.tick();
    // both sanity checks and one of the batch's two results are in; the batch is still running
    assert.match(plainText(), /3\/4 checks done · 1 running, slowest: k6:load \(\d+ s\)$/);
    release();
    await run;
    assert.match(plainText(), /4\/4 checks done$/, 'total = one per planned check; nothing left running');
  } finally {
    reporter.stop();
  }
});
