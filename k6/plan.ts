// Plans the k6 checks of a phase: one batch per k6 run (connection-sanity per host, smoke-load once,
// backend-sweep per web server). Each batch builds its bundle, runs k6, keeps the raw output under
// runDir/k6/<run>/ and reports one result per threshold, per k6 check, and one for the run itself.
import { join } from 'node:path';
import { z } from 'zod';
import { HostKey } from '../core/config/estate.ts';
import type { HarnessConfig } from '../core/config/schema.ts';
import { defineKind, type PlanContext } from '../core/kind.ts';
import type { Severity } from '../core/result.ts';
import type { ResolvedEstate } from '../estate/model.ts';
import type { CheckResult } from '../core/result.ts';
import type { BatchContext, BatchTask } from '../core/task.ts';
import { SCRIPT_NAMES, type ScriptName } from './contract.ts';
import { PLAN_ENV, SUMMARY_ENV } from './contract.ts';
import { bundleScript } from './build/bundle.ts';
import type { BuiltBundle } from './build/bundle.ts';
import { expectedIds, interpretK6Run, runId } from './adapter/interpret.ts';
import type { K6Outcome } from './adapter/interpret.ts';
import { locateK6 } from './adapter/locate.ts';
import { resolvePins, unresolvedMessage } from './adapter/pins.ts';
import type { Lookup } from './adapter/pins.ts';
import { runK6 } from './adapter/process.ts';
import { k6RunsForPhase } from './adapter/run-plan.ts';
import type { K6RunDef } from './adapter/run-plan.ts';
import { deadline } from '../core/deadline.ts';

/** At most `n` k6 processes at once across the phase, so one run's load does not skew another's latency. */
function slots(n: number) {
  let free = n;
  const waiting: (() => void)[] = [];
  return async <T>(work: () => Promise<T>): Promise<T> => {
    if (free > 0) free -= 1;
    else await new Promise<void>((r) => waiting.push(r));
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else free += 1;
    }
  };
}

export interface K6PlanOptions {
  /** Environment k6 is looked up in and PATH/HOME are taken from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Where bundles are written (default k6/dist). */
  distDir?: string;
  /** Resolves names pinned through `hosts` (default: the system resolver); k6 itself never does. */
  lookup?: Lookup;
}

const limits = new WeakMap<object, ReturnType<typeof slots>>();

export const K6Params = z.strictObject({ script: z.enum(SCRIPT_NAMES), hosts: z.array(HostKey).min(1) });
export type K6Params = z.output<typeof K6Params>;

