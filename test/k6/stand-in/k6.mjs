#!/usr/bin/env node
// TEST DOUBLE — NOT k6 (no k6 can be installed here). `k6 run <script>` as real k6 v1.3.0 behaves in the
// recordings (test/k6/fixtures, README "What real k6 does that a stand-in hides"): VUs in worker threads with
// their own copy of the script, Request Failed warnings and error_code/status tags (vu.mjs), empty sub-metrics
// with zero values and ok: true Rate thresholds (metrics.mjs), gracefulStop (default 30 s) cutting iterations off
// with no trace but a warning, handleSummary, exit 0 / 99 thresholds / 105 SIGTERM / 107 init exception.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { build, stop as stopEsbuild } from 'esbuild';
import { declare, emit, summaryData, crossedThresholds, durationMs } from './metrics.mjs';
import { installK6, log } from './vu.mjs';

const args = process.argv.slice(2);
const script = args.at(-1);
if (args[0] !== 'run' || !script) {
  process.stderr.write('stand-in k6: only "k6 run [flags] <script>" is supported\n');
  process.exit(255);
}
const t0 = Date.now();
const MODULES = {
  k6: 'const k = globalThis.__k6; export const check = k.check, sleep = k.sleep, group = k.group; export default k;',
  'k6/http':
    'const h = globalThis.__k6.http; export default h; export const get = h.get, TLS_1_2 = h.TLS_1_2, TLS_1_3 = h.TLS_1_3, expectedStatuses = h.expectedStatuses;',
  'k6/metrics': 'const m = globalThis.__k6.metrics; export const Counter = m.Counter, Rate = m.Rate, Trend = m.Trend, Gauge = m.Gauge;',
};
const work = mkdtempSync(join(tmpdir(), 'k6-stand-in-'));
const file = join(work, 'script.mjs');
let mod;
try {
  await build({
    entryPoints: [script],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    outfile: file,
    logLevel: 'silent',
    plugins: [
      {
        name: 'k6-modules',
        setup(b) {
          b.onResolve({ filter: /^k6(\/.*)?$/ }, (a) => ({ path: a.path, namespace: 'k6' }));
          b.onLoad({ filter: /.*/, namespace: 'k6' }, (a) => ({
            contents: MODULES[a.path] ?? `throw new Error('stand-in k6: no module ${a.path}')`,
            loader: 'js',
          }));
        },
      },
    ],
  });
  await stopEsbuild(); // its service process would outlive this one in k6's process group
  mod = await import(pathToFileURL(file).href); // the init context, as k6 runs it before the VUs
} catch (e) {
  // Real k6: an init exception is logged with hint="script exception"; no summary; exit 107.
  log('error', `${e?.message ?? e}\n\tat file://${script}\n`, ' hint="script exception"');
  rmSync(work, { recursive: true, force: true });
  process.exit(107);
}
const options = mod.options ?? {};
installK6(options);
const [scenario, sc] = Object.entries(
  options.scenarios ?? { default: { executor: 'shared-iterations', vus: options.vus ?? 1, iterations: options.iterations ?? 1 } },
)[0];
const vus = sc.vus ?? 1;
const durEnd = sc.executor === 'constant-vus' ? t0 + durationMs(sc.duration) : Infinity;
// shared-iterations has maxDuration 10m by default; constant-vus ends at duration + gracefulStop (default 30 s).
const hardStopAt =
  (sc.executor === 'constant-vus' ? durEnd : t0 + 600_000) + (sc.gracefulStop === undefined ? 30_000 : durationMs(sc.gracefulStop));
const shared = new SharedArrayBuffer(8);
const flags = new Int32Array(shared);
emit('vus', 'gauge', vus, {});
emit('vus_max', 'gauge', vus, {});

const checks = new Map();
let completed = 0;
let exitCode = 0;
const workers = [];
const finished = new Promise((resolve) => {
  let left = vus;
  for (let vu = 0; vu < vus; vu += 1) {
    const w = new Worker(new URL('./vu.mjs', import.meta.url), {
      workerData: {
        file,
        vu,
        durEnd,
        hardStopAt,
        executor: sc.executor,
        shared,
        scenario,
        ...(sc.iterations !== undefined ? { iterationsCap: sc.iterations } : {}),
      },
      stderr: false,
    });
    workers.push(w);
    w.on('message', (m) => {
      if (m.t === 's') emit(m.name, m.type, m.value, m.tags, m.contains);
      else if (m.t === 'declare') declare(m.name, m.type, m.contains);
      else if (m.t === 'iter') completed += 1;
      else if (m.t === 'c') {
        const c = checks.get(m.name) ?? { name: m.name, path: `::${m.name}`, id: m.name, passes: 0, fails: 0 };
        c[m.ok ? 'passes' : 'fails'] += 1;
        checks.set(m.name, c);
      }
    });
    w.on('exit', () => {
      if ((left -= 1) === 0) resolve();
    });
  }
});
// A VU blocked in a request past the hard stop is abandoned, as k6 abandons it.
const hard = new Promise((r) => setTimeout(r, Math.max(0, Math.min(hardStopAt - Date.now() + 200, 2 ** 31 - 1))).unref());
let onSignal;
const signalled = new Promise((r) => (onSignal = r));
process.on('SIGTERM', () => {
  Atomics.store(flags, 0, 1); // real k6: stops the test, still writes the summary, exits 105
  exitCode = 105;
  onSignal();
});
await Promise.race([finished, hard, signalled]);
if (completed === 0 && exitCode === 0) log('warning', 'No script iterations fully finished, consider making the test duration longer');

const data = summaryData({ options, checks: [...checks.values()], testRunDurationMs: Date.now() - t0 });
const out = mod.handleSummary ? mod.handleSummary(data) : { stdout: '' };
for (const [k, v] of Object.entries(out ?? {})) {
  if (k === 'stdout') process.stdout.write(v);
  else if (k === 'stderr') process.stderr.write(v);
  else writeFileSync(k, v);
}
const crossed = crossedThresholds(data);
if (crossed.length) log('error', `thresholds on metrics '${crossed.join(', ')}' have been crossed`);
rmSync(work, { recursive: true, force: true });
process.exit(exitCode || (crossed.length ? 99 : 0));
