// Sharding: two `--shard` runs each write a blob report, `playwright merge-reports` joins them into one
// JSON report holding every test exactly once — the recipe docs/e2e.md gives for CI.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JSONReport } from '@playwright/test/reporter';
import type { HarnessConfig } from '../../core/config/schema.ts';
import type { Lab } from '../../lab/index.ts';
import { resultsFromReport } from '../../e2e/adapter.ts';
import { playwrightCli, runPlaywright, PROJECT_ROOT } from '../../e2e/run.ts';
import { labFor, tmpDir } from './support/lab.ts';

let config: HarnessConfig;
let lab: Lab;
const root = tmpDir('e2e-shard-');

before(async () => ({ config, lab } = await labFor('post-window')));
after(async () => {
  await lab?.stop();
  rmSync(lab.dir, { recursive: true, force: true });
  rmSync(root, { recursive: true, force: true });
});

function ids(report: JSONReport): string[] {
  return resultsFromReport(report, { defaultSeverity: 'critical' })
    .map((r) => `${r.id}=${r.status}`)
    .sort();
}

test('two shards merge into one report with every test once', async () => {
  const manifestFile = join(root, 'manifest.json');
  writeFileSync(manifestFile, JSON.stringify(lab.manifest));
  const env = { HARNESS_LAB_MANIFEST: manifestFile };
  const merged = join(root, 'all-blob-reports');
  mkdirSync(merged);
  const perShard: string[][] = [];
  for (const shard of ['1/2', '2/2']) {
    const outDir = join(root, `shard-${shard[0]}`);
    const run = await runPlaywright({ suite: 'smoke', hosts: ['sso'], outDir, env, shard, workers: 1 });
    assert.equal(run.exitCode, 0, run.tail);
    perShard.push(ids(JSON.parse(readFileSync(run.reportFile, 'utf8')) as JSONReport));
    // CI downloads every shard's blob-report artifact into one folder.
    for (const f of readdirSync(join(outDir, 'blob-report'))) copyFileSync(join(outDir, 'blob-report', f), join(merged, f));
  }
  assert.equal(readdirSync(merged).filter((f) => f.endsWith('.zip')).length, 2, 'one blob per shard');

  const mergedJson = join(root, 'merged.json');
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [playwrightCli(), 'merge-reports', '--reporter=json', merged], {
      cwd: PROJECT_ROOT,
      stdio: 'ignore',
      env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_FILE: mergedJson },
    });
    child.on('error', reject);
    child.on('close', resolve);
  });
  assert.equal(code, 0);
  const all = ids(JSON.parse(readFileSync(mergedJson, 'utf8')) as JSONReport);
  assert.ok(
    perShard.every((s) => s.length > 0 && s.length < all.length),
    `each shard ran part of the suite: ${perShard.map((s) => s.length)}`,
  );
  assert.deepEqual(all, [...perShard.flat()].sort(), 'the merged report is exactly the union of the shards');
  assert.equal(all.length, 2, all.join('\n'));
  assert.ok(all.every((i) => i.endsWith('=passed')));
});
