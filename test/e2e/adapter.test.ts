// The JSON report adapter: status, flakiness, severity, ids and messages, on reports shaped like Playwright's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JSONReport, JSONReportTest, JSONReportTestResult } from '@playwright/test/reporter';
import { makeClean, resultsFromReport, secretForms } from '../../e2e/adapter.ts';
import { harnessCodeOf, harnessError } from '../../e2e/harness-error.ts';
import { CheckResult } from '../../core/result.ts';

function result(over: Partial<JSONReportTestResult>): JSONReportTestResult {
  return {
    workerIndex: 0,
    parallelIndex: 0,
    status: 'passed',
    duration: 1000,
    error: undefined,
    errors: [],
    stdout: [],
    stderr: [],
    retry: 0,
    steps: [],
    startTime: new Date('2025-06-22T12:00:00Z'),
    attachments: [],
    annotations: [],
    ...over,
  } as JSONReportTestResult;
}

function reportWith(title: string, tags: string[], test: Partial<JSONReportTest>): JSONReport {
  const t: JSONReportTest = {
    timeout: 30000,
    annotations: [],
    expectedStatus: 'passed',
    projectId: 'my',
    projectName: 'my',
    results: [result({})],
    status: 'expected',
    ...test,
  };
  return {
    config: {} as JSONReport['config'],
    suites: [
      {
        title: 'smoke/my.spec.ts',
        file: 'smoke/my.spec.ts',
        line: 0,
        column: 0,
        specs: [],
        suites: [
          {
            title: 'my',
            file: 'smoke/my.spec.ts',
            line: 4,
            column: 0,
            specs: [{ title, ok: true, tags, tests: [t], id: 'x', file: 'smoke/my.spec.ts', line: 13, column: 3 }],
          },
        ],
      },
    ],
    errors: [],
    stats: { startTime: new Date('2025-06-22T12:00:00Z'), duration: 1, expected: 1, unexpected: 0, flaky: 0, skipped: 0 },
  } as unknown as JSONReport;
}

const ANSI_FAIL =
  '\u001b[31mError: my should accept the token sso signed (SSO round trip)\u001b[39m\n\nexpect(received).toBeNull()\n\nReceived: "Sign-in failed: the sign-in token from sso is signed with a key this portal does not trust."\n\nCall log:\n  - waiting';
const cases: {
  name: string;
  tags: string[];
  test: Partial<JSONReportTest>;
  want: Partial<CheckResult>;
  message?: RegExp;
  notInMessage?: RegExp;
}[] = [
  {
    name: 'a passing @critical test',
    tags: ['smoke', 'critical'],
    test: {},
    want: { status: 'passed', severity: 'critical', flaky: false, attempts: 1 },
  },
  {
    name: 'a passing test without @critical takes the policy severity',
    tags: ['regression'],
    test: {},
    want: { status: 'passed', severity: 'major' },
  },
  {
    name: 'a failure names the failing step and the expectation, without colours, tokens or the password',
    tags: ['smoke', 'critical'],
    test: {
      status: 'unexpected',
      results: [
        result({
          status: 'failed',
          errors: [
            { message: ANSI_FAIL },
            {
              message:
                'Error: page health: 1 problem(s) on https://my.invoicecloud.test/sso/callback?token=eyJhbGciOi.secret&state=abc:\n  - GET https://my.invoicecloud.test/sso/callback?token=eyJ answered 401 pw=hunter22-secret',
            },
          ],
          steps: [
            { title: 'open the portal', duration: 1 },
            {
              title: 'my accepts the token sso signed',
              duration: 1,
              error: { message: 'x' },
              steps: [{ title: 'inner expect', duration: 1, error: { message: 'x' } }],
            },
          ] as JSONReportTestResult['steps'],
        }),
      ],
    },
    want: { status: 'failed', severity: 'critical', attempts: 1 },
    message:
      /^step "my accepts the token sso signed › inner expect" failed: my should accept the token sso signed \(SSO round trip\) — Received: "Sign-in failed: the sign-in token from sso is signed with a key this portal does not trust\."; also: page health/,
    notInMessage: /\u001b|eyJ|hunter22-secret|Call log|toBeNull/,
  },
  {
    name: 'a pass on retry is passed and flaky',
    tags: ['regression'],
    test: { status: 'flaky', results: [result({ status: 'failed', errors: [{ message: 'Error: boom' }] }), result({ retry: 1 })] },
    want: { status: 'passed', flaky: true, attempts: 2, durationMs: 2000 },
    message: /^passed on retry 1 after failing: boom/,
  },
  {
    name: 'a skipped test says why',
    tags: ['smoke'],
    test: {
      status: 'skipped',
      expectedStatus: 'skipped',
      annotations: [{ type: 'skip', description: 'the phase expects my behind the maintenance page' }],
      results: [result({ status: 'skipped' })],
    },
    want: { status: 'skipped' },
    message: /maintenance page/,
  },
  {
    name: 'a browser that cannot start (our fixture tags it) is broken, not failed',
    tags: ['smoke'],
    test: {
      status: 'unexpected',
      results: [
        result({
          status: 'failed',
          errors: [
            {
              message:
                "\u001b[31mError: [harness:BROWSER_LAUNCH] the browser could not start (set CHROMIUM_PATH or install chromium): browserType.launch: Executable doesn't exist at /nope\u001b[39m",
            },
          ],
        }),
      ],
    },
    want: { status: 'broken' },
    message: /^the test failed: \[harness:BROWSER_LAUNCH\] the browser could not start.*browserType\.launch/,
  },
  {
    name: 'a missing test account (our fixture tags it) is broken',
    tags: ['smoke', 'critical'],
    test: {
      status: 'unexpected',
      results: [
        result({
          status: 'failed',
          errors: [
            { message: 'Error: [harness:NO_ACCOUNT] the test account is not set: export HARNESS_E2E_USER and HARNESS_E2E_PASSWORD' },
          ],
        }),
      ],
    },
    want: { status: 'broken', severity: 'critical' },
    message: /\[harness:NO_ACCOUNT\]/,
  },
  {
    name: 'harness-like words without our tag are a finding: failed (status never comes from message text)',
    tags: ['smoke'],
    test: {
      status: 'unexpected',
      results: [
        result({
          status: 'failed',
          errors: [
            {
              message: "Error: browserType.launch: Executable doesn't exist at /nope — no lab to test — HARNESS_E2E_BASE_URL_MY is not set",
            },
          ],
        }),
      ],
    },
    want: { status: 'failed' },
    message: /browserType\.launch/,
  },
  {
    name: 'a tag quoted inside a message (not at its start) does not make it broken',
    tags: ['smoke'],
    test: {
      status: 'unexpected',
      results: [result({ status: 'failed', errors: [{ message: 'Error: the page says "[harness:NO_LAB] x"' }] })],
    },
    want: { status: 'failed' },
    message: /the page says/,
  },
  {
    name: 'a stopped test (interrupted) is broken',
    tags: ['smoke'],
    test: { status: 'unexpected', results: [result({ status: 'interrupted', errors: [] })] },
    want: { status: 'broken' },
    message: /^the test failed: unknown error/,
  },
  {
    name: 'a timeout names the step it was in',
    tags: ['smoke'],
    test: {
      status: 'unexpected',
      results: [
        result({
          status: 'timedOut',
          errors: [{ message: 'Test timeout of 30000ms exceeded.' }],
          steps: [
            { title: 'sign in at sso with the test account', duration: 30000, error: { message: 't' } },
          ] as JSONReportTestResult['steps'],
        }),
      ],
    },
    want: { status: 'failed' },
    message: /^step "sign in at sso with the test account" timed out after 30000 ms/,
  },
];

