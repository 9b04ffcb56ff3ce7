// npm run bench:k6 [-- --step=post-window --duration=1s]: the harness's own time around each k6 run (locate,
// bundle, resolve pins, spawn, read the summary and log, emit results) against the lab, measured in one run as
// the batch's wall time minus the k6 process's own wall time (spawn to exit). Budget: 1.5 s per k6 run.
// k6 is K6_BIN when set, else the k6 stand-in (test/k6/stand-in, which behaves as the recorded real k6 v1.3.0).
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, parseConfig } from '../core/config/load.ts';
import type { CheckResult } from '../core/result.ts';
import type { BatchTask } from '../core/task.ts';
import { stepOf } from '../core/window/load.ts';
import { windowSchema } from '../core/window/schema.ts';
import { estateFromLab } from '../estate/model.ts';
import { KINDS } from '../kinds.ts';
import { startLab } from '../lab/index.ts';
import { K6Params, makeK6Planner } from '../k6/plan.ts';
import june from '../windows/2025-06-22.ts';

const BUDGET_MS = 1_500;
const ROOT = join(import.meta.dirname, '..');

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      step: { type: 'string', default: 'post-window' },
      duration: { type: 'string', default: '1s' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(
      'npm run bench:k6 [-- --step=<June step with k6 checks> --duration=1s]   harness overhead per k6 run (budget 1.5 s)\n',
    );
    return 0;
  }
  const base = await loadConfig(join(ROOT, 'harness.config.ts'));
  const config = parseConfig({ ...base, k6: { ...base.k6, lab: { ...base.k6.lab, duration: values.duration, concurrency: 1 } } });
  const step = stepOf(windowSchema(KINDS).parse(june), values.step);
  const scratch = mkdtempSync(join(ROOT, '.tmp', 'bench-k6-'));
  // The k6 process's own wall time, taken around it by a wrapper (so spawn, setpriv and the pipes count as harness).
  const real = process.env.K6_BIN;
  const k6Cmd = real ? `"${real}"` : `"${process.execPath}" "${join(ROOT, 'test', 'k6', 'stand-in', 'k6.mjs')}"`;
  const times = join(scratch, 'k6-times.log');
  mkdirSync(join(scratch, 'bin'));
  const bin = join(scratch, 'bin', 'k6');
  writeFileSync(bin, `#!/bin/sh\ns=$(date +%s%N)\n${k6Cmd} "$@"\nrc=$?\necho "$s $(date +%s%N)" >> "${times}"\nexit $rc\n`);
  chmodSync(bin, 0o755);
  const lab = await startLab({ config, state: step.after });
  const rows: { id: string; harnessMs: number; k6Ms: number; overheadMs: number }[] = [];
  try {
    const estate = estateFromLab(config, lab.manifest);
    const planner = makeK6Planner({ distDir: join(scratch, 'dist'), env: { K6_BIN: bin, PATH: process.env.PATH ?? '' } });
    const tasks = step.checks
      .filter((c) => c.kind === 'k6')
      .flatMap(
        (c) =>
          planner(
            { step, config, estate, runDir: scratch },
            K6Params.parse({ script: c.script, hosts: c.hosts }),
            'critical',
          ) as BatchTask[],
      );
    if (!tasks.length) throw new Error(`step ${values.step} has no k6 checks`);
    for (const task of tasks) {
      const results: CheckResult[] = [];
      const t0 = performance.now();
      await task.run({ signal: new AbortController().signal, runDir: scratch, emit: (r) => results.push(r) });
      const harnessMs = performance.now() - t0;
      const run = results.find((r) => r.id === `${task.id}:run`);
      if (!run) throw new Error(`${task.id}: no run result`);
      const [start, end] = readFileSync(times, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number) as [number, number];
      const k6Ms = (end - start) / 1e6;
      rows.push({ id: task.id, harnessMs, k6Ms, overheadMs: harnessMs - k6Ms });
      process.stdout.write(
        `${task.id.padEnd(34)} batch ${Math.round(harnessMs).toString().padStart(6)} ms   k6 process ${Math.round(k6Ms).toString().padStart(6)} ms   harness overhead ${Math.round(
          harnessMs - k6Ms,
        )
          .toString()
          .padStart(5)} ms   (run ${run.status})\n`,
      );
    }
  } finally {
    await lab.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
  const worst = Math.max(...rows.map((r) => r.overheadMs));
  const mean = rows.reduce((a, r) => a + r.overheadMs, 0) / rows.length;
  const over = rows.filter((r) => r.overheadMs > BUDGET_MS);
  process.stdout.write(
    `${rows.length} k6 runs (${real ?? 'k6 stand-in'}): harness overhead mean ${Math.round(mean)} ms, worst ${Math.round(worst)} ms, budget ${BUDGET_MS} ms per run — ${over.length ? `OVER on ${over.map((r) => r.id).join(', ')}` : 'within'}\n`,
  );
  return over.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`bench:k6 failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(2);
  },
);
