// npm run rehearse: the whole window on one lab in runbook order; a fault stops it where the runbook would stop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { standInK6 } from '../k6/helpers.ts';
import { JUNE } from '../support/window.ts';
import { runCli, tempDir } from './helpers.ts';

interface Timeline {
  stoppedAt: string | null;
  steps: { step: string; et: string; ist: string; verdict: string; run?: string }[];
}
const timeline = (dir: string) => JSON.parse(readFileSync(join(dir, 'timeline.json'), 'utf8')) as Timeline;

test('a healthy June rehearsal is go at every step, one window folder with a timeline in ET and IST', async () => {
  const out = join(tempDir('rehearse'), 'window');
  const r = await runCli('rehearse.ts', ['--window=2025-06-22', `--out=${out}`], { K6_BIN: standInK6().bin });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const t = timeline(out);
  assert.equal(t.stoppedAt, null);
  assert.ok(t.steps.length >= 8);
  for (const s of t.steps) {
    assert.equal(s.verdict, 'go', `${s.step}: ${r.stdout}`);
    assert.ok(s.run && existsSync(join(s.run, 'summary.json')), s.step);
  }
  const web15 = t.steps.find((s) => s.step === 'web1-5')!;
  assert.equal(web15.et, 'Sun 2025-06-22 00:00 EDT');
  assert.equal(web15.ist, 'Sun 2025-06-22 09:30 GMT+5:30');
  assert.match(readFileSync(join(out, 'timeline.txt'), 'utf8'), /^web1-5 +Sun 2025-06-22 00:00 EDT +Sun 2025-06-22 09:30 GMT\+5:30 +GO$/m);
  // The lab's Slack receiver got each step where the June runbook routes it, as Block Kit.
  const received = JSON.parse(readFileSync(join(out, 'slack-received.json'), 'utf8')) as {
    path: string;
    body: { text: string; blocks?: { type: string }[] };
  }[];
  const stepOf = (text: string) =>
    JUNE.steps.find((s) => text.includes(`: ${s.id} · window`) || text.includes(`, ${s.title}: `))?.id ?? `?? ${text.split('\n')[0]}`;
  const heard = (channel: string) => received.filter((m) => m.path.endsWith(`/${channel}`)).map((m) => stepOf(m.body.text));
  const results = ['post-window', 'regression'];
  assert.deepEqual(heard('platform-support'), ['maintenance-start'], 'the maintenance-start notice');
  assert.deepEqual(heard('engineering-maintenance'), ['maintenance-start', ...results], 'the notice and the results');
  assert.deepEqual(heard('dailyopsissues'), results, 'only the results');
  assert.deepEqual(
    heard('eng-monthlymaintenance'),
    JUNE.steps.map((s) => s.id).filter((id) => id !== 'maintenance-start'),
    'every batch and the results',
  );
  for (const m of received) assert.ok(m.body.blocks?.length && m.body.blocks[0]!.type === 'section', `${m.path}: Block Kit`);
  assert.match(received.find((m) => m.path.endsWith('/platform-support'))!.body.text, /Today we are releasing changes for 2025-06-22/);
});

test('faults stop the rehearsal where the runbook would stop', async () => {
  const rows = [
    { fault: 'web-down:IC-Web3@web1-5', stop: 'web1-5', code: 1, reason: /IC-Web3/ },
    { fault: 'service-down:SFTP1@patch-sftp1', stop: 'patch-sftp1', code: 1, reason: /SFTP1/ },
  ];
  for (const row of rows) {
    const out = join(tempDir('rehearse-fault'), 'window');
    const r = await runCli('rehearse.ts', ['--window=2025-06-22', `--fault=${row.fault}`, `--out=${out}`], { K6_BIN: standInK6().bin });
    assert.equal(r.code, row.code, r.stdout + r.stderr);
    const t = timeline(out);
    assert.equal(t.stoppedAt, row.stop, row.fault);
    const i = t.steps.findIndex((s) => s.step === row.stop);
    assert.equal(t.steps[i]!.verdict, 'no-go');
    assert.ok(
      t.steps.slice(i + 1).every((s) => s.verdict === 'not run'),
      `${row.fault}: nothing after ${row.stop} ran`,
    );
    assert.match(r.stdout, row.reason);
    if (row.stop === 'patch-sftp1')
      assert.equal(t.steps.find((s) => s.step === 'patch-sftp2')?.verdict, 'not run', 'SFTP2 is not patched while SFTP1 is down');
  }
});

test('rehearse: a fault without its step, or at a step the window lacks, is a usage error', async () => {
  for (const [arg, msg] of [
    ['--fault=web-down:IC-Web3', /say at which step, as NAME\[:ARG\]@STEP/],
    ['--fault=web-down:IC-Web3@lunch', /no step "lunch" in window 2025-06-22/],
    ['--fault=web-melted@web1-5', /unknown fault "web-melted"/],
  ] as const) {
    const r = await runCli('rehearse.ts', ['--window=2025-06-22', arg, `--out=${join(tempDir('rehearse-bad'), 'w')}`]);
    assert.equal(r.code, 64, r.stderr);
    assert.match(r.stderr, msg);
  }
});

test('a rehearsal posts each step where the runbook routes it; #dailyopsissues reads plain words', async () => {
  const out = join(tempDir('rehearse-slack'), 'window');
  const window = join(import.meta.dirname, 'fixtures', 'slack-window.ts');
  const r = await runCli('rehearse.ts', [`--window=${window}`, '--fault=web-error:IC-Web3@post-window', `--out=${out}`]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const received = JSON.parse(readFileSync(join(out, 'slack-received.json'), 'utf8')) as { path: string; body: { text: string } }[];
  const by = (channel: string) => received.filter((m) => m.path.endsWith(`/${channel}`)).map((m) => m.body.text);
  assert.equal(by('eng-monthlymaintenance').length, 2, 'web1-5 and post-window');
  assert.match(by('eng-monthlymaintenance')[0]!, /IC-Web1\.\.5 are patched: smoke testing can begin/);
  assert.doesNotMatch(
    by('eng-monthlymaintenance')[0]!,
    /post in #eng-monthlymaintenance/,
    'the post is the news, not an instruction to post it',
  );
  assert.deepEqual(by('platform-support').length, 1);
  assert.match(by('platform-support')[0]!, /Today we are releasing changes: the maintenance page is up/);
  assert.equal(by('engineering-maintenance').length, 2, 'the notice and the results');
  const ops = by('dailyopsissues');
  assert.equal(ops.length, 1, 'only the results');
  assert.match(ops[0]!, /Maintenance window 2026-01-18, Maintenance page removed; the site checked: problems found/);
  assert.match(ops[0]!, /IC-Web3 serves https:\/\/www\.invoicecloud\.test\/ directly: failed/);
  assert.doesNotMatch(ops[0]!, /sanity:|expected|answered 500|\(|`|toBe|Received/, 'no ids, no assertion text');
  for (const text of received.map((m) => m.body.text))
    assert.doesNotMatch(text, /\/work\/|allure-report\/index\.html/, 'no path on the operator disk');
});
