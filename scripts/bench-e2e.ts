// npm run bench:e2e [-- --runs=N]: smoke on all four hosts against a fresh lab, timed end to end
// (Playwright start, browser launches, every test); the budget is 60 s on this 2-core machine.
import { parseArgs } from 'node:util';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { JSONReport } from '@playwright/test/reporter';
import { loadConfig } from '../core/config/load.ts';

import { HOST_KEYS } from '../core/config/estate.ts';
import { startLab } from '../lab/index.ts';
import { resultsFromReport } from '../e2e/adapter.ts';
import { runPlaywright, PROJECT_ROOT } from '../e2e/run.ts';

const BUDGET_MS = 60_000;

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '1' }, help: { type: 'boolean', default: false } } });
  if (values.help) {
    process.stdout.write('npm run bench:e2e [-- --runs=N]   time the smoke suite on www, www2, my, sso against the lab (budget 60 s)\n');
    return 0;
  }
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) {
    process.stderr.write(`--runs=${values.runs}: give a whole number of runs, 1 or more\n`);
    return 64;
  }
  const config = await loadConfig(join(PROJECT_ROOT, 'harness.config.ts'));
  const lab = await startLab({ config, state: { inPools: 'all', maintenanceOn: [], dnsProvider: 'new' } });
  const outDir = join(PROJECT_ROOT, '.tmp', 'bench-e2e');
  let failed = 0;
  try {
    for (let i = 1; i <= runs; i++) {
      rmSync(outDir, { recursive: true, force: true });
      const run = await runPlaywright({
        suite: 'smoke',
        hosts: HOST_KEYS,
        outDir,
        env: { HARNESS_LAB_MANIFEST: join(lab.dir, 'manifest.json') },
        workers: config.e2e.workers,
      });
      const report = JSON.parse(readFileSync(run.reportFile, 'utf8')) as JSONReport;
      const results = resultsFromReport(report, { defaultSeverity: 'critical' });
      const bad = results.filter((r) => r.status !== 'passed');
      failed += bad.length;
      const perHost = HOST_KEYS.map((h) => `${h} ${results.filter((r) => r.details?.['project'] === h).length}`).join(', ');
      const testMs = results.reduce((s, r) => s + r.durationMs, 0);
      process.stdout.write(
        `run ${i}/${runs}: smoke on ${HOST_KEYS.join(', ')} — ${results.length} tests (${perHost}), ${bad.length} not passed\n` +
          `  wall ${(run.durationMs / 1000).toFixed(1)} s (budget ${BUDGET_MS / 1000} s: ${run.durationMs <= BUDGET_MS ? 'within' : 'OVER'}), ` +
          `sum of test times ${(testMs / 1000).toFixed(1)} s, ${config.e2e.workers} workers\n`,
      );
      for (const r of bad) process.stdout.write(`  ${r.status} ${r.id}: ${r.message ?? ''}\n`);
    }
  } finally {
    await lab.stop();
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench:e2e: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  },
);
