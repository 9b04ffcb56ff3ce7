// The local overlay (harness.local.ts) merged over the tracked config and validated as one; a run asks only for
// the addresses its checks need; `npm run plan -- --env=production` lists every gap at once (78).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../core/config/load.ts';
import { estateFromEnvironment, environmentSource } from '../../estate/model.ts';
import { loadLayeredConfig, mergeConfig, overlayFileFor } from '../../estate/overlay.ts';
import { KINDS } from '../../kinds.ts';
import { juneStep } from '../support/window.ts';
import { ROOT, runCli, tempDir } from '../cli/helpers.ts';

const TRACKED = join(ROOT, 'harness.config.ts');
const NO_OVERLAY = { HARNESS_LOCAL_CONFIG: '' };

function overlay(body: string): string {
  const file = join(tempDir('overlay'), 'harness.local.ts');
  writeFileSync(file, `export default ${body};\n`);
  return file;
}

const mergeCases: { name: string; base: unknown; over: unknown; want: unknown }[] = [
  { name: 'objects merge key by key', base: { a: 1, b: { c: 2, d: 3 } }, over: { b: { d: 4 } }, want: { a: 1, b: { c: 2, d: 4 } } },
  { name: 'arrays replace', base: { l: [1, 2, 3] }, over: { l: [9] }, want: { l: [9] } },
  { name: 'undefined leaves the base', base: { a: 1 }, over: { a: undefined }, want: { a: 1 } },
  { name: 'a record gains keys', base: { r: { x: '' } }, over: { r: { y: '10.0.0.1' } }, want: { r: { x: '', y: '10.0.0.1' } } },
  { name: '__proto__ is never merged', base: { a: 1 }, over: JSON.parse('{"__proto__": {"polluted": true}}'), want: { a: 1 } },
];
for (const c of mergeCases)
  test(`mergeConfig: ${c.name}`, () => {
    assert.deepEqual(mergeConfig(c.base, c.over), c.want);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });

test('overlayFileFor: $HARNESS_LOCAL_CONFIG names the file, empty disables it', () => {
  assert.equal(overlayFileFor(TRACKED, { HARNESS_LOCAL_CONFIG: '' }), undefined);
  assert.equal(overlayFileFor(TRACKED, { HARNESS_LOCAL_CONFIG: '/x/site.ts' }), '/x/site.ts');
});

test('the overlay fills production addresses and CA over the tracked config; the estate resolves', async () => {
  const caFile = join(ROOT, 'test', 'production', 'fixtures', 'ca.pem');
  const addresses = Object.fromEntries(
    ['IC-Web1', 'IC-Web2', 'IC-Web3', 'IC-Web4', 'IC-Web5', 'IC-Web6', 'IC-Web7', 'IC-Web8', 'IC-Web9', 'IC-Web10'].map((n, i) => [
      n,
      `10.1.0.${i + 1}`,
    ]),
  );
  const file = overlay(
    JSON.stringify({
      environments: {
        production: {
          addresses: { ...addresses, 'agw-pri-appgateway0-prd': '10.1.1.1', 'IC-LB-WebSVR-4AppSVR': '10.1.1.2' },
          caFile,
        },
      },
    }),
  );
  const { config, files } = await loadLayeredConfig(TRACKED, { HARNESS_LOCAL_CONFIG: file });
  assert.deepEqual(files, [TRACKED, file]);
  // The tracked names stay (objects merge): the overlay only gave addresses.
  assert.equal(config.environments['production']?.domain, 'invoicecloud.com');
  const source = environmentSource(config, 'production', files.join(' + '), { kinds: KINDS });
  const { estate } = await source.open(juneStep('web1-5'), '.tmp/unused');
  assert.equal(estate.webServers[2]?.address, '10.1.0.3');
  assert.equal(estate.gateway.address, '10.1.1.1');
  assert.equal(estate.caFile, caFile);
  assert.match(estate.ca ?? '', /BEGIN CERTIFICATE/);
});

test('the merged config is validated as one: a bad overlay value is named with both files', async () => {
  const file = overlay(`{ policy: { retries: 99 }, estate: { webServers: [{ name: 'web 1', port: 0 }] } }`);
  await assert.rejects(
    () => loadLayeredConfig(TRACKED, { HARNESS_LOCAL_CONFIG: file }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      const text = err.problems.join('\n');
      for (const path of ['policy.retries', 'estate.webServers.0.name', 'estate.webServers.0.port'])
        assert.match(text, new RegExp(`^${path}`, 'm'));
      assert.match(err.message, /harness\.config\.ts \+ .*harness\.local\.ts/);
      return true;
    },
  );
});

