import { juneStep } from '../support/window.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckResult } from '../../core/result.ts';
import { REPORT_EXIT, runReport } from '../../reports/report.ts';
import { readRunFolder } from '../../reports/run-folder.ts';
import { postSlackSummary, SlackReport } from '../../reports/slack.ts';
import { MAX_REASONS } from '../../reports/slack-message.ts';
import { routeFor } from '../../reports/slack-routing.ts';
import { scrubSecrets } from '../../reports/secrets.ts';
import { closedPort, startWebhookServer } from './webhook-server.ts';
import { makeRunFolder, tmpRoot } from './fixture.ts';

const TMP_ROOT = tmpRoot('slack');

const CHANNELS = [
  { name: '#eng-monthlymaintenance', webhookEnv: 'SLACK_WEBHOOK_ENG_MONTHLYMAINTENANCE' },
  { name: '#engineering-maintenance', webhookEnv: 'SLACK_WEBHOOK_ENGINEERING_MAINTENANCE' },
  { name: '#dailyopsissues', webhookEnv: 'SLACK_WEBHOOK_DAILYOPSISSUES' },
];
const FAST = { timeoutMs: 300, retries: 2, minBackoffMs: 10 };
const quiet = () => undefined;

/** Thirteen failing critical checks so the reasons are capped. */
function manyFailures(): CheckResult[] {
  return Array.from({ length: 13 }, (_, i) => ({
    id: `sanity:IC-Web${i + 1}:www:/`,
    kind: 'sanity' as const,
    title: `www on IC-Web${i + 1}`,
    target: { host: 'www', server: `IC-Web${i + 1}` },
    severity: 'critical' as const,
    status: 'failed' as const,
    attempts: 1,
    flaky: false,
    startedAt: '2025-06-22T12:00:00.000Z',
    durationMs: 10,
    message: `HTTP_STATUS 500 from IC-Web${i + 1} <b>&</b>`,
  }));
}

test('routing: the window notify where plan.json has it; runs without it fall back to the per-step table', () => {
  const table: [string, string[]][] = [
    ['web1-5', ['#eng-monthlymaintenance']],
    ['dns-migration', ['#eng-monthlymaintenance']],
    ['post-window', ['#dailyopsissues', '#engineering-maintenance', '#eng-monthlymaintenance']],
    ['regression', ['#dailyopsissues', '#engineering-maintenance', '#eng-monthlymaintenance']],
    ['unknown', ['#eng-monthlymaintenance']],
  ];
  for (const [phase, expected] of table)
    assert.deepEqual(
      routeFor({ phase }, CHANNELS).map((c) => c.name),
      expected,
      phase,
    );
  assert.deepEqual(routeFor({ phase: 'web1-5' }, []), [{ name: '#eng-monthlymaintenance', configured: false }]);
  const start = juneStep('maintenance-start');
  assert.deepEqual(
    routeFor({ phase: start.id, notify: start.notify }, CHANNELS).map((c) => c.name),
    ['#platform-support', '#engineering-maintenance'],
  );
});

test('200: posted to every routed channel with verdict, phase, window, env, action, capped reasons, counts, report', async () => {
  const server = await startWebhookServer(() => 200);
  try {
    const { dir } = await makeRunFolder(TMP_ROOT, { checks: manyFailures() });
    const env = Object.fromEntries(CHANNELS.map((c) => [c.webhookEnv, server.url(`/hooks/${c.name.slice(1)}`)]));
    const report = await postSlackSummary(await readRunFolder(dir), {
      channels: CHANNELS,
      env,
      reportPath: '/runs/x/allure-report/index.html',
      // A loaded CI machine may take longer than FAST's 300 ms for one answer; this test counts attempts.
      ...FAST,
      timeoutMs: 5_000,
    });
    assert.equal(report.ok, true);
    assert.deepEqual(
      report.channels.map((c) => [c.channel, c.outcome, c.attempts]).sort(),
      CHANNELS.map((c) => [c.name, 'posted', 1]).sort(),
    );
    assert.deepEqual(server.received.map((r) => r.path).sort(), [
      '/hooks/dailyopsissues',
      '/hooks/eng-monthlymaintenance',
      '/hooks/engineering-maintenance',
    ]);
    const text = server.received[0]!.body.text as string;
    assert.match(text, /^:x: NO-GO: post-window · window 2025-06-22 · lab/);
    assert.match(text, /Action: the site is broken for users: put the maintenance page up on www, my, sso/); // the June window's post-window no-go action
    assert.equal((text.match(/^• /gm) ?? []).length, MAX_REASONS, 'reasons capped');
    assert.match(text, /… and 3 more in the report/);
    assert.match(text, /&lt;b&gt;&amp;&lt;\/b&gt;/, 'mrkdwn control characters escaped');
    assert.match(text, /passed 0 · failed 13 · broken 0 · skipped 0/);
    assert.match(text, /Report: not published for this run/, 'a path on the operator disk is never the link');
    assert.doesNotMatch(text, /\/runs\/x\/allure-report/);
    assert.ok(Array.isArray(server.received[0]!.body.blocks));
    SlackReport.parse(report);
  } finally {
    await server.close();
  }
});

