// Issue 14, bad configuration: each broken config, replayed through `npm run smoke`, exits 78 naming the bad path, no stack.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../core/config/load.ts';
import { deadline } from '../../core/deadline.ts';
import { secretsToHide } from '../../core/run.ts';
import { runTasks } from '../../core/runner.ts';
import type { CheckTask } from '../../core/task.ts';
import { ROOT, runCli, tempDir } from '../cli/helpers.ts';

/** A config file: the repo's config, cloned, with `mutate` (TypeScript statements on `c`) applied. */
function configWith(dir: string, name: string, mutate: string): string {
  const file = join(dir, `${name}.config.ts`);
  writeFileSync(
    file,
    `import base from ${JSON.stringify(join(ROOT, 'harness.config.ts'))};\n// biome-ignore lint: test fixture\nconst c: any = structuredClone(base);\n${mutate}\nexport default c;\n`,
  );
  return file;
}

const CASES: { name: string; mutate: string; path: RegExp; says: RegExp }[] = [
  {
    name: 'invalid banner regex',
    mutate: `c.estate.serverGroups.find((g: any) => g.key === 'sftp').banner = '^SSH-([';`,
    path: /estate\.serverGroups\.\d+\.banner/,
    says: /not a valid regular expression/,
  },
  {
    name: 'process.exit(0) while loading',
    mutate: 'process.exit(0);',
    path: /cannot be loaded/,
    says: /called process\.exit\(0\) while it was loaded/,
  },
  {
    name: 'duplicate web server',
    mutate: `c.estate.webServers.push({ name: 'IC-Web1' });`,
    path: /estate\.webServers\.10\.name/,
    says: /"IC-Web1" is already used at webServers\.0\.name/,
  },
  {
    name: 'duplicate host label',
    mutate: `c.estate.hosts[1].label = 'www';`,
    path: /estate\.hosts\.1\.label/,
    says: /host label "www" is already used/,
  },
  {
    name: 'duplicate service server',
    mutate: `c.estate.serverGroups[0].servers.push({ name: 'SFTP1' });`,
    path: /estate\.serverGroups\.\d+\.servers\.\d+\.name/,
    says: /server name "SFTP1" is already used/,
  },
  {
    name: 'server named like the gateway',
    mutate: `c.estate.webServers[0].name = c.estate.gateway.name;`,
    path: /estate\.gateway\.name/,
    says: /already used/,
  },
  {
    name: 'poolSamplesPerMember 5e7',
    mutate: 'c.policy = { poolSamplesPerMember: 5e7 };',
    path: /policy\.poolSamplesPerMember/,
    says: /at most 100 .*load test/,
  },
  {
    name: 'probe timeout 2^31 ms',
    mutate: 'c.policy = { timeouts: { probeMs: 2 ** 31 } };',
    path: /policy\.timeouts\.probeMs/,
    says: /at most 120000 ms/,
  },
  {
    name: 'k6 timeout 2^31 ms',
    mutate: 'c.policy = { timeouts: { k6Ms: 2 ** 31 } };',
    path: /policy\.timeouts\.k6Ms/,
    says: /at most 21600000 ms/,
  },
  {
    name: 'retry backoff of a day',
    mutate: 'c.policy = { retryBackoffMs: 86_400_000 };',
    path: /policy\.retryBackoffMs/,
    says: /at most 60000 ms/,
  },
  {
    name: 'maintenance.status 99999',
    mutate: 'c.estate.maintenance = { status: 99999 };',
    path: /estate\.maintenance\.status/,
    says: /HTTP status code, 100–599/,
  },
  {
    name: 'empty maintenance marker',
    mutate: `c.estate.maintenance = { marker: '' };`,
    path: /estate\.maintenance\.marker/,
    says: /Too small/,
  },
  {
    name: 'empty identity header',
    mutate: `c.estate.gateway.identityHeader = '';`,
    path: /estate\.gateway\.identityHeader/,
    says: /HTTP header name .*not empty/,
  },
  { name: "'#' in a host label", mutate: `c.estate.hosts[0].label = 'w#w';`, path: /estate\.hosts\.0\.label/, says: /no "#"/ },
  { name: 'trailing dot in a label', mutate: `c.estate.hosts[0].label = 'www.';`, path: /estate\.hosts\.0\.label/, says: /trailing dot/ },
  { name: 'URL as the domain', mutate: `c.estate.domain = 'https://invoicecloud.com/';`, path: /estate\.domain/, says: /no scheme, path/ },
  { name: 'trailing dot in the domain', mutate: `c.estate.domain = 'invoicecloud.com.';`, path: /estate\.domain/, says: /trailing dot/ },
  {
    name: 'URL as an address',
    mutate: `c.environments.production.addresses['IC-Web1'] = 'https://10.0.0.1/';`,
    path: /environments\.production\.addresses\.IC-Web1/,
    says: /not a URL/,
  },
  {
    name: 'environment named constructor',
    mutate: 'c.environments.constructor = { addresses: {} };',
    path: /environments\.constructor/,
    says: /reserved/,
  },
  {
    name: 'missing zone file',
    mutate: `c.dns = { ...c.dns, zoneFile: 'config/no-such.zone' };`,
    path: /dns\.zoneFile/,
    says: /no such file: .*no-such\.zone/,
  },
  {
    name: 'unbounded resolverSample',
    mutate: 'c.dns = { ...c.dns, resolverSample: 1e9 };',
    path: /dns\.resolverSample/,
    says: /at most 500/,
  },
  {
    name: 'k6 run longer than the window',
    mutate: `c.k6.scripts['smoke-load'].duration = '999h';`,
    path: /k6\.scripts\.smoke-load\.duration/,
    says: /at most 6h/,
  },
  {
    name: 'e2e test timeout of a month',
    mutate: 'c.e2e = { testTimeoutMs: 2 ** 31 };',
    path: /e2e\.testTimeoutMs/,
    says: /at most 3600000/,
  },
];

