// Issue 8 through the CLI: the window decides what blocks, `npm run plan` lists checks and gaps, any window runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Summary } from '../../core/result.ts';
import { fakeK6 } from '../k6/helpers.ts';
import { runCli, tempDir } from './helpers.ts';

const noK6 = { K6_BIN: '', PATH: '/usr/bin:/bin' };
const summaryOf = (dir: string) => Summary.parse(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')));

test('internal-network without k6: inconclusive (2), naming k6 as the blocking check that could not run', async () => {
  const out = tempDir('inet-nok6');
  const r = await runCli('smoke.ts', ['--phase=internal-network', '--window=2025-06-22', `--out=${out}`], noK6);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stdout, /verdict: INCONCLUSIVE/);
  const s = summaryOf(out);
  assert.ok(s.reasons.length > 0 && s.reasons.every((x) => /^k6:connection-sanity:www2/.test(x)), s.reasons.join('\n'));
  assert.ok(
    s.reasons.some((x) => /k6/.test(x) && /install|not found|PATH/i.test(x)),
    s.reasons.join('\n'),
  );
  assert.ok(
    s.checks.filter((c) => c.kind === 'direct').every((c) => c.status === 'passed'),
    'the www2 probes around it passed',
  );
});

test('internal-network with a k6 that fails its thresholds: no-go (1)', async () => {
  const out = tempDir('inet-k6fail');
  const k6 = fakeK6('threshold-fail');
  const r = await runCli('smoke.ts', ['--phase=internal-network', '--window=2025-06-22', `--out=${out}`], { K6_BIN: k6.bin });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const s = summaryOf(out);
  assert.ok(
    s.reasons.some((x) => /^k6:connection-sanity:www2.* failed/.test(x)),
    s.reasons.join('\n'),
  );
});

test('the ordinary-month window plans and runs on the lab; the run says which window it took', async () => {
  const out = tempDir('may');
  const r = await runCli('smoke.ts', ['--phase=web1-5', '--window=2025-05-18', '--only=sanity', `--out=${out}`]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stderr.split('\n')[0]!, /^window 2025-05-18 \(given by --window\): .*windows\/2025-05-18\.ts$/);
  assert.equal(summaryOf(out).window, '2025-05-18');
  const plan = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')) as { windowFile: string; actions: { go: { say: string } } };
  assert.match(plan.windowFile, /windows\/2025-05-18\.ts$/);
  assert.match(plan.actions.go.say, /IC-Web1\.\.5 are done/);
});

test('with no --window and no window dated today or later, a lab run takes the latest and says so first', async () => {
  const out = tempDir('latest');
  const r = await runCli('smoke.ts', ['--phase=maintenance-start', `--out=${out}`]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(
    r.stderr.split('\n')[0]!,
    /^window 2025-06-22 \(the latest window file; none is dated today \(\d{4}-\d{2}-\d{2}\) or later\)/,
  );
});

test('npm run plan lists every check, which block, and the gaps (78); none → 0', async () => {
  const r = await runCli('plan.ts', ['--window=2025-06-22', '--phase=internal-network'], noK6);
  assert.equal(r.code, 78, r.stdout + r.stderr);
  assert.match(r.stdout, /internal-network {2}05:00 {2}Routing change done \(PLAT-2018\) \[PLAT-2018\]/);
  assert.match(r.stdout, /BLOCKS sanity:IC-Web1:www2:\//);
  assert.match(r.stdout, /BLOCKS k6:connection-sanity:www2 +k6 connection-sanity on www2\.invoicecloud\.test\n +GAP: k6 not found/);
  assert.match(r.stdout, /1 gap\(s\) would make checks broken:\n {2}- internal-network: k6:connection-sanity:www2: k6 not found/);
  const clean = await runCli('plan.ts', ['--window=2025-06-22', '--phase=maintenance-start']);
  assert.equal(clean.code, 0, clean.stdout + clean.stderr);
  assert.match(clean.stdout, /BLOCKS maintenance:www2 +www2\.invoicecloud\.test still serving/);
  assert.match(clean.stdout, /no gaps: every planned check can run/);
});

test('npm run plan against an environment without addresses lists every missing one (78)', async () => {
  const dir = tempDir('planprod');
  const file = join(dir, 'blank.config.ts');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(
    file,
    `import base from ${JSON.stringify(join(import.meta.dirname, '../../harness.config.ts'))};\nexport default { ...base, environments: { production: { domain: 'invoicecloud.com', addresses: {} } } };\n`,
  );
  const r = await runCli('plan.ts', ['--window=2025-06-22', '--phase=web1-5', '--env=production', `--config=${file}`]);
  assert.equal(r.code, 78, r.stdout + r.stderr);
  assert.match(r.stdout, /BLOCKS direct: HTTPS straight to each web server/);
  assert.match(r.stdout, /web1-5: environments\.production\.addresses\["IC-Web1"\]: address of IC-Web1 is not set/);
});

test('the pull steps: no traffic may reach a pulled batch; a pull the gateway ignored is named', async () => {
  const ok = await runCli('smoke.ts', ['--phase=pull-web1-5', '--window=2025-06-22', `--out=${tempDir('pull')}`]);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  const out = tempDir('pull-ignored');
  const bad = await runCli('smoke.ts', ['--phase=pull-web1-5', '--window=2025-06-22', '--fault=pull-ignored:IC-Web3', `--out=${out}`]);
  assert.equal(bad.code, 1, bad.stdout + bad.stderr);
  assert.deepEqual(summaryOf(out).reasons, [
    'pool:gateway failed: IC-Web3 answered through agw-pri-appgateway0-prd but should be out of its pool',
  ]);
  assert.match(bad.stdout, /action: +do not patch yet: traffic still reaches the servers named below/);
});
