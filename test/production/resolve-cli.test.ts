// Issue 10, through the CLI: a DNS-name address that does not resolve stops the run with 78 (path, name, lookup code) and
// no run folder; npm run plan lists it; a name this machine resolves (localhost, /etc/hosts) reaches k6 as its address.
// Each command runs in a network namespace with only loopback (unshare -n): getaddrinfo fails with no packet leaving.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import harness from '../../harness.config.ts';
import { type CliResult, ROOT, tempDir } from '../cli/helpers.ts';
import { fakeK6 } from '../k6/helpers.ts';

const made: string[] = [];
after(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});
const scratch = (prefix: string) => {
  const d = tempDir(prefix);
  made.push(d);
  return d;
};

/** Why this machine cannot run the test, or undefined when it can. */
function cannot(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root for a network namespace (unshare -n)';
  const r = spawnSync('unshare', ['-n', 'true'], { stdio: 'ignore' });
  if (r.error || r.status !== 0) return `unshare -n true is not available here (${r.error?.message ?? `exit ${r.status}`})`;
  return undefined;
}

/** A harness script in a fresh network namespace (loopback only, and down: nothing can be sent anywhere). */
function isolated(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  const file = script.includes('/') ? join(ROOT, script) : join(ROOT, 'scripts', script);
  const child = spawn('unshare', ['-n', process.execPath, '--import', 'tsx', file, ...args], {
    cwd: ROOT,
    env: { ...process.env, CI: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((res) => child.on('close', (code, signal) => res({ code, signal, stdout, stderr })));
}

const WEBS = harness.estate.webServers.map((s) => s.name);
const GATEWAY = harness.estate.gateway.name;
// .invalid never exists (RFC 6761); in the namespace the question cannot even be sent.
const GONE = 'ic-web3.harness.invalid';

/** An overlay (HARNESS_LOCAL_CONFIG) giving production these addresses, the system roots, k6 pinned always. */
function overlay(dir: string, addresses: Record<string, string>): string {
  const file = join(dir, 'harness.local.ts');
  writeFileSync(
    file,
    `export default ${JSON.stringify({ environments: { production: { caFile: 'system', addresses } }, k6: { pinHosts: 'always' } })};\n`,
  );
  return file;
}

const sweepAddresses = { ...Object.fromEntries(WEBS.map((n) => [n, 'localhost'])), 'IC-Web3': GONE, [GATEWAY]: 'localhost' };
const UNRESOLVED = new RegExp(
  `environments\\.production\\.addresses\\["IC-Web3"\\]: the address of IC-Web3, ${GONE.replace(/\./g, '\\.')}, does not resolve on this machine \\((ENOTFOUND|EAI_AGAIN)\\)`,
);

test('a run whose k6 address does not resolve exits 78 naming the path, the name and the code, and leaves no run folder', async (t) => {
  const reason = cannot();
  if (reason) return t.skip(reason);
  const dir = scratch('resolve-cli');
  const out = join(dir, 'run');
  const k6 = fakeK6('pass');
  const r = await isolated(
    'smoke.ts',
    ['--phase=regression', '--window=2025-06-22', '--env=production', '--only=k6', '--force', `--out=${out}`],
    {
      HARNESS_LOCAL_CONFIG: overlay(dir, sweepAddresses),
      K6_BIN: k6.bin,
    },
  );
  assert.equal(r.code, 78, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stderr, UNRESOLVED);
  assert.doesNotMatch(r.stderr, /\n\s+at |re-run/, 'a configuration error: no stack trace, no advice to re-run');
  assert.equal(existsSync(out), false, 'the refused run left a folder behind');
  assert.equal(existsSync(join(k6.dir, 'record.json')), false, 'k6 never ran');
});

test('npm run plan lists a name that does not resolve among the gaps (78)', async (t) => {
  const reason = cannot();
  if (reason) return t.skip(reason);
  const dir = scratch('resolve-plan');
  const r = await isolated('plan.ts', ['--phase=regression', '--window=2025-06-22', '--env=production', '--only=k6'], {
    HARNESS_LOCAL_CONFIG: overlay(dir, sweepAddresses),
    K6_BIN: fakeK6('pass').bin,
  });
  assert.equal(r.code, 78, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /gap\(s\) would make checks broken/);
  assert.match(r.stdout, new RegExp(`^  - regression: ${UNRESOLVED.source}; .* \\(needed by k6\\)$`, 'm'));
});

test('k6:operator refuses to write manifests pinned to a name that does not resolve (78, the path named)', async (t) => {
  const reason = cannot();
  if (reason) return t.skip(reason);
  const dir = scratch('resolve-operator');
  const cfg = join(dir, 'named.config.ts');
  writeFileSync(
    cfg,
    `import base from ${JSON.stringify(join(ROOT, 'harness.config.ts'))};
export default { ...base, environments: { named: { domain: 'invoicecloud.com', caFile: 'system', addresses: { ...Object.fromEntries(Object.keys(base.environments.production.addresses).map((n) => [n, 'localhost'])), 'IC-Web3': '${GONE}' } } } };
`,
  );
  const r = await isolated(
    'k6/operator/cli.ts',
    [`--config=${cfg}`, '--script=backend-sweep', '--parallelism=1', '--env=named', '--server=IC-Web3', `--out=${dir}`],
    {},
  );
  assert.equal(r.code, 78, `exit ${r.code}\n${r.stderr}`);
  assert.match(r.stderr, new RegExp(UNRESOLVED.source.replace('production', 'named')));
  assert.equal(existsSync(join(dir, 'harness-backend-sweep.yaml')), false, 'no manifest written');
});

test('a name in /etc/hosts (localhost) is looked up before k6 and k6 is pinned to its address', async (t) => {
  const reason = cannot();
  if (reason) return t.skip(reason);
  const dir = scratch('resolve-pin');
  const k6 = fakeK6('pass');
  const r = await isolated(
    'smoke.ts',
    ['--phase=internal-network', '--window=2025-06-22', '--env=production', '--only=k6', '--force', `--out=${join(dir, 'run')}`],
    { HARNESS_LOCAL_CONFIG: overlay(dir, { [GATEWAY]: 'localhost' }), K6_BIN: k6.bin },
  );
  assert.notEqual(r.code, 78, r.stderr);
  const plan = JSON.parse(k6.record().env['HARNESS_K6'] ?? '{}') as { targets: { name: string; address?: string }[] };
  assert.deepEqual(
    plan.targets.map((x) => [x.name, x.address]),
    [['www2.invoicecloud.com', '127.0.0.1:443']],
  );
});

test('k6:operator reads production from the overlay (harness.local.ts) as runs do: its unresolvable name is named there', async (t) => {
  const reason = cannot();
  if (reason) return t.skip(reason);
  const dir = scratch('resolve-operator-overlay');
  const addresses = { ...Object.fromEntries(WEBS.map((n) => [n, 'localhost'])), 'IC-Web3': GONE };
  const r = await isolated(
    'k6/operator/cli.ts',
    ['--script=backend-sweep', '--parallelism=1', '--env=production', '--server=IC-Web3', `--out=${dir}`],
    { HARNESS_LOCAL_CONFIG: overlay(dir, addresses) },
  );
  assert.equal(r.code, 78, `exit ${r.code}\n${r.stderr}`);
  assert.match(r.stderr, UNRESOLVED);
  assert.match(r.stderr, /harness\.local\.ts/, 'the overlay is named among the files read');
  assert.equal(existsSync(join(dir, 'harness-backend-sweep.yaml')), false, 'no manifest written');
});
