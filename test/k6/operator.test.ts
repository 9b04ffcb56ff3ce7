// npm run k6:operator: the manifests parse as YAML and carry the bundle, the parallelism and the environment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { parseRunPlan } from '../../k6/contract.ts';
import { DIST_DIR } from '../../k6/build/bundle.ts';
import { operatorManifests, toYaml, CONFIGMAP_LIMIT_BYTES } from '../../k6/operator/manifests.ts';
import { runOperatorCli } from '../../k6/operator/command.ts';
import { REPO_ROOT, tmpDir } from './helpers.ts';

// biome-ignore lint/suspicious/noExplicitAny: a manifest's spec is checked field by field below
type Doc = { kind: string; metadata: { name: string; namespace: string }; data?: Record<string, string>; spec?: any };

/** In process (fast); the last test runs the real `npm run k6:operator` entry once. */
async function cli(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await runOperatorCli([`--config=${join(REPO_ROOT, 'harness.config.ts')}`, ...args], {
    log: (t) => (stdout += `${t}\n`),
    error: (t) => (stderr += `${t}\n`),
  });
  return { status, stdout, stderr };
}

function docsOf(file: string): Doc[] {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  for (const d of docs) assert.deepEqual(d.errors, [], `YAML errors in ${file}`);
  return docs.map((d) => d.toJS() as Doc);
}

test('smoke-load with --parallelism=3: a ConfigMap with the bundle and a TestRun with the parallelism and the environment', async () => {
  const out = tmpDir('k6-op');
  const r = await cli('--script=smoke-load', '--parallelism=3', `--out=${out}`);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /kubectl apply -f .*harness-smoke-load\.yaml/);
  assert.match(r.stdout, /the operator does not merge them/);
  const docs = docsOf(join(out, 'harness-smoke-load.yaml'));
  assert.deepEqual(
    docs.map((d) => d.kind),
    ['ConfigMap', 'TestRun'],
  );
  const [cm, run] = docs as [Doc, Doc];
  assert.equal(cm.data!['smoke-load.js'], readFileSync(join(DIST_DIR, 'smoke-load.js'), 'utf8'), 'the bundle, byte for byte');
  assert.equal(run.spec.parallelism, 3);
  assert.deepEqual(run.spec.script, { configMap: { name: cm.metadata.name, file: 'smoke-load.js' } });
  assert.equal(run.spec.arguments, '--no-usage-report --no-color --quiet');
  assert.equal(run.metadata.namespace, 'k6');
  const env = Object.fromEntries((run.spec.runner.env as { name: string; value: string }[]).map((e) => [e.name, e.value]));
  assert.equal(env.K6_NO_USAGE_REPORT, 'true');
  const plan = parseRunPlan(env.HARNESS_K6, 'smoke-load');
  assert.deepEqual(
    plan.targets.map((t) => [t.name, t.address]),
    [
      ['www.invoicecloud.com', undefined],
      ['my.invoicecloud.com', undefined],
      ['sso.invoicecloud.com', undefined],
    ],
    'cluster DNS, no pins',
  );
  assert.deepEqual(
    plan.load,
    { vus: 10, duration: '2m', pauseMs: 1_000, requestTimeout: '10s', gracefulStop: '10s' },
    "graceful stop set, not k6's 30 s",
  );
  assert.deepEqual(run.spec.initializer.env, run.spec.runner.env, 'the initializer runs the init code too');
  assert.equal(run.spec.runner.image, 'grafana/k6:1.3.0');
});

test('--ca mounts the CA and points SSL_CERT_FILE at it; --vus/--duration override the load', async () => {
  const out = tmpDir('k6-op');
  const ca = join(out, 'ca.pem');
  writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  const r = await cli(
    '--script=connection-sanity',
    '--parallelism=2',
    '--vus=4',
    '--duration=1m',
    `--ca=${ca}`,
    '--name=www2-check',
    '--namespace=perf',
    `--out=${out}`,
  );
  assert.equal(r.status, 0, r.stderr);
  const docs = docsOf(join(out, 'www2-check.yaml'));
  assert.deepEqual(
    docs.map((d) => `${d.kind}/${d.metadata.name}`),
    ['ConfigMap/www2-check-bundle', 'ConfigMap/www2-check-ca', 'TestRun/www2-check'],
  );
  assert.equal(docs[1]!.data!['ca.pem'], readFileSync(ca, 'utf8'));
  const run = docs[2]!;
  const env = Object.fromEntries((run.spec.runner.env as { name: string; value: string }[]).map((e) => [e.name, e.value]));
  assert.equal(env.SSL_CERT_FILE, '/etc/harness-ca/ca.pem');
  assert.deepEqual(run.spec.runner.volumeMounts, [{ name: 'harness-ca', mountPath: '/etc/harness-ca', readOnly: true }]);
  assert.deepEqual(run.spec.runner.volumes, [{ name: 'harness-ca', configMap: { name: 'www2-check-ca' } }]);
  const plan = parseRunPlan(env.HARNESS_K6, 'connection-sanity');
  assert.deepEqual([plan.targets.map((t) => t.name), plan.load.vus, plan.load.duration], [['www2.invoicecloud.com'], 4, '1m']);
  assert.equal(run.metadata.namespace, 'perf');
});

