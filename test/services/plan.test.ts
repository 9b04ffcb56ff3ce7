// The service kind's plan: protocol per group, SFTP1 alone where the window says so, and what an environment lacks
// (the check account, a pinned host key, an unknown group or server) as gaps naming the fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../core/config/load.ts';
import type { CheckTask } from '../../core/task.ts';
import type { ResolvedEstate } from '../../estate/model.ts';
import harness from '../../harness.config.ts';
import { serviceKind } from '../../services/plan.ts';
import { juneStep } from '../support/window.ts';

const config = parseConfig(harness);
const estate = {
  env: 'production',
  domain: 'invoicecloud.com',
  hosts: [],
  webServers: [],
  services: [
    { name: 'SFTP1', address: '10.0.0.21', port: 22, group: 'sftp', title: 'SFTP servers', banner: '^SSH-2\\.0-' },
    { name: 'SFTP2', address: '10.0.0.22', port: 22, group: 'sftp', title: 'SFTP servers', banner: '^SSH-2\\.0-' },
    { name: 'IC-App1', address: '10.0.0.31', port: 443, group: 'app', title: 'App servers' },
  ],
} as unknown as ResolvedEstate;
const sftp = (hostKeys: Record<string, string> = {}) => ({
  protocol: 'ssh',
  account: { userEnv: 'TEST_SFTP_USER', passwordEnv: 'TEST_SFTP_PASSWORD' },
  hostKeys,
});
const plan = (params: Record<string, unknown>) =>
  serviceKind.plan(
    { step: juneStep('patch-sftp1'), config, estate, runDir: '/tmp' },
    serviceKind.params.parse(params),
    'critical',
  ) as CheckTask[];

test('one check per server of the named groups, narrowed to the named servers, with the protocol the group uses', () => {
  const tasks = plan({ groups: ['sftp', 'app'], probes: { app: { protocol: 'http' } } });
  assert.deepEqual(
    tasks.map((t) => [t.id, t.title]),
    [
      ['service:SFTP1', 'SFTP1 (SFTP servers) accepts TCP on port 22 with the expected banner'],
      ['service:SFTP2', 'SFTP2 (SFTP servers) accepts TCP on port 22 with the expected banner'],
      ['service:IC-App1', 'IC-App1 (App servers) is healthy at https://ic-app1.invoicecloud.com/health'],
    ],
  );
  assert.deepEqual(
    plan({ groups: ['sftp'], servers: ['SFTP1'] }).map((t) => t.id),
    ['service:SFTP1'],
  );
});

test('gaps: the check account, the pinned host key, an unknown group or server, each named with its fix', () => {
  delete process.env.TEST_SFTP_USER;
  delete process.env.TEST_SFTP_PASSWORD;
  const gapOf = (params: Record<string, unknown>) => plan(params).map((t) => `${t.id}: ${t.gap ?? ''}`);
  assert.match(gapOf({ groups: ['sftp'], servers: ['SFTP1'], probes: { sftp: sftp() } })[0]!, /TEST_SFTP_USER is not set/);
  process.env.TEST_SFTP_USER = 'svc-check';
  assert.match(gapOf({ groups: ['sftp'], servers: ['SFTP1'], probes: { sftp: sftp() } })[0]!, /TEST_SFTP_PASSWORD is not set/);
  process.env.TEST_SFTP_PASSWORD = 'not-used-here';
  try {
    assert.match(
      gapOf({ groups: ['sftp'], servers: ['SFTP1'], probes: { sftp: sftp() } })[0]!,
      /service:SFTP1: no host key pinned for SFTP1: add hostKeys\["SFTP1"\] = "SHA256:…" .*ssh-keyscan 10\.0\.0\.21/,
    );
    const pinned = plan({ groups: ['sftp'], servers: ['SFTP1'], probes: { sftp: sftp({ SFTP1: `SHA256:${'a'.repeat(43)}` }) } });
    assert.equal(pinned[0]!.gap, undefined);
    assert.ok(!JSON.stringify(pinned).includes('not-used-here'));
  } finally {
    delete process.env.TEST_SFTP_USER;
    delete process.env.TEST_SFTP_PASSWORD;
  }
  assert.deepEqual(gapOf({ groups: ['ftp'] }), [
    'service:ftp: the window names server group "ftp", which estate.serverGroups does not define',
  ]);
  assert.match(
    gapOf({ groups: ['sftp'], servers: ['SFTP3'] })[0]!,
    /service:SFTP3: the window names server SFTP3, which is not in the groups \["sftp"\]/,
  );
  assert.equal(serviceKind.params.safeParse({ probes: { sftp: { protocol: 'ssh', hostKeys: { SFTP1: 'md5:ab' } } } }).success, false);
});
