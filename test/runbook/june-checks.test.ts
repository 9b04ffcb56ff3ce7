// Every runbook step issue 11 names, run on the lab through the June window: go when healthy, and the lab fault
// that breaks it makes the step no-go with a message naming the cause. No secret value reaches a result.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { parseConfig } from '../../core/config/load.ts';
import { runStep } from '../../core/run.ts';
import harness from '../../harness.config.ts';
import { KINDS } from '../../kinds.ts';
import { LAB_API_TOKEN, LAB_MAILGUN_KEY, LAB_MAILGUN_OLD_KEY, LAB_SFTP_ACCOUNT } from '../../lab/apis/credentials.ts';
import { parseFault } from '../../lab/faults.ts';
import { labSource } from '../../lab/source.ts';
import { runCli, tempDir } from '../cli/helpers.ts';
import { juneStep } from '../support/window.ts';

const config = parseConfig(harness);
const SECRETS = [LAB_API_TOKEN, LAB_MAILGUN_KEY, LAB_MAILGUN_OLD_KEY, LAB_SFTP_ACCOUNT.password];

interface Case {
  step: string;
  faults?: string[];
  only?: string[];
  /** Failing check id → what its message must say; none → the step is go. */
  fails?: Record<string, RegExp>;
  action?: RegExp;
}