test('web servers are named as the estate names them, not only IC-Web<N>', async () => {
  const file = overlay(`{ estate: { webServers: [{ name: 'web-a' }, { name: 'WEB02.corp', identity: 'WEB02' }] } }`);
  const { config } = await loadLayeredConfig(TRACKED, { HARNESS_LOCAL_CONFIG: file });
  assert.deepEqual(
    config.estate.webServers.map((s) => s.name),
    ['web-a', 'WEB02.corp'],
  );
});

const needCases: { name: string; step: string; only?: string[]; missing: string[] }[] = [
  { name: '--only=dns needs no address at all', step: 'dns-migration', only: ['dns'], missing: [] },
  {
    name: '--only=sanity at internal-network needs the web servers, not the balancers',
    step: 'internal-network',
    only: ['sanity'],
    missing: ['IC-Web1', 'IC-Web10'],
  },
  { name: 'maintenance-start needs the gateway only', step: 'maintenance-start', missing: ['agw-pri-appgateway0-prd'] },
];
for (const c of needCases)
  test(`a run asks only for what its checks need: ${c.name}`, async () => {
    const { config } = await loadLayeredConfig(TRACKED, NO_OVERLAY);
    // caFile 'system' so the CA is not among the gaps here (it has its own test).
    const prod = { ...config, environments: { production: { ...config.environments['production']!, caFile: 'system' } } };
    const source = environmentSource(prod, 'production', 'harness.config.ts', { kinds: KINDS, ...(c.only ? { only: c.only } : {}) });
    const open = source.open(juneStep(c.step), '.tmp/unused');
    if (!c.missing.length) return void (await open);
    await assert.rejects(open, (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      for (const name of c.missing)
        assert.ok(
          err.problems.some((p) => p.includes(`addresses["${name}"]`)),
          `${name} in ${err.problems.join('\n')}`,
        );
      if (c.step === 'maintenance-start') assert.equal(err.problems.length, 1, err.problems.join('\n'));
      if (c.only?.includes('sanity')) assert.ok(!err.problems.some((p) => p.includes('agw-pri')), err.problems.join('\n'));
      return true;
    });
  });

test("caFile '' is an operator's to-do named when the run reaches servers; an unreadable one is named too", async () => {
  const { config } = await loadLayeredConfig(TRACKED, NO_OVERLAY);
  const err = (() => {
    try {
      estateFromEnvironment(config, 'production');
    } catch (e) {
      return e as ConfigError;
    }
  })();
  assert.ok(err instanceof ConfigError);
  assert.ok(
    err.problems.some((p) => /environments\.production\.caFile: the CA bundle .* is not set; fill it in harness\.local\.ts/.test(p)),
  );
  const broken = { ...config, environments: { x: { addresses: {}, caFile: '/nonexistent/ca.pem' } } };
  assert.throws(() => estateFromEnvironment(broken, 'x'), /environments\.x\.caFile: cannot read \/nonexistent\/ca\.pem \(ENOENT\)/);
});

// Exactly as an operator types it on a fresh clone, and with the window named. Without --window, today is past the last
// window file: the dry run plans that latest one and says a run would need --window (a run itself refuses, 64).
for (const args of [['--env=production'], ['--window=2025-06-22', '--env=production']])
  test(`npm run plan -- ${args.join(' ')} lists addresses, nameservers, CA, secrets and tools at once, exit 78`, async () => {
    const r = await runCli('plan.ts', args, {
      ...NO_OVERLAY,
      HARNESS_TEST_USER: '',
      HARNESS_TEST_PASSWORD: '',
      K6_BIN: '',
      PATH: '/usr/bin:/bin',
    });
    assert.equal(r.code, 78, r.stdout + r.stderr);
    const gaps = r.stdout.slice(r.stdout.indexOf('gap(s) would make checks broken'));
    for (const want of [
      /addresses\["IC-Web7"\]: address of IC-Web7 is not set; fill it in harness\.local\.ts \(needed by direct, tokens[^)]*\)/,
      /addresses\["IC-LB-WebSVR-4AppSVR"\]/,
      /addresses\["SFTP2"\]/,
      /dns\.providers\.new\.nameservers/,
      /dns\.providers\.old\.nameservers/,
      /environments\.production\.caFile: the CA bundle/,
      /the test account is not set: export HARNESS_TEST_USER and HARNESS_TEST_PASSWORD/,
      /k6 not found/,
    ])
      assert.match(gaps, want);
    // Each gap once, naming its steps: IC-Web7 is one line, not one per step.
    assert.equal(gaps.match(/address of IC-Web7 is not set/g)?.length, 1);
    if (!args.some((a) => a.startsWith('--window')))
      assert.match(r.stdout, /^window 2025-06-22 \(the latest window file; .*a run with --env=production needs --window=DATE/m);
  });
