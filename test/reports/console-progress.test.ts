// Progress on long runs: done/total and the slowest running check, redrawn in a terminal, occasional plain lines in CI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { ConsoleReporter, progressLine } from '../../reports/console.ts';
import type { CheckResult } from '../../core/result.ts';

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