export function makeK6Planner(opts: K6PlanOptions = {}) {
  return ({ step, config, estate }: PlanContext<HarnessConfig, ResolvedEstate>, params: K6Params, severity: Severity): BatchTask[] => {
    const runs = k6RunsForPhase([params], step.after, config, estate);
    const bundles = new Map<ScriptName, Promise<BuiltBundle>>();
    const bundle = (s: ScriptName) => {
      let b = bundles.get(s);
      if (!b) bundles.set(s, (b = bundleScript(s, opts.distDir)));
      return b;
    };
    const parallel = estate.lab ? config.k6.lab.concurrency : config.k6.concurrency;
    // One limit across every k6 check of the step (each check is planned on its own), keyed by the step's estate.
    let limit = limits.get(estate);
    if (!limit) limits.set(estate, (limit = slots(parallel)));
    // Each k6 gets k6Ms from its own start; the batch's outer limit also covers the wait for a slot behind the step's other runs.
    const stepRuns = step.checks
      .filter((c) => c.kind === 'k6')
      .reduce((n, c) => n + k6RunsForPhase([K6Params.parse({ script: c.script, hosts: c.hosts })], step.after, config, estate).length, 0);
    const perRunMs = config.policy.timeouts.k6Ms;
    const batchMs = perRunMs * Math.ceil(Math.max(runs.length, stepRuns) / parallel) + 10_000;
    // Go adds SSL_CERT_FILE to the system roots on Linux: the lab CA, or the environment's caFile.
    const caFile = estate.caFile ?? estate.lab?.caFile;
    // Known before running (npm run plan lists it); the batch still runs and reports each check broken.
    const located = locateK6(opts.env ?? process.env);
    const gap = located.ok ? undefined : `k6 not found (${located.reason}): ${config.k6.installHint}`;

    const task = (run: K6RunDef): BatchTask => {
      const result = (o: K6Outcome, startedAt: string, durationMs: number): CheckResult => ({
        id: o.id,
        kind: 'k6',
        title: o.title,
        target: run.target,
        severity,
        status: o.status,
        attempts: 1,
        flaky: false,
        startedAt,
        durationMs,
        message: o.message,
        details: o.details,
      });
      /** Every expected check broken; the run check also carries `why` (the others would only repeat it). */
      const brokenAll = (ctx: BatchContext, message: string, startedAt: string, t0: number, why?: string) => {
        for (const id of expectedIds(run.spec)) {
          const text = why && id === runId(run.spec) ? `${message} (${why})` : message;
          ctx.emit(
            result(
              {
                id,
                title: `k6 ${run.spec.label}: ${id.slice(run.spec.idPrefix.length + 1)}`,
                status: 'broken',
                message: text,
                details: {},
              },
              startedAt,
              Math.round(performance.now() - t0),
            ),
          );
        }
      };
      return {
        type: 'batch',
        id: run.spec.idPrefix,
        family: 'k6',
        kind: 'k6',
        title: `k6 ${run.spec.label}`,
        target: run.target,
        severity,
        ...(gap ? { gap } : {}),
        timeoutMs: batchMs,
        expected: expectedIds(run.spec),
        run: async (ctx) => {
          const startedAt = new Date().toISOString();
          const t0 = performance.now();
          const env = opts.env ?? process.env;
          const k6 = locateK6(env);
          if (!k6.ok) return brokenAll(ctx, config.k6.installHint, startedAt, t0, k6.reason);
          let built: BuiltBundle;
          try {
            built = await bundle(run.script);
          } catch (e) {
            return brokenAll(ctx, `the k6 bundle of ${run.script} could not be built: ${(e as Error).message}`, startedAt, t0);
          }
          // An environment's names were looked up when it was opened (estate/resolve.ts, 78 when one does not resolve):
          // this only guards an estate made any other way, and hands k6 nothing but addresses.
          const pins = await resolvePins(run.plan, opts.lookup);
          if (!pins.ok) return brokenAll(ctx, unresolvedMessage(pins.unresolved), startedAt, t0);
          const outDir = join(ctx.runDir, 'k6', run.slug);
          const summaryFile = join(outDir, 'summary.json');
          const raw = await limit(async () => {
            if (ctx.signal.aborted) return undefined;
            const own = deadline(ctx.signal, perRunMs);
            return runK6({
              bin: k6.bin,
              bundle: built.file,
              outDir,
              summaryFile,
              signal: own.signal,
              env: {
                ...(env.PATH ? { PATH: env.PATH } : {}),
                ...(env.HOME ? { HOME: env.HOME } : {}),
                K6_NO_USAGE_REPORT: 'true',
                [PLAN_ENV]: JSON.stringify(pins.plan),
                [SUMMARY_ENV]: summaryFile,
                // Go (k6) takes its trusted roots from this file: the lab's certificates verify, verification stays on.
                ...(caFile ? { SSL_CERT_FILE: caFile } : {}),
              },
            }).finally(() => own.clear());
          });
          if (!raw) return; // stopped while waiting for a slot: the runner reports the unstarted checks
          const stopReason = ctx.signal.aborted
            ? 'the run was interrupted or the batch ran out of time'
            : `it ran longer than policy.timeouts.k6Ms (${perRunMs} ms)`;
          for (const o of interpretK6Run({ ...raw, ...(raw.stopped ? { stopReason } : {}) }, run.spec)) {
            ctx.emit(
              result(
                { ...o, details: { ...o.details, evidence: outDir, bundle: built.file, bundleSha256: built.sha256 } },
                raw.startedAt,
                raw.durationMs,
              ),
            );
          }
        },
      };
    };
    return runs.map(task);
  };
}

export const k6Kind = defineKind({
  id: 'k6',
  family: 'k6',
  summary: 'a k6 script (connection-sanity, smoke-load, backend-sweep) bundled with esbuild and run by the k6 binary',
  params: K6Params,
  severity: 'major',
  plan: makeK6Planner(),
});