test('a channel without URL is listed as not posted; the others still get the message', async () => {
  const server = await startWebhookServer(() => 200);
  try {
    const { dir } = await makeRunFolder(TMP_ROOT, { phase: 'regression' });
    const env = { SLACK_WEBHOOK_ENG_MONTHLYMAINTENANCE: server.url('/hooks/a') };
    const report = await postSlackSummary(await readRunFolder(dir), { channels: CHANNELS.slice(0, 2), env, reportPath: 'r', ...FAST });
    assert.deepEqual(
      report.channels.map((c) => [c.outcome, c.detail]),
      [
        ['not-configured', 'not posted: #dailyopsissues is not in estate.slack.channels of the config'],
        ['not-set', 'not posted: SLACK_WEBHOOK_ENGINEERING_MAINTENANCE not set'],
        ['posted', 'posted'],
      ],
    );
    assert.equal(report.ok, true, 'something was posted and nothing failed');
    const none = await postSlackSummary(await readRunFolder(dir), { channels: CHANNELS, env: {}, reportPath: 'r', ...FAST });
    assert.equal(none.ok, false, 'asked to post, posted nowhere');
  } finally {
    await server.close();
  }
});

test('Slack down: 500 is retried, then recorded as failed; refused and hanging hooks too', async () => {
  const server = await startWebhookServer((path, n) =>
    path === '/hooks/flaky' && n > 0 ? 200 : path === '/hooks/hang' ? 'hang' : path === '/hooks/flaky' ? 503 : 500,
  );
  const refused = await closedPort();
  try {
    const { dir } = await makeRunFolder(TMP_ROOT);
    // Without the window's routing, so the one channel of the fallback table is posted to.
    const { notify: _routing, ...run } = await readRunFolder(dir);
    const cases: { url: string; outcome: string; attempts: number; detail: RegExp }[] = [
      {
        url: server.url('/hooks/down'),
        outcome: 'failed',
        attempts: 3,
        detail: /^post failed after 3 attempts: Slack answered HTTP 500 \(internal_error at \[redacted\]\)$/,
      },
      { url: server.url('/hooks/flaky'), outcome: 'posted', attempts: 2, detail: /^posted$/ },
      { url: `http://127.0.0.1:${refused}/hooks/refused`, outcome: 'failed', attempts: 3, detail: /connection refused \(ECONNREFUSED\)/ },
      { url: server.url('/hooks/hang'), outcome: 'failed', attempts: 3, detail: /no answer within 300 ms/ },
      { url: 'not a url', outcome: 'failed', attempts: 0, detail: /SLACK_WEBHOOK_ENG_MONTHLYMAINTENANCE is not a valid URL/ },
      { url: 'http://hooks.example.test/services/T/B/abcdefgh', outcome: 'failed', attempts: 0, detail: /must be an https:\/\/ URL/ },
    ];
    for (const c of cases) {
      const report = await postSlackSummary(
        { ...run, phase: 'web1-5' },
        { channels: CHANNELS, env: { SLACK_WEBHOOK_ENG_MONTHLYMAINTENANCE: c.url }, reportPath: 'r', ...FAST },
      );
      const ch = report.channels[0]!;
      assert.equal(ch.outcome, c.outcome, c.url);
      assert.equal(ch.attempts, c.attempts, c.url);
      assert.match(ch.detail, c.detail, c.url);
      assert.equal(JSON.stringify(report).includes(c.url), false, 'no URL in the outcome');
    }
  } finally {
    await server.close();
  }
});

