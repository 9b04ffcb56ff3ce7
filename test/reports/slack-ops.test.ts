// #dailyopsissues reads plain words for every June step issue 11 added (the IIS recycle included): Block Kit, one
// line per cause from the check's title, no ids, codes, versions or "expected"; the report link is an http(s) URL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { parseConfig } from '../../core/config/load.ts';
import { runStep } from '../../core/run.ts';
import harness from '../../harness.config.ts';
import { KINDS } from '../../kinds.ts';
import { parseFault } from '../../lab/faults.ts';
import { labSource } from '../../lab/source.ts';
import { readRunFolder } from '../../reports/run-folder.ts';
import { buildOperationsMessage } from '../../reports/slack-message.ts';
import { runCli, tempDir } from '../cli/helpers.ts';
import { juneStep } from '../support/window.ts';
import { makeRunFolder, tmpRoot } from './fixture.ts';
import { startWebhookServer } from './webhook-server.ts';

const config = parseConfig(harness);
const REPORT_URL = 'https://reports.example/runs/2025-06-22/index.html';

/** What an engineer's assertion looks like: a check id, a stable code, "expected", an address, a version id. */
const ASSERTION_SYNTAX: [string, RegExp][] = [
  ['a check id', /\b(?:recycle|service|api|secret-sync|mailgun|jwt|machinekey|sanity|pool):\S/],
  ['a stable code', /\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b/],
  ['"expected"', /\bexpected\b/i],
  ['an address', /\b127\.\d+\.\d+\.\d+\b/],
  ['a Key Vault version id', /\b[0-9a-f]{32}\b/],
];

const CASES: { step: string; fault: string; line: string }[] = [
  {
    step: 'mailgun-rotation',
    fault: 'iis-not-recycled:IC-Web3',
    line: "IC-Web3's app was recycled and runs Key Vault mailgun-api-key's current version: failed",
  },
  {
    step: 'mailgun-rotation',
    fault: 'k8s-secret-stale',
    line: "biller/biller-mailgun on K8s aks-prd-1 holds Key Vault mailgun-api-key's current version (cron job biller-mailgun-message-status-job): failed",
  },
  {
    step: 'patch-sftp1',
    fault: 'service-down:SFTP1',
    line: 'SFTP1 (SFTP servers) sends an SSH banner and lets the check account log in and list / over SFTP: failed',
  },
  { step: 'k8s-clusters', fault: 'k8s-node-notready:aks-prd-2', line: 'every node of K8s aks-prd-2 is Ready: failed' },
  { step: 'post-steps', fault: 'jobs-stopped:integrations', line: 'the Product Integrations jobs are running again: failed' },
  { step: 'patch-app', fault: 'alerting-off:IC-App1', line: 'alerting is on again for IC-App1, IC-App2: failed' },
];

for (const c of CASES) {
  test(`#dailyopsissues, ${c.step} with ${c.fault}: Block Kit, the cause in plain words, the report as a URL`, async () => {
    const out = tempDir(`ops-${c.step}`);
    try {
      const s = await runStep({
        config,
        kinds: KINDS,
        source: labSource(config, { faults: [parseFault(c.fault)] }),
        step: juneStep(c.step),
        window: '2025-06-22',
        outDir: out,
        signal: new AbortController().signal,
      });
      assert.equal(s.verdict, 'no-go', JSON.stringify(s.reasons));
      const m = buildOperationsMessage(await readRunFolder(out), { reportPath: `${out}/allure-report/index.html`, reportUrl: REPORT_URL });
      assert.ok(m.text.split('\n').includes(`• ${c.line}`), m.text);
      assert.match(m.text, /: problems found$/m);
      for (const [what, re] of ASSERTION_SYNTAX) assert.doesNotMatch(m.text, re, `${what} reached #dailyopsissues:\n${m.text}`);
      assert.deepEqual(
        m.blocks.map((b) => b.type),
        ['section', 'section', 'context'],
      );
      const blocks = JSON.stringify(m.blocks);
      assert.ok(blocks.includes(`<${REPORT_URL}|Report>`), blocks);
      assert.ok(!blocks.includes(out), 'no path on the operator disk');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
}

test('npm run report --slack: #dailyopsissues links the report by --report-url, else by the CI run URL from its environment', async () => {
  const server = await startWebhookServer(() => 200);
  const ci = { GITHUB_SERVER_URL: 'https://github.example', GITHUB_REPOSITORY: 'ops/harness', GITHUB_RUN_ID: '42' };
  const noCi = {
    GITHUB_SERVER_URL: '',
    GITHUB_REPOSITORY: '',
    GITHUB_RUN_ID: '',
    SYSTEM_COLLECTIONURI: '',
    SYSTEM_TEAMPROJECT: '',
    BUILD_BUILDID: '',
  };
  const rows = [
    { name: '--report-url', extra: [`--report-url=${REPORT_URL}`], env: noCi, link: REPORT_URL },
    { name: 'GitHub Actions', extra: [], env: { ...noCi, ...ci }, link: 'https://github.example/ops/harness/actions/runs/42' },
  ];
  try {
    for (const row of rows) {
      const { dir } = await makeRunFolder(tmpRoot('slack-ops'));
      server.received.length = 0;
      const r = await runCli('report.ts', [`--run=${dir}`, '--slack', '--no-html', ...row.extra], {
        ...row.env,
        SLACK_WEBHOOK_PLATFORM_SUPPORT: '',
        SLACK_WEBHOOK_ENGINEERING_MAINTENANCE: '',
        SLACK_WEBHOOK_ENG_MONTHLYMAINTENANCE: '',
        SLACK_WEBHOOK_DAILYOPSISSUES: server.url('/hooks/dailyopsissues'),
      });
      assert.equal(r.code, 0, `${row.name}: ${r.stdout}${r.stderr}`);
      const ops = server.received.filter((m) => m.path === '/hooks/dailyopsissues');
      assert.equal(ops.length, 1, row.name);
      const blocks = JSON.stringify(ops[0]!.body.blocks);
      assert.ok(blocks.includes(`<${row.link}|Report>`), `${row.name}: ${blocks}`);
      assert.ok(!blocks.includes(dir), `${row.name}: no path on the operator disk`);
    }
  } finally {
    await server.close();
  }
});
