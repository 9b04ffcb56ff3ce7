import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runCli, tempDir } from './helpers.ts';

test('bad usage exits 64 with the fix', async () => {
  const cases: { args: string[]; message: RegExp }[] = [
    { args: ['--phase=web11-15'], message: /unknown phase "web11-15"\. Valid phases:\n\s+pre-maintenance[\s\S]*web1-5[\s\S]*regression/ },
    { args: [], message: /--phase is required: one of pre-maintenance, web1-5/ },
    { args: ['--phase=web1-5', '--env=production', '--fault=web-down:IC-Web3'], message: /lab only; it cannot be used with --env=production/ },
    { args: ['--phase=web1-5', '--fault=web-melted:IC-Web3'], message: /unknown fault "web-melted"\. Known faults:[\s\S]*web-down:SERVER/ },
    { args: ['--phase=web1-5', '--only=sanity,browser'], message: /--only: unknown family "browser"; valid: sanity, dns, k6, e2e/ },
    { args: ['--phase=web1-5', '--colour'], message: /Unknown option '--colour'/ },
    { args: ['--phase=regression', '--phase=web1-5'], message: /--phase given more than once with different values \(regression, web1-5\)/ },
    { args: ['--phase=web1-5', '--window=2025-13-45'], message: /--window must be a date as YYYY-MM-DD, got "2025-13-45"/ },
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
  writeFileSync(file, `export default { estate: { domain: 'x.test', hosts: [{ key: 'ftp', label: 'ftp', marker: 'm', maintenancePage: 'yes' }], webServers: [], gateway: { name: 'agw' }, ilb: {} }, policy: { retries: 9 } };\n`);
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
  writeFileSync(file, `import base from ${JSON.stringify(join(ROOT, 'harness.config.ts'))};\nexport default { ...base, environments: { production: { domain: 'invoicecloud.com', addresses: {} } } };\n`);
  return file;
}

test('--env=production without addresses exits 78 naming each missing address', async () => {
  const r = await runCli('smoke.ts', ['--phase=web1-5', '--env=production', '--force', `--config=${blankProductionConfig()}`, `--out=${tempDir('prod')}`]);
  assert.equal(r.code, 78, r.stderr);
  assert.match(r.stderr, /environments\.production\.addresses\["IC-Web1"\]: address of IC-Web1 is not set/);
  assert.match(r.stderr, /environments\.production\.addresses\["IC-LB-WebSVR-4AppSVR"\]/);
});

test('a phase whose required phase has not passed is refused outside the lab, naming the run looked for', async () => {
  const r = await runCli('smoke.ts', ['--phase=web6-10', '--env=production', '--window=1999-01-03', `--config=${blankProductionConfig()}`]);
  assert.equal(r.code, 64, r.stderr);
  assert.match(r.stderr, /web6-10 requires earlier phases[\s\S]*web1-5: no production run with a summary under .*runs\/1999-01-03\/web1-5[\s\S]*--force/);
});

test('schedule prints the window in ET, IST and UTC', async () => {
  const r = await runCli('schedule.ts', ['--window=2025-06-22']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /web1-5\s+Sun 2025-06-22 00:00 EDT\s+Sun 2025-06-22 09:30 GMT\+5:30\s+Sun 2025-06-22 04:00 UTC/);
  assert.match(r.stdout, /pre-maintenance\s+Sat 2025-06-21 19:00 EDT/);
  const bad = await runCli('schedule.ts', ['--window=2025-06-21']);
  assert.equal(bad.code, 64);
  assert.match(bad.stderr, /is a Saturday; the runbook's window is the Sunday/);
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