test('bad usage is refused with the fix and exit 64', async () => {
  const cases: [string[], RegExp][] = [
    [['--parallelism=2'], /--script is required: one of connection-sanity, smoke-load, backend-sweep/],
    [['--script=smoke-load'], /--parallelism=<n> is required/],
    [['--script=smoke-load', '--parallelism=0'], /--parallelism=0: expected a whole number of at least 1/],
    [['--script=smoke-load', '--parallelism=11'], /more than the 10 VUs of smoke-load: some runners would get no VU/],
    [['--script=connection-sanity', '--parallelism=1', '--hosts=www,my'], /connection-sanity checks one host/],
    [['--script=smoke-load', '--parallelism=1', '--hosts=www,ftp'], /--hosts: unknown host ftp/],
    [['--script=backend-sweep', '--parallelism=1'], /backend-sweep needs --env=<name> \(for server addresses\) and --server=<IC-WebN>/],
    [['--script=smoke-load', '--parallelism=1', '--bogus'], /Unknown option '--bogus'/],
  ];
  for (const [args, msg] of cases) {
    const r = await cli(...args);
    assert.equal(r.status, 64, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, msg, args.join(' '));
  }
  const env = await cli('--script=backend-sweep', '--parallelism=1', '--env=production', '--server=IC-Web3');
  assert.equal(env.status, 78, 'production addresses are not filled in the repo: a configuration error naming them');
  assert.match(
    env.stderr,
    /environments\.production\.addresses\["IC-Web3"\]: address of IC-Web3 is not set; fill it in harness\.local\.ts \(needed by k6\)/,
  );
  // Only the address the runners are pinned to is asked for, as a run asks only for what its checks need.
  assert.doesNotMatch(env.stderr, /"IC-Web1"|agw-pri-appgateway0-prd|SFTP1/);
});

test('manifests refuse a bundle a ConfigMap cannot hold and a name Kubernetes would reject', () => {
  const base = {
    name: 'ok',
    namespace: 'k6',
    parallelism: 1,
    image: 'grafana/k6:1.3.0',
    file: 'x.js',
    bundleText: 'x',
    plan: parseRunPlan(
      JSON.stringify({
        script: 'smoke-load',
        targets: [{ key: 'www', name: 'www.x', path: '/', marker: 'm', expectStatus: 200 }],
        identityHeader: 'x',
        thresholds: {},
        load: { vus: 1, duration: '1s', pauseMs: 0, requestTimeout: '1s' },
      }),
      'smoke-load',
    ),
  };
  assert.throws(
    () => operatorManifests({ ...base, bundleText: 'x'.repeat(CONFIGMAP_LIMIT_BYTES + 1) }),
    /over the 1 MiB a ConfigMap holds; use a volumeClaim/,
  );
  assert.throws(() => operatorManifests({ ...base, name: 'Harness_Run' }), /is not a Kubernetes name/);
  assert.doesNotMatch(toYaml(operatorManifests(base)), /[&*]a\d/, 'no YAML anchors: plain manifests anyone can read');
});

test('npm run k6:operator entry point: writes the file and exits 0; bad usage exits 64', () => {
  const out = tmpDir('k6-op');
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'k6/operator/cli.ts', '--script=smoke-load', '--parallelism=2', `--out=${out}`],
    { cwd: REPO_ROOT, encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.equal(docsOf(join(out, 'harness-smoke-load.yaml'))[1]!.spec.parallelism, 2);
  const bad = spawnSync(process.execPath, ['--import', 'tsx', 'k6/operator/cli.ts', '--script=smoke-load'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  assert.equal(bad.status, 64);
});

test('k6-operator runners get resolved pins: names in the config become addresses, a name in a manifest is refused', async () => {
  // A config whose addresses are names (localhost only: tests resolve nothing outside the machine).
  const dir = tmpDir('k6-op-pins');
  const cfg = join(dir, 'pins.config.ts');
  writeFileSync(
    cfg,
    `import base from ${JSON.stringify(join(REPO_ROOT, 'harness.config.ts'))};
export default { ...base, environments: { ...base.environments, named: { domain: 'invoicecloud.com', addresses: Object.fromEntries(Object.keys(base.environments.production.addresses).map((n) => [n, 'localhost'])) } } };
`,
  );
  let stderr = '';
  const status = await runOperatorCli(
    [`--config=${cfg}`, '--script=backend-sweep', '--parallelism=1', '--env=named', '--server=IC-Web3', `--out=${dir}`],
    { log: () => undefined, error: (t) => (stderr += t) },
  );
  assert.equal(status, 0, stderr);
  const run = docsOf(join(dir, 'harness-backend-sweep.yaml')).find((d) => d.kind === 'TestRun')!;
  const env = Object.fromEntries((run.spec.runner.env as { name: string; value: string }[]).map((e) => [e.name, e.value]));
  for (const t of parseRunPlan(env.HARNESS_K6, 'backend-sweep').targets)
    assert.match(t.address!, /^(127\.\d+\.\d+\.\d+|\[::1\]):\d+$/, `${t.name} pinned to an address`);
  const named = parseRunPlan(
    JSON.stringify({
      script: 'smoke-load',
      targets: [{ key: 'www', name: 'www.x', path: '/', marker: 'm', expectStatus: 200, address: '127.0.0.1:443' }],
      identityHeader: 'x',
      thresholds: {},
      load: { vus: 1, duration: '1s', pauseMs: 0, requestTimeout: '1s' },
    }),
    'smoke-load',
  );
  named.targets[0]!.address = 'agw.internal.example:443';
  assert.throws(
    () =>
      operatorManifests({
        name: 'ok',
        namespace: 'k6',
        parallelism: 1,
        image: 'grafana/k6:1.3.0',
        file: 'x.js',
        bundleText: 'x',
        plan: named,
      }),
    /k6 never looks up a name in hosts \(it would dial 0\.0\.0\.0\)/,
  );
});