for (const c of cases) {
  test(`adapter: ${c.name}`, () => {
    const [r, ...rest] = resultsFromReport(reportWith('SSO round trip signs the test account in', c.tags, c.test), {
      defaultSeverity: 'major',
      hostNames: { my: 'my.invoicecloud.test' },
      secrets: ['hunter22-secret'],
    });
    assert.equal(rest.length, 0);
    assert.ok(r);
    CheckResult.parse(r); // the contract the ledger enforces
    assert.equal(r.id, 'e2e:my:smoke/my.spec.ts:my › SSO round trip signs the test account in');
    assert.equal(r.kind, 'e2e');
    assert.deepEqual(r.target, { host: 'my.invoicecloud.test' });
    for (const [k, v] of Object.entries(c.want)) assert.deepEqual(r[k as keyof CheckResult], v, k);
    if (c.message) assert.match(r.message ?? '', c.message);
    else assert.equal(r.message, undefined);
    if (c.notInMessage) assert.doesNotMatch(r.message ?? '', c.notInMessage);
  });
}

test('adapter: a broken result carries the harness code in its details', () => {
  const [r] = resultsFromReport(
    reportWith('t', ['smoke'], {
      status: 'unexpected',
      results: [
        result({ status: 'failed', errors: [{ message: harnessError('NO_BASE_URL', 'HARNESS_E2E_BASE_URL_MY is not set').message }] }),
      ],
    }),
    { defaultSeverity: 'major' },
  );
  assert.equal(r?.status, 'broken');
  assert.equal(r?.details?.['harnessCode'], 'NO_BASE_URL');
  assert.equal(harnessCodeOf('Error: [harness:NOT_A_CODE] x'), undefined, 'only the codes the harness defines');
});

// A password with characters every encoding changes: URL (path and form) and JSON escape them differently.
const PASSWORD = 'p@ss "w/rd"&x+y\\z';
const forms: { name: string; text: string }[] = [
  { name: 'raw', text: `typed ${PASSWORD} into the form` },
  { name: 'encodeURIComponent', text: `GET https://www.invoicecloud.test/login/${encodeURIComponent(PASSWORD)} answered 500` },
  {
    name: 'form-urlencoded body',
    text: `POST body user=test&password=${new URLSearchParams({ p: PASSWORD }).toString().slice(2)} answered 500`,
  },
  { name: 'JSON-escaped', text: `Received: ${JSON.stringify({ password: PASSWORD })}` },
];

for (const f of forms) {
  test(`adapter: the password is redacted in its ${f.name} form`, () => {
    assert.ok(!f.text.includes(PASSWORD) || f.name === 'raw', 'the form differs from the raw value');
    const out = makeClean([PASSWORD])(f.text);
    for (const form of secretForms(PASSWORD)) assert.ok(!out.includes(form), `${JSON.stringify(form)} left in ${out}`);
    assert.match(out, /\[redacted\]/);
    // And through a whole result, as the harness builds it.
    const [r] = resultsFromReport(
      reportWith('t', ['smoke'], {
        status: 'unexpected',
        results: [result({ status: 'failed', errors: [{ message: `Error: ${f.text}` }] })],
      }),
      { defaultSeverity: 'major', secrets: [PASSWORD] },
    );
    for (const form of secretForms(PASSWORD))
      assert.ok(
        !JSON.stringify(r).includes(JSON.stringify(form).slice(1, -1)) && !(r?.message ?? '').includes(form),
        `${f.name}: ${r?.message}`,
      );
  });
}