test('every broken config exits 78 naming its path, with no stack trace', async () => {
  const dir = tempDir('hardening-config');
  const replay = async (c: (typeof CASES)[number]) => {
    const name = c.name.replace(/[^a-z0-9]+/gi, '-');
    const file = configWith(dir, name, c.mutate);
    const r = await runCli('smoke.ts', ['--phase=web1-5', '--window=2025-06-22', `--config=${file}`, `--out=${join(dir, `out-${name}`)}`]);
    assert.equal(r.code, 78, `${c.name}: exit ${r.code}\n${r.stderr}`);
    assert.match(r.stderr, new RegExp(`\\n  - ${c.path.source}: `), `${c.name}: path ${c.path}\n${r.stderr}`);
    assert.match(r.stderr, c.says, c.name);
    assert.doesNotMatch(r.stderr, /\n\s+at /, `${c.name}: no stack trace`);
    assert.equal(existsSync(join(dir, `out-${name}`)), false, `${c.name}: no run folder`);
  };
  // Two at a time (two cores): each case is a whole CLI start.
  for (let i = 0; i < CASES.length; i += 2) await Promise.all(CASES.slice(i, i + 2).map(replay));
});

test('timers hold every accepted timeout: a deadline of 2^31 ms or more does not fire after 1 ms', async () => {
  for (const ms of [2 ** 31 - 1, 2 ** 31, 2 ** 33, Number.MAX_SAFE_INTEGER, Number.POSITIVE_INFINITY]) {
    const d = deadline(new AbortController().signal, ms);
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(d.signal.aborted, false, `deadline(${ms}) fired early`);
    d.clear();
  }
  // The runner's own deadline and backstop: a check with a 2^31 ms timeout that passes at once is passed, not abandoned.
  const task: CheckTask = {
    type: 'check',
    id: 'long',
    family: 'sanity',
    kind: 'sanity',
    title: 'long timeout',
    target: {},
    severity: 'critical',
    timeoutMs: 2 ** 31,
    retries: 0,
    run: async (signal) => {
      await new Promise((r) => setTimeout(r, 30));
      return signal.aborted ? { status: 'failed', message: 'the deadline fired' } : { status: 'passed' };
    },
  };
  const results = await runTasks([task], {
    concurrency: 1,
    backoffMs: 1,
    runDir: tempDir('hardening-timers'),
    signal: new AbortController().signal,
    onResult: () => undefined,
    graceMs: 2 ** 31,
  });
  assert.equal(results[0]?.status, 'passed', JSON.stringify(results[0]));
});

test('HARNESS_TEST_USER: the README and the redaction agree that the account name is not a secret, the password is', async () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const paragraph = readme.split('\n\n').find((p) => p.includes('`HARNESS_TEST_USER`')) ?? '';
  assert.match(paragraph, /`HARNESS_TEST_USER`\) also comes from the environment but is not a secret/);
  assert.match(paragraph, /password \(`HARNESS_TEST_PASSWORD`\)/);
  const config = await loadConfig(join(ROOT, 'harness.config.ts'));
  const saved = { user: process.env.HARNESS_TEST_USER, password: process.env.HARNESS_TEST_PASSWORD };
  process.env.HARNESS_TEST_USER = 'ops.account@invoicecloud.example';
  process.env.HARNESS_TEST_PASSWORD = 'pw-canary-14';
  try {
    const hidden = secretsToHide(config);
    assert.ok(hidden.includes('pw-canary-14'), 'the password is masked');
    assert.ok(!hidden.includes('ops.account@invoicecloud.example'), 'the account name is written as it is, as the README says');
  } finally {
    for (const [k, v] of [
      ['HARNESS_TEST_USER', saved.user],
      ['HARNESS_TEST_PASSWORD', saved.password],
    ] as const)
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
});
