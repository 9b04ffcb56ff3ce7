// npm run plan -- [--window=...] [--phase=...] [--env=...]: every planned check, which block, and every gap
// that would make a check broken (address, tool, secret, nameserver), without running anything. Gaps → 78.
import { runCommand } from '../core/cli.ts';
import { ConfigError } from '../core/config/load.ts';
import type { AnyKind } from '../core/kind.ts';
import { planGaps, planStep, severityOf } from '../core/plan.ts';
import { stepOf } from '../core/window/load.ts';
import type { Step } from '../core/window/schema.ts';
import { KINDS } from '../kinds.ts';
import { checkOnly, loadHarnessConfig, openWindow, sourceFor } from './lib/context.ts';

const USAGE = `Usage: npm run plan -- [--window=YYYY-MM-DD|FILE] [--phase=<step>] [--env=lab|<name>] [--only=...] [--config=FILE]
  Lists every step (or one), each planned check, which of them block, and every gap that would make a check
  broken. Nothing is probed; in the lab the lab is started to learn its addresses.
Exit codes: 0 no gaps, 78 gaps (each named), 64 bad usage.`;

interface Flags {
  window?: string;
  phase?: string;
  env: string;
  config: string;
  only?: string;
}

const kindOf = (id: string) => KINDS.find((k) => k.id === id) as AnyKind;

runCommand<Flags>({
  usage: USAGE,
  options: {
    window: { type: 'string' },
    phase: { type: 'string' },
    env: { type: 'string', default: 'lab' },
    config: { type: 'string', default: 'harness.config.ts' },
    only: { type: 'string' },
  },
  run: async (flags, io) => {
    const only = flags.only
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    checkOnly(only);
    const config = await loadHarnessConfig(flags.config);
    const chosen = await openWindow(flags.window, flags.env);
    const steps: Step[] = flags.phase ? [stepOf(chosen.window, flags.phase)] : chosen.window.steps;
    io.out.write(`window ${chosen.date} (${chosen.why}): ${chosen.window.title}\nenv ${flags.env}\n`);
    const gaps: string[] = [];
    const source = sourceFor(config, flags.env, flags.config);
    for (const step of steps) {
      io.out.write(
        `\n${step.id}  ${step.at.time}${step.at.day ? ` (day ${step.at.day})` : ''}  ${step.title}${step.tickets.length ? ` [${step.tickets.join(', ')}]` : ''}\n`,
      );
      let open: Awaited<ReturnType<typeof source.open>>;
      try {
        open = await source.open(step, `.tmp/plan-${process.pid}`);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        // The estate cannot be resolved (addresses missing): list the window's checks and every missing value.
        for (const spec of step.checks as { kind: string; blocking?: boolean }[])
          io.out.write(
            `  ${severityOf(spec, kindOf(spec.kind), config.policy.severity) === 'critical' ? 'BLOCKS' : 'warns '} ${spec.kind}: ${kindOf(spec.kind).summary}\n`,
          );
        gaps.push(...err.problems.map((p) => `${step.id}: ${p}`));
        continue;
      }
      try {
        const tasks = planStep(
          { step, config, estate: open.estate, runDir: `.tmp/plan-${process.pid}` },
          { kinds: KINDS, policySeverity: config.policy.severity, ...(only ? { only } : {}) },
        );
        for (const t of tasks)
          io.out.write(
            `  ${t.severity === 'critical' ? 'BLOCKS' : 'warns '} ${t.id}  ${t.title}${t.gap ? `\n         GAP: ${t.gap}` : ''}\n`,
          );
        gaps.push(...planGaps(tasks).map((g) => `${step.id}: ${g.id}: ${g.gap}`));
      } finally {
        await open.close();
      }
    }
    const unique = [...new Set(gaps)];
    io.out.write(
      unique.length
        ? `\n${unique.length} gap(s) would make checks broken:\n${unique.map((g) => `  - ${g}`).join('\n')}\n`
        : '\nno gaps: every planned check can run\n',
    );
    return unique.length ? 78 : 0;
  },
});
