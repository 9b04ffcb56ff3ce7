import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig, parseConfig } from '../../core/config/load.ts';
import { estateFromEnvironment } from '../../estate/model.ts';

test('the repo config is valid and describes the runbook estate', async () => {
  const c = await loadConfig('harness.config.ts');
  assert.deepEqual(
    c.estate.hosts.map((h) => h.key),
    ['www', 'www2', 'my', 'sso'],
  );
  assert.deepEqual(
    c.estate.webServers.map((s) => s.name),
    Array.from({ length: 10 }, (_, i) => `IC-Web${i + 1}`),
  );
  assert.equal(c.estate.gateway.name, 'agw-pri-appgateway0-prd');
  assert.equal(c.estate.ilb.name, 'IC-LB-WebSVR-4AppSVR');
  assert.deepEqual(
    c.estate.slack.channels.map((ch) => ch.name),
    ['#platform-support', '#engineering-maintenance', '#eng-monthlymaintenance', '#dailyopsissues'],
  );
  const sftp = c.estate.serverGroups.find((g) => g.key === 'sftp')!;
  assert.deepEqual(
    sftp.servers.map((s) => s.name),
    ['SFTP1', 'SFTP2'],
  );
  assert.equal(c.estate.hosts.find((h) => h.key === 'www2')!.maintenancePage, false);
});

test('an invalid config names every bad path at once', async () => {
  const good = (await import('../../harness.config.ts')).default as { estate: Record<string, unknown> } & Record<string, unknown>;
  const bad = structuredClone({
    ...good,
    estate: { ...good.estate, webServers: [{ name: 'web 1', port: 70000 }], gateway: { port: 443 } },
    policy: { retries: -1, colour: 'red' },
  });
  const err = (() => {
    try {
      parseConfig(bad, 'bad.config.ts');
    } catch (e) {
      return e;
    }
  })();
  assert.ok(err instanceof ConfigError);
  const text = (err as ConfigError).problems.join('\n');
  for (const path of ['estate.webServers.0.name', 'estate.webServers.0.port', 'estate.gateway.name', 'policy.retries', 'policy'])
    assert.match(text, new RegExp(`^${path.replace(/\./g, '\\.')}: `, 'm'), path);
  assert.match(text, /colour/);
  assert.match((err as ConfigError).message, /bad\.config\.ts/);
});

test('--env=production with addresses left for operators names each missing one', async () => {
  const c = await loadConfig('harness.config.ts');
  const err = (() => {
    try {
      estateFromEnvironment(c, 'production');
    } catch (e) {
      return e;
    }
  })() as ConfigError;
  assert.ok(err instanceof ConfigError);
  assert.ok(err.problems.some((p) => p.includes('environments.production.addresses["IC-Web1"]')));
  assert.ok(err.problems.some((p) => p.includes('"agw-pri-appgateway0-prd"')));
  assert.ok(err.problems.some((p) => p.includes('"SFTP2"')));
  // Every address, and the CA bundle the tracked config leaves for operators (caFile: '').
  assert.equal(err.problems.length, 10 + 2 + c.estate.serverGroups.reduce((n, g) => n + g.servers.length, 0) + 1);
  assert.throws(() => estateFromEnvironment(c, 'staging'), /environments\.staging: no such environment \(known: lab, production\)/);
});