test('runReport with Slack down: reports on disk, slack.json written, exit code 3', async () => {
  const server = await startWebhookServer(() => 500);
  try {
    const { dir } = await makeRunFolder(TMP_ROOT, { phase: 'web1-5' });
    const lines: string[] = [];
    const outcome = await runReport({
      runDir: dir,
      html: false,
      log: (l) => lines.push(l),
      slack: { channels: CHANNELS, env: { SLACK_WEBHOOK_ENG_MONTHLYMAINTENANCE: server.url('/hooks/x') }, ...FAST },
    });
    assert.equal(outcome.exitCode, REPORT_EXIT.slackFailed);
    assert.equal(existsSync(join(dir, 'junit.xml')), true);
    assert.equal(existsSync(join(dir, 'allure-results')), true);
    assert.equal(existsSync(join(dir, 'results.jsonl')), true);
    const saved = SlackReport.parse(JSON.parse(await readFile(join(dir, 'slack.json'), 'utf8')));
    assert.equal(saved.channels[0]!.outcome, 'failed');
    assert.match(lines.join('\n'), /slack: post failed \(no channel got it\); results and reports are on disk/);
    const ok = await runReport({ runDir: dir, html: false, log: quiet, slack: { channels: CHANNELS, env: {}, ...FAST } });
    assert.equal(ok.exitCode, REPORT_EXIT.slackFailed, 'no webhook set anywhere: nothing posted is not success');
  } finally {
    await server.close();
  }
});

test('scrubSecrets removes the URL, its encoded form, its path and long path segments', () => {
  const url = 'https://hooks.slack.com/services/T0000000/B1111111/XXXXXXXXXXXXXXXXXXXXXXXX';
  const text = `failed ${url} / ${encodeURIComponent(url)} / POST /services/T0000000/B1111111/XXXXXXXXXXXXXXXXXXXXXXXX / token XXXXXXXXXXXXXXXXXXXXXXXX`;
  const out = scrubSecrets(text, [url]);
  for (const part of ['XXXXXXXXXXXXXXXXXXXXXXXX', 'T0000000', 'B1111111', 'hooks.slack.com/services'])
    assert.equal(out.includes(part), false, part);
  assert.equal(scrubSecrets('nothing here', [url]), 'nothing here');
});

test('a webhook URL quoted by a result is neither posted nor stored', async () => {
  const server = await startWebhookServer(() => 200);
  try {
    const url = server.url('/hooks/LEAKED-TOKEN-4567');
    const checks = manyFailures().map((c, i) => (i === 0 ? { ...c, message: `could not reach ${url}` } : c));
    const { dir } = await makeRunFolder(TMP_ROOT, { checks, phase: 'web1-5' });
    const report = await postSlackSummary(await readRunFolder(dir), {
      channels: CHANNELS,
      env: { SLACK_WEBHOOK_ENG_MONTHLYMAINTENANCE: url },
      reportPath: 'r',
      ...FAST,
    });
    assert.equal(report.ok, true);
    const posted = JSON.stringify(server.received[0]!.body);
    assert.match(posted, /could not reach \[redacted\]/);
    assert.equal(posted.includes('LEAKED-TOKEN-4567'), false);
    assert.equal(JSON.stringify(report).includes('LEAKED-TOKEN-4567'), false);
  } finally {
    await server.close();
  }
});

test('rate limited (429 with Retry-After): waits as told and posts; nothing is lost', async () => {
  const server = await startWebhookServer((_path, n) => (n === 0 ? 429 : 200));
  try {
    const { dir } = await makeRunFolder(TMP_ROOT, { phase: 'web1-5' });
    const t0 = Date.now();
    const report = await postSlackSummary(await readRunFolder(dir), {
      channels: CHANNELS,
      env: { SLACK_WEBHOOK_ENG_MONTHLYMAINTENANCE: server.url('/hooks/eng') },
      reportPath: '/x',
      ...FAST,
    });
    const ch = report.channels.find((c) => c.channel === '#eng-monthlymaintenance')!;
    assert.equal(ch.outcome, 'posted', ch.detail);
    assert.equal(ch.attempts, 2);
    assert.ok(Date.now() - t0 >= 900, 'waited for Retry-After');
  } finally {
    await server.close();
  }
});
