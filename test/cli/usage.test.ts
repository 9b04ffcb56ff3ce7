import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runCli, tempDir } from './helpers.ts';

test('bad usage exits 64 with the fix', async () => {
  const cases: { args: string[]; message: RegExp }[] = [
    {
      args: ['--phase=web11-15', '--window=2025-06-22'],
      message: /unknown phase "web11-15" in window 2025-06-22\. Valid phases:\n\s+pre-maintenance[\s\S]*web1-5[\s\S]*regression/,
    },
    {
      args: ['--phase=internal-network', '--window=2025-05-18'],
      message: /unknown phase "internal-network" in window 2025-05-18\. Valid phases:\n\s+web1-5/,
    },
    { args: [], message: /--phase is required: a step of the window/ },
    {
      args: ['--phase=web1-5', '--window=2031-01-05'],
      message: /there is no window file .*windows\/2031-01-05\.ts; window files: .*2025-05-18\.ts, .*2025-06-22\.ts/,
    },
    { args: ['--phase=maintenance-start', '--only=k6'], message: /step maintenance-start has no k6 checks; it has: sanity/ },
    { args: ['--phase=web1-5', '--out='], message: /--out= is empty/ },
    {
      args: ['--phase=web1-5', '--env=production', '--fault=web-down:IC-Web3'],
      message: /lab only; it cannot be used with --env=production/,
    },
    { args: ['--phase=web1-5', '--fault=web-melted:IC-Web3'], message: /unknown fault "web-melted"\. Known faults:[\s\S]*web-down:SERVER/ },
    { args: ['--phase=web1-5', '--only=sanity,browser'], message: /--only: unknown family "browser"; valid: sanity, dns, k6, e2e/ },
    { args: ['--phase=web1-5', '--colour'], message: /Unknown option '--colour'/ },
    {
      args: ['--phase=regression', '--phase=web1-5'],
      message: /--phase given more than once with different values \(regression, web1-5\)/,
    },
    {
      args: ['--phase=web1-5', '--window=next-sunday'],
      message: /--window must be a date as YYYY-MM-DD or a window file \(\.ts\), got "next-sunday"/,
    },
  ];
  for (const c of cases) {
    const r = await runCli('smoke.ts', c.args);
    assert.equal(r.code, 64, `${c.args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, c.message, c.args.join(' '));
  }
});

test('invalid config exits 78 naming every bad path', async () => {
  const dir = tempDir('badconfig');
  const file = join(dir, 'bad.config.ts');
  writeFileSync(
    file,
    `export default { estate: { domain: 'x.test', hosts: [{ key: 'ftp', label: 'ftp', marker: 'm', maintenancePage: 'yes' }], webServers: [], gateway: { name: 'agw' }, ilb: {} }, policy: { retries: 9 } };\n`,
  );
  const r = await runCli('smoke.ts', ['--phase=web1-5', `--config=${file}`]);
  assert.equal(r.code, 78, r.stderr);
  for (const path of ['estate.hosts.0.key', 'estate.hosts.0.maintenancePage', 'estate.webServers', 'estate.ilb.name', 'policy.retries']) {
    assert.match(r.stderr, new RegExp(`  - ${path.replace(/\./g, '\\.')}: `), path);
  }
  assert.match(r.stderr, /bad\.config\.ts/);
});

/** The repo's config with production addresses blank, so this test never reaches a real estate even after operators fill them in. */
function blankProductionConfig(): string {
  const file = join(tempDir('blankprod'), 'blank.config.ts');
  writeFileSync(
    file,
    `import base from ${JSON.stringify(join(ROOT, 'harness.config.ts'))};\nexport default { ...base, environments: { production: { domain: 'invoicecloud.com', addresses: {} } } };\n`,
  );
  return file;
}

test('--env=production without addresses exits 78 naming each missing address', async () => {
  const r = await runCli('smoke.ts', [
    '--phase=web1-5',
    '--env=production',
    '--window=2025-06-22',
    '--force',
    `--config=${blankProductionConfig()}`,
    `--out=${tempDir('prod')}`,
  ]);
  assert.equal(r.code, 78, r.stderr);
  assert.match(r.stderr, /environments\.production\.addresses\["IC-Web1"\]: address of IC-Web1 is not set/);
  assert.match(r.stderr, /environments\.production\.addresses\["IC-LB-WebSVR-4AppSVR"\]/);
});

test('a phase whose required phase has not passed is refused outside the lab, naming the run looked for', async () => {
  const r = await runCli('smoke.ts', ['--phase=web6-10', '--env=production', '--window=2025-05-18', `--config=${blankProductionConfig()}`]);
  assert.equal(r.code, 64, r.stderr);
  assert.match(
    r.stderr,
    /web6-10 requires earlier steps[\s\S]*web1-5: no production run with a summary under .*runs\/2025-05-18\/web1-5[\s\S]*--force/,
  );
});

test('without --window a real environment never runs an old window: 64 naming the window files', async () => {
  const r = await runCli('smoke.ts', ['--phase=web1-5', '--env=production', `--config=${blankProductionConfig()}`]);
  assert.equal(r.code, 64, r.stderr);
  assert.match(
    r.stderr,
    /no window file is dated today or later, and --env=production never runs an old window by default: pass --window=DATE \(window files in .*windows\)/,
  );
});

test('schedule prints the window in ET, IST and UTC', async () => {
  const r = await runCli('schedule.ts', ['--window=2025-06-22']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /web1-5\s+Sun 2025-06-22 00:00 EDT\s+Sun 2025-06-22 09:30 GMT\+5:30\s+Sun 2025-06-22 04:00 UTC/);
  assert.match(r.stdout, /pre-maintenance\s+Sat 2025-06-21 19:00 EDT/);
  assert.match(r.stdout, /^window 2025-06-22 \(given by --window\): Monthly maintenance, June 2025/);
  const bad = await runCli('schedule.ts', ['--window=2025-06-21']);
  assert.equal(bad.code, 64);
  assert.match(bad.stderr, /there is no window file .*2025-06-21\.ts; window files: .*2025-05-18\.ts/);
  const help = await runCli('schedule.ts', ['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: npm run schedule/);
});

test('a run folder that already holds a run is refused (64), so two runs are never replayed as one', async () => {
  const out = tempDir('used');
  writeFileSync(join(out, 'results.jsonl'), '');
  const r = await runCli('smoke.ts', ['--phase=web1-5', '--only=sanity', `--out=${out}`]);
  assert.equal(r.code, 64, r.stderr);
  assert.match(r.stderr, /already holds a run \(results\.jsonl\); choose a new --out or delete it/);
});

test('the gate on a corrupt run folder names the file (64)', async () => {
  const out = tempDir('corrupt');
  writeFileSync(join(out, 'summary.json'), '{"verdict": "maybe"}');
  const r = await runCli('gate.ts', [`--run=${out}`]);
  assert.equal(r.code, 64, r.stderr);
  assert.match(r.stderr, /summary\.json is not a valid run file: /);
});