const CASES: Case[] = [
  // Server groups (JEDI-175..182): protocol-level check and alerting, blocking at the step that patches them.
  { step: 'patch-app' },
  {
    step: 'patch-app',
    faults: ['service-unhealthy:IC-App2'],
    fails: { 'service:IC-App2': /IC-App2 .* answered 503 at \/health, expected 200/ },
  },
  {
    step: 'patch-app',
    faults: ['alerting-off:IC-App1'],
    fails: { 'api:alerting:app': /data\[name=IC-App1\]\.enabled is false, expected true — turn alerting back on for IC-App1/ },
  },
  { step: 'patch-gateway' },
  {
    step: 'patch-gateway',
    faults: ['service-down:IC-GW1'],
    fails: { 'service:IC-GW1': /IC-GW1 \(127\.0\.0\.1:\d+\) refused the connection/ },
  },
  { step: 'patch-management' },
  { step: 'patch-management', faults: ['service-down:IC-MGMT1'], fails: { 'service:IC-MGMT1': /IC-MGMT1 .* refused the connection/ } },
  { step: 'patch-mcc-db' },
  { step: 'patch-mcc-db', faults: ['alerting-off:IC-MCCDB1'], fails: { 'api:alerting:mcc-db': /IC-MCCDB1\]\.enabled is false/ } },
  { step: 'patch-pdfextract' },
  { step: 'patch-pdfextract', faults: ['service-unhealthy:IC-PDF1'], fails: { 'service:IC-PDF1': /answered 503 at \/health/ } },
  { step: 'patch-proxy' },
  {
    step: 'patch-proxy',
    faults: ['service-down:IC-PROXY2', 'alerting-off:IC-PROXY1..2'],
    fails: {
      'service:IC-PROXY2': /refused the connection/,
      'api:alerting:proxy': /IC-PROXY1\]\.enabled is false.*IC-PROXY2\]\.enabled is false/,
    },
  },
  { step: 'patch-ts-licensing' },
  { step: 'patch-ts-licensing', faults: ['service-down:IC-TSLIC1'], fails: { 'service:IC-TSLIC1': /refused the connection/ } },
  // Alerting on again after every batch the runbook turned it off for (the groups not covered above).
  {
    step: 'patch-gateway',
    faults: ['alerting-off:IC-GW2'],
    fails: { 'api:alerting:gateway': /IC-GW2\]\.enabled is false, expected true — turn alerting back on for IC-GW2/ },
  },
  { step: 'patch-management', faults: ['alerting-off:IC-MGMT1'], fails: { 'api:alerting:management': /IC-MGMT1\]\.enabled is false/ } },
  { step: 'patch-pdfextract', faults: ['alerting-off:IC-PDF2'], fails: { 'api:alerting:pdfextract': /IC-PDF2\]\.enabled is false/ } },
  {
    step: 'patch-ts-licensing',
    faults: ['alerting-off:IC-TSLIC1'],
    fails: { 'api:alerting:ts-licensing': /IC-TSLIC1\]\.enabled is false/ },
  },
  {
    step: 'patch-sftp1',
    faults: ['alerting-off:SFTP1'],
    fails: { 'api:alerting:sftp': /SFTP1\]\.enabled is false/ },
    action: /do not patch SFTP2 while SFTP1 is down/,
  },
  { step: 'patch-sftp2', faults: ['alerting-off:SFTP2'], fails: { 'api:alerting:sftp2': /SFTP2\]\.enabled is false/ } },
  // SFTP1 then SFTP2 (JEDI-180): SFTP2 is not patched while SFTP1 is down.
  { step: 'patch-sftp1' },
  {
    step: 'patch-sftp1',
    faults: ['service-down:SFTP1'],
    fails: { 'service:SFTP1': /SFTP1 \(127\.0\.0\.1:\d+\) refused the connection/ },
    action: /do not patch SFTP2 while SFTP1 is down/,
  },
  { step: 'patch-sftp1', faults: ['sftp-login-broken:SFTP1'], fails: { 'service:SFTP1': /SFTP1 .* refused the login of harness-check/ } },
  { step: 'patch-sftp2' },
  { step: 'patch-sftp2', faults: ['service-down:SFTP1'], fails: { 'service:SFTP1': /refused the connection/ } },
  {
    step: 'patch-sftp2',
    faults: ['sftp-list-broken:SFTP2'],
    fails: { 'service:SFTP2': /accepted the login of harness-check but could not list \/: permission denied/ },
  },
  // K8s clusters (PLAT-1987).
  { step: 'k8s-clusters' },
  {
    step: 'k8s-clusters',
    faults: ['k8s-version-old:aks-prd-1'],
    fails: { 'api:k8s:aks-prd-1:version': /gitVersion is "v1\.30\.9", expected "v1\.31\.4"/ },
  },
  {
    step: 'k8s-clusters',
    faults: ['k8s-node-notready:aks-prd-2'],
    fails: {
      'api:k8s:aks-prd-2:nodes': /aks-prd-2-nodepool1-2: items\[1\]\.status\.conditions\[type=Ready\]\.status is "False", expected "True"/,
    },
  },
  {
    step: 'k8s-clusters',
    faults: ['k8s-secret-missing'],
    fails: {
      'api:k8s:aks-prd-1:mailgun-secret': /answered 404/,
      'secret-sync:k8s:aks-prd-1:biller/biller-mailgun': /biller\/biller-mailgun on K8s aks-prd-1 does not exist/,
    },
  },
  // Mailgun rotation, mail routing and the cron job secret.
  { step: 'mailgun-rotation' },
  {
    step: 'mailgun-rotation',
    faults: ['mailgun-key-old'],
    fails: { 'mailgun:key': /Mailgun refused the key in MAILGUN_API_KEY \(401\)/, 'mailgun:routing': /401/ },
  },
  {
    step: 'mailgun-rotation',
    faults: ['mail-routing-broken'],
    fails: { 'mailgun:routing': /failed delivery \(550 .*\): check the Mailgun route/ },
  },
  {
    step: 'mailgun-rotation',
    faults: ['k8s-secret-stale'],
    fails: {
      'secret-sync:k8s:aks-prd-1:biller/biller-mailgun':
        /is not Key Vault mailgun-api-key's current version 9a8b.*: it holds the older version 3f1c.*delete the secret \(kubectl -n biller delete secret biller-mailgun\)/,
    },
  },
  // The IIS recycle after the rotation: a server whose app pool was not recycled still sends with the old key.
  {
    step: 'mailgun-rotation',
    faults: ['iis-not-recycled:IC-Web3'],
    fails: {
      'recycle:IC-Web3':
        /^IC-Web3's app runs Key Vault mailgun-api-key version 3f1c0d9e8b7a4c2e9d1f0a6b5c4d3e2f \(loaded [^)]+\), not the current version 9a8b7c6d5e4f40312a1b2c3d4e5f6a7b \(created [^)]+\): recycle the IIS app pool on IC-Web3 so it loads the new key/,
    },
    action: /a server on the old key: recycle its IIS app pool/,
  },
  // machineKey (PLAT-2374): web1-5 validated on IC-Web3, then all ten; alerting on after each batch.
  { step: 'web1-5', only: ['rotations', 'api'] },
  {
    step: 'web1-5',
    only: ['rotations', 'api'],
    faults: ['web-stale-key:IC-Web2', 'alerting-off:IC-Web1..5'],
    fails: {
      'machinekey:IC-Web3':
        /IC-Web2 does not share IC-Web3's key though this step rolled IC-Web1\.\.5 .*Keys: IC-Web3's key: IC-Web1, IC-Web3, .*; another key \(IC-Web2's\): IC-Web2/,
      'api:alerting:web1-5': /IC-Web1\]\.enabled is false.*IC-Web5\]\.enabled is false/,
    },
    action: /do not start IC-Web6\.\.10/,
  },
  {
    step: 'web6-10',
    only: ['rotations', 'api'],
    faults: ['alerting-off:IC-Web8'],
    fails: { 'api:alerting:web6-10': /IC-Web8\]\.enabled is false/ },
  },
  {
    step: 'post-window',
    only: ['rotations'],
    faults: ['web-stale-key:IC-Web9'],
    fails: { 'machinekey:IC-Web3': /IC-Web9 does not share IC-Web3's key/ },
  },
  // JWT certificates (ARC-135).
  { step: 'jwt-certificates' },
  {
    step: 'jwt-certificates',
    faults: ['jwt-cert-old:IC-Web4'],
    fails: { 'jwt:IC-Web4': /IC-Web4's sso signs with key lab-sso-rogue, not the new certificate lab-sso-1 \(ARC-135\)/ },
  },
  // Post-steps: jobs running again, mail routing.
  { step: 'post-steps' },
  {
    step: 'post-steps',
    faults: ['jobs-stopped:integrations'],
    fails: { 'api:jobs:integrations': /biller-file-import: jobs\[0\]\.state is "paused"/ },
  },
  {
    step: 'post-steps',
    faults: ['jobs-stopped:engineering', 'mail-routing-broken'],
    fails: { 'api:jobs:engineering': /paused/, 'mailgun:routing': /550/ },
  },
];

for (const c of CASES) {
  const name = `${c.step}${c.only ? ` (--only=${c.only.join(',')})` : ''}: ${c.faults?.join(' ') ?? 'healthy'} → ${c.fails ? 'no-go' : 'go'}`;
  test(name, async () => {
    const out = tempDir(`june-${c.step}`);
    try {
      const s = await runStep({
        config,
        kinds: KINDS,
        source: labSource(config, { faults: (c.faults ?? []).map(parseFault) }),
        step: juneStep(c.step),
        window: '2025-06-22',
        outDir: out,
        signal: new AbortController().signal,
        ...(c.only ? { only: c.only } : {}),
      });
      const problems = s.checks.filter((r) => r.status !== 'passed');
      if (!c.fails) {
        assert.equal(s.verdict, 'go', problems.map((r) => `${r.id}: ${r.status} ${r.message}`).join('\n'));
        assert.ok(s.checks.length > 0);
      } else {
        assert.equal(s.verdict, 'no-go', JSON.stringify(s.reasons));
        assert.deepEqual(
          problems.map((r) => r.id).sort(),
          Object.keys(c.fails).sort(),
          problems.map((r) => `${r.id}: ${r.message}`).join('\n'),
        );
        for (const [id, says] of Object.entries(c.fails)) {
          const r = s.checks.find((x) => x.id === id)!;
          assert.equal(r.status, 'failed', `${id}: ${r.message}`);
          assert.match(r.message!, says, `${id}: ${r.message}`);
        }
        if (c.action) assert.match(s.action ?? '', c.action);
      }
      const text = JSON.stringify(s);
      for (const secret of SECRETS) assert.ok(!text.includes(secret), 'a secret value reached the summary');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
}

test('every lab fault issue 11 added fails a June step above', () => {
  const added = [
    'service-down',
    'service-unhealthy',
    'sftp-login-broken',
    'sftp-list-broken',
    'alerting-off',
    'mailgun-key-old',
    'mail-routing-broken',
    'k8s-secret-stale',
    'k8s-secret-missing',
    'k8s-node-notready',
    'k8s-version-old',
    'jobs-stopped',
    'jwt-cert-old',
    'iis-not-recycled',
  ];
  const used = new Set(CASES.flatMap((c) => (c.fails ? (c.faults ?? []) : [])).map((f) => f.split(':')[0]));
  assert.deepEqual(
    added.filter((f) => !used.has(f)),
    [],
  );
});

test('mailgun-rotation asks every web server which Mailgun key its app loaded: all ten pass on a healthy lab', async () => {
  const out = tempDir('june-recycle');
  try {
    const s = await runStep({
      config,
      kinds: KINDS,
      source: labSource(config),
      step: juneStep('mailgun-rotation'),
      window: '2025-06-22',
      outDir: out,
      signal: new AbortController().signal,
    });
    const recycle = s.checks.filter((r) => r.id.startsWith('recycle:'));
    assert.deepEqual(
      recycle.map((r) => r.id),
      config.estate.webServers.map((w) => `recycle:${w.name}`),
    );
    assert.equal(recycle.length, 10);
    for (const r of recycle) {
      assert.equal(r.status, 'passed', `${r.id}: ${r.message}`);
      assert.match(
        r.message ?? '',
        /^IC-Web\d+'s app runs Key Vault mailgun-api-key version 9a8b7c6d5e4f40312a1b2c3d4e5f6a7b, the current one$/,
      );
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('npm run plan lists the IIS recycle check per web server; npm run smoke with iis-not-recycled:IC-Web3 is no-go (1)', async () => {
  const plan = await runCli('plan.ts', ['--window=2025-06-22', '--phase=mailgun-rotation']);
  assert.equal(plan.code, 0, plan.stdout + plan.stderr);
  assert.match(
    plan.stdout,
    /mailgun-rotation {2}05:00 {2}Mailgun key rotated, IIS recycled on IC-Web1\.\.10, mail routed, cron job secret updated/,
  );
  for (let i = 1; i <= 10; i++)
    assert.match(
      plan.stdout,
      new RegExp(`BLOCKS recycle:IC-Web${i} +IC-Web${i}'s app was recycled and runs Key Vault mailgun-api-key's current version`),
    );
  const out = tempDir('june-recycle-cli');
  try {
    const r = await runCli('smoke.ts', [
      '--window=2025-06-22',
      '--phase=mailgun-rotation',
      '--fault=iis-not-recycled:IC-Web3',
      `--out=${out}`,
    ]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /verdict: NO-GO/);
    assert.match(
      r.stdout,
      /- recycle:IC-Web3 failed: IC-Web3's app runs Key Vault mailgun-api-key version 3f1c\w+ .*not the current version 9a8b\w+/,
    );
    assert.doesNotMatch(r.stdout, /recycle:IC-Web(?!3\b)\d+ failed/);
    for (const secret of SECRETS) assert.ok(!(r.stdout + r.stderr).includes(secret), 'a secret value reached the output');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
