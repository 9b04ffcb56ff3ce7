// npm run smoke -- --phase=<id> …  and  npm run regression: thin entry point over core/run.ts.
import { resolve } from 'node:path';
import { applyAction } from '../core/apply.ts';
import { parseSmokeArgs, SMOKE_USAGE, UsageError } from '../core/cli-args.ts';
import { ConfigError, loadConfig } from '../core/config/load.ts';
import { EXIT_CODE } from '../core/gate.ts';
import { RunFolderInUseError } from '../core/ledger.ts';
import { PHASES } from '../core/phases.ts';
import { checkRequirements } from '../core/requires.ts';
import { runPhase } from '../core/run.ts';
import { defaultRunDir, windowDate } from '../core/window.ts';
import { ConsoleReporter } from '../reports/console.ts';

async function main(): Promise<number> {
  const args = parseSmokeArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(SMOKE_USAGE + '\n');
    return 0;
  }
  const config = await loadConfig(args.config);
  const phase = PHASES[args.phase];
  const window = windowDate(config, args.window);
  // In the lab every run starts a fresh estate in the phase's state, so earlier runs say nothing about it.
  if (args.env !== 'lab' && !args.force) {
    const req = checkRequirements(phase, resolve('runs'), window, args.env);
    if (!req.ok) throw new UsageError(`${phase.id} requires earlier phases to have passed in window ${window}:\n${req.lines.map((l) => `  - ${l}`).join('\n')}\nRun them first, or pass --force.`);
  }
  const outDir = resolve(args.out ?? defaultRunDir(window, phase.id));
  const controller = new AbortController();
  let interrupts = 0;
  const interrupt = (signal: NodeJS.Signals) => {
    interrupts += 1;
    if (interrupts > 1) process.exit(130);
    process.stderr.write(`\n${signal}: finishing with a partial summary (again to quit now)\n`);
    controller.abort();
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  const plain = args.json || !process.stdout.isTTY || Boolean(process.env.CI);
  let reporter: ConsoleReporter | undefined;
  const summary = await runPhase({
    config, configFile: args.config, phase, env: args.env, window, outDir, signal: controller.signal,
    ...(args.only ? { only: args.only } : {}), faults: args.faults,
    onPlan: (tasks) => {
      reporter = args.json ? undefined : new ConsoleReporter({ out: process.stdout, plain }, tasks.length);
    },
    onResult: (r) => reporter?.onResult(r),
    beforeStop: async (s, lab) => {
      if (!args.apply) return;
      const outcome = await applyAction(s, config, lab?.manifest.control.url);
      for (const line of outcome.lines) process.stderr.write(line + '\n');
    },
  });
  const code = EXIT_CODE[summary.verdict];
  if (args.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
  else reporter?.finish(summary, outDir, code);
  return code;
}

// A crash is never a verdict: exit 2 (inconclusive), not 1 (no-go). Results written so far stay on disk.
const crash = (err: unknown) => {
  process.stderr.write(`harness error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\nNo verdict could be reached (inconclusive); the results written so far are in the run folder.\n`);
  process.exit(2);
};
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError || err instanceof RunFolderInUseError) {
      process.stderr.write(`error: ${err.message}\n`);
      process.exit(64);
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78);
    }
    crash(err);
  },
);
