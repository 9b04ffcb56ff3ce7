// npm run smoke -- --phase=<step> …  and  npm run regression: thin entry point over core/run.ts.
import { resolve } from 'node:path';
import { findBaseline } from '../core/baseline.ts';
import { runCommand } from '../core/cli.ts';
import { checkSmokeArgs, SMOKE_OPTIONS, SMOKE_USAGE, type RawSmoke } from '../core/cli-args.ts';
import { UsageError } from '../core/errors.ts';
import { EXIT_CODE } from '../core/gate.ts';
import { outOfScopeOf, plannedChecks } from '../core/plan.ts';
import { checkRequirements } from '../core/requires.ts';
import { runStep } from '../core/run.ts';
import { defaultRunDir } from '../core/window.ts';
import { stepOf } from '../core/window/load.ts';
import { MERGED_REPORT_ENV } from '../e2e/merged.ts';
import { KINDS } from '../kinds.ts';
import { ConsoleReporter } from '../reports/console.ts';
import { checkOnly, loadHarnessConfig, openWindow, outOfScopeFor, parseFaults, sourceFor } from './lib/context.ts';

runCommand<RawSmoke>({
  usage: SMOKE_USAGE,
  options: SMOKE_OPTIONS,
  run: async (raw, io) => {
    const args = checkSmokeArgs(raw);
    checkOnly(args.only);
    const faults = parseFaults(args.faults);
    if (args.out !== undefined && args.out.trim() === '')
      throw new UsageError('--out= is empty: name a folder, or leave --out out for runs/<window>/<step>/<time>/');
    const config = await loadHarnessConfig(args.config);
    const chosen = await openWindow(args.window, args.env);
    const step = stepOf(chosen.window, args.phase);
    io.err.write(`window ${chosen.date} (${chosen.why}): ${chosen.file}\n`);
    // In the lab every run starts a fresh estate in the step's state, so earlier runs say nothing about it.
    if (args.env !== 'lab' && !args.force) {
      const req = checkRequirements(step, resolve('runs'), chosen.date, args.env);
      if (!req.ok)
        throw new UsageError(
          `${step.id} requires earlier steps to have passed in window ${chosen.date}:\n${req.lines.map((l) => `  - ${l}`).join('\n')}\nRun them first, or pass --force.`,
        );
    }
    const outDir = resolve(args.out ?? defaultRunDir(chosen.date, step.id));
    // the e2e kind plans from it (e2e/merged.ts): the shards' tests, read instead of run
    if (args.e2eReport) process.env[MERGED_REPORT_ENV] = resolve(args.e2eReport);
    const controller = new AbortController();
    let interrupts = 0;
    const interrupt = (signal: NodeJS.Signals) => {
      interrupts += 1;
      if (interrupts > 1) process.exit(130);
      io.err.write(`\n${signal}: finishing with a partial summary (again to quit now)\n`);
      controller.abort();
    };
    process.on('SIGINT', interrupt);
    process.on('SIGTERM', interrupt);
    const plain = args.json || !process.stdout.isTTY || Boolean(process.env.CI);
    let reporter: ConsoleReporter | undefined;
    // Families the environment declares out of scope are not planned; said here, apart from --only's partial run.
    const outOfScope = outOfScopeFor(config, args.env);
    const leftOut = outOfScopeOf({ step }, KINDS, outOfScope);
    if (leftOut.length) io.err.write(`out of scope for ${args.env}: ${leftOut.join(', ')} (environments.${args.env}.outOfScope)\n`);
    const baseline = step.id === 'pre-maintenance' ? undefined : findBaseline(resolve('runs'), chosen.date, args.env, args.baseline);
    const summary = await runStep({
      config,
      kinds: KINDS,
      source: sourceFor(config, args.env, args.config, { faults, ...(args.only ? { only: args.only } : {}) }),
      step,
      window: chosen.date,
      windowFile: chosen.file,
      outDir,
      signal: controller.signal,
      ...(args.only ? { only: args.only } : {}),
      ...(outOfScope.length ? { outOfScope } : {}),
      ...(baseline ? { baseline } : {}),
      apply: args.apply,
      onPlan: (tasks) => {
        // total = one per planned check (a batch plans one per test), so done/total ends at total/total
        reporter = args.json ? undefined : new ConsoleReporter({ out: process.stdout, plain }, plannedChecks(tasks));
      },
      onStart: (c) => reporter?.onStart(c.id, c.startedAt),
      onResult: (r) => reporter?.onResult(r),
      onApply: (lines) => {
        for (const line of lines) io.err.write(`${line}\n`);
      },
    });
    // After --apply the verdict is the one the re-check left; an action that failed is never exit 0.
    const final = summary.applied?.verdict ?? summary.verdict;
    const code = summary.applied && !summary.applied.ok ? Math.max(1, EXIT_CODE[final]) : EXIT_CODE[final];
    if (args.json) io.out.write(JSON.stringify(summary, null, 2) + '\n');
    else reporter?.finish(summary, outDir, code);
    return code;
  },
});
