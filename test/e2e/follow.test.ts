// Following the stream reporter's file: every line once, and a line that cannot be handled becomes a broken
// result naming its number (through the planner's followResults), never an uncaught exception or a silent drop.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { juneStep } from '../support/window.ts';
import { appendFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckResult } from '../../core/result.ts';
import { CheckResult as CheckResultSchema } from '../../core/result.ts';
import { decide } from '../../core/gate.ts';
import { makeClean, type TestRecord } from '../../e2e/adapter.ts';
import { followLines } from '../../e2e/follow.ts';
import { followResults } from '../../e2e/plan.ts';
import { tmpDir } from './support/lab.ts';

const root = tmpDir('e2e-follow-');
after(() => rmSync(root, { recursive: true, force: true }));

const HOUR = 3_600_000; // the timer never fires on its own: stop() drains

function record(title: string, status: TestRecord['test']['status'] = 'expected'): TestRecord {
  return {
    project: 'www',
    file: 'smoke/www.spec.ts',
    line: 3,
    titlePath: ['www', title],
    tags: ['@smoke', '@critical'],
    test: {
      status,
      expectedStatus: 'passed',
      timeout: 30_000,
      annotations: [],
      results: [
        {
          status: status === 'expected' ? 'passed' : 'failed',
          duration: 5,
          startTime: '2025-06-22T12:00:00.000Z',
          retry: 0,
          errors: [],
          attachments: [],
        },
      ],
    },
  };
}

test('follow: each complete line once, in order, a partial line only once it is complete (a "›" split across reads included)', async () => {
  const file = join(root, 'lines.jsonl');
  writeFileSync(file, '');
  const seen: string[] = [];
  const f = followLines(
    file,
    (l) => seen.push(l),
    (err) => assert.fail(err),
    5,
  );
  const bytes = Buffer.from('one\ntwo › x\nthr');
  appendFileSync(file, bytes.subarray(0, 9)); // ends inside the 3-byte "›"
  // The timer has read the first chunk once "one" arrives: the rest comes in a second read.
  for (let i = 0; i < 200 && !seen.length; i++) await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(seen, ['one']);
  appendFileSync(file, Buffer.concat([bytes.subarray(9), Buffer.from('ee\n')]));
  f.stop();
  assert.deepEqual(seen, ['one', 'two › x', 'three']);
});

test('follow: a line whose handler throws goes to onError with its number; the lines after it still arrive', () => {
  const file = join(root, 'bad.jsonl');
  writeFileSync(file, 'a\nBAD\n\nc\n');
  const seen: string[] = [];
  const errors: string[] = [];
  const f = followLines(
    file,
    (l) => {
      if (l === 'BAD') throw new Error('cannot parse');
      seen.push(l);
    },
    (err, n, line) => errors.push(`${n}:${line}:${err.message}`),
    HOUR,
  );
  f.stop();
  assert.deepEqual(seen, ['a', 'c']);
  assert.deepEqual(errors, ['2:BAD:cannot parse']);
  assert.deepEqual(f.errors, []);
});

test('follow: on the timer, a throwing handler and a throwing onError are caught and kept for the caller', async () => {
  const file = join(root, 'timer.jsonl');
  writeFileSync(file, 'x\n');
  let calls = 0;
  const f = followLines(
    file,
    () => {
      throw new Error('bad line');
    },
    () => {
      calls += 1;
      throw new Error('emit refused');
    },
    5,
  );
  // An uncaught exception here would fail this test file; wait for the timer's drain, not a fixed sleep.
  for (let i = 0; i < 200 && calls === 0; i++) await new Promise((r) => setTimeout(r, 5));
  f.stop();
  assert.equal(calls, 1);
  assert.equal(f.errors.length, 1);
  assert.match(f.errors[0]?.message ?? '', /timer\.jsonl line 1: bad line; reporting it failed too: emit refused/);
});

test('followResults: a bad line is a broken critical e2e:stream:<n> naming it (password redacted); the gate is not go', () => {
  const file = join(root, 'results.jsonl');
  const password = 'hunter22-secret';
  writeFileSync(
    file,
    [
      JSON.stringify(record('home page loads')),
      `{"project":"www","oops":"${password}`,
      '{}',
      JSON.stringify(record('sign in', 'unexpected')),
    ].join('\n') + '\n',
  );
  const emitted: CheckResult[] = [];
  const emit = (r: CheckResult) => emitted.push(CheckResultSchema.parse(r));
  const recorded: string[] = [];
  const f = followResults(file, (rec) => recorded.push(rec.titlePath.join(' › ')), emit, makeClean([password]), HOUR);
  f.stop();
  assert.deepEqual(recorded, ['www › home page loads', 'www › sign in']);
  assert.deepEqual(
    emitted.map((r) => [r.id, r.status, r.severity]),
    [
      ['e2e:stream:2', 'broken', 'critical'],
      ['e2e:stream:3', 'broken', 'critical'],
    ],
  );
  assert.match(
    emitted[0]?.message ?? '',
    /^line 2 of .*results\.jsonl could not be recorded .*: .*JSON.*; the line begins: \{"project":"www","oops":"\[redacted\]/,
  );
  assert.ok(!JSON.stringify(emitted).includes(password));
  assert.match(emitted[1]?.message ?? '', /^line 3 of .*; the line begins: \{\}$/);
  const passedElsewhere: CheckResult = {
    id: 'sanity:www',
    kind: 'sanity',
    title: 'www answers',
    target: {},
    severity: 'critical',
    status: 'passed',
    attempts: 1,
    flaky: false,
    startedAt: '2025-06-22T12:00:00.000Z',
    durationMs: 1,
  };
  const gate = decide({ step: juneStep('post-window'), checks: [passedElsewhere, ...emitted], planned: [] });
  assert.equal(gate.verdict, 'inconclusive', gate.reasons.join('\n'));
});
