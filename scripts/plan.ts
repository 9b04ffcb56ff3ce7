// npm run plan -- [--window=...] [--phase=...] [--env=...]: every planned check, which block, and every gap
// that would make a check broken (address, tool, secret, nameserver), without running anything. Gaps → 78.
import { runCommand } from '../core/cli.ts';
import { ConfigError } from '../core/config/load.ts';
import type { AnyKind } from '../core/kind.ts';
import { UsageError } from '../core/errors.ts';
import { planGaps, planStep, severityOf, stepFamilies } from '../core/plan.ts';
import { stepOf } from '../core/window/load.ts';
import type { Step } from '../core/window/schema.ts';
import { KINDS } from '../kinds.ts';
import { steppedLabSource } from '../lab/rehearsal.ts';
import { checkOnly, loadHarnessConfig, openWindow, outOfScopeFor, sourceFor } from './lib/context.ts';

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
    const chosen = await openWindow(flags.window, flags.env, new Date(), true);
    // The whole window with --only: each step is planned for the families it has; a step with none is left out.
    const onlyFor = (step: Step) => (flags.phase || !only ? only : only.filter((f) => stepFamilies({ step }, KINDS).includes(f)));
    const steps: Step[] = flags.phase ? [stepOf(chosen.window, flags.phase)] : chosen.window.steps.filter((s) => onlyFor(s)?.length !== 0);
    if (!steps.length)
      throw new UsageError(`--only=${only!.join(',')}: no step of the window ${chosen.date} has ${only!.join(' or ')} checks`);
    const scope = outOfScopeFor(config, flags.env);
    io.out.write(`window ${chosen.date} (${chosen.why}): ${chosen.window.title}\nenv ${flags.env}\n`);
    if (scope.length) io.out.write(`out of scope for ${flags.env}: ${scope.join(', ')} (not planned)\n`);
    // Checks of a family or kind the environment leaves out are not listed, as they are not planned.
    const inScope = <C extends { kind: string }>(checks: C[]) =>
      checks.filter((c) => !scope.includes(c.kind) && !scope.includes(kindOf(c.kind).family));
    const gaps: string[] = [];
    // Lenient: a missing address, CA or secret is listed as a gap next to the tools and nameservers, all at once.
    // Scratch space for the lab and the planners; nothing is run, so nothing in it is evidence.
    const scratch = `.tmp/plan-${process.pid}`;
    const checked = sourceFor(config, flags.env, flags.config, { lenient: true, ...(only ? { only } : {}) });
    // In the lab one lab serves every step, carried in runbook order as a rehearsal carries it: a plan needs only its
    // addresses, and starting a lab per step cost about a second each (25 s for the June window).
    const stepped = flags.env === 'lab' && steps.length > 1 ? steppedLabSource(config, scratch, new Map()) : undefined;
    const source = stepped ?? checked;
    try {
      for (const step of steps) {
        const stepOnly = onlyFor(step);
        io.out.write(
          `\n${step.id}  ${step.at.time}${step.at.day ? ` (day ${step.at.day})` : ''}  ${step.title}${step.tickets.length ? ` [${step.tickets.join(', ')}]` : ''}\n`,
        );
        let open: Awaited<ReturnType<typeof source.open>>;
        try {
          open = await source.open(step, scratch);
        } catch (err) {
          if (!(err instanceof ConfigError)) throw err;
          // The estate cannot be resolved (addresses missing): list the window's checks and every missing value.
          for (const spec of inScope(step.checks as { kind: string; blocking?: boolean }[])) {
            if (stepOnly && !stepOnly.includes(kindOf(spec.kind).family)) continue;
            io.out.write(
              `  ${severityOf(spec, kindOf(spec.kind), config.policy.severity) === 'critical' ? 'BLOCKS' : 'warns '} ${spec.kind}: ${kindOf(spec.kind).summary}\n`,
            );
          }
          gaps.push(...err.problems.map((p) => `${step.id}: ${p}`));
          continue;
        }
        try {
          const tasks = planStep(
            { step, config, estate: open.estate, runDir: scratch },
            {
              kinds: KINDS,
              policySeverity: config.policy.severity,
              ...(stepOnly ? { only: stepOnly } : {}),
              outOfScope: outOfScopeFor(config, flags.env),
            },
          );
          const estateGaps = open.estate.gaps ?? [];
          // Addresses missing: the checks by kind (their per-server lines would name servers with no address yet).
          if (estateGaps.length)
            for (const spec of inScope(step.checks as { kind: string; blocking?: boolean }[])) {
              if (stepOnly && !stepOnly.includes(kindOf(spec.kind).family)) continue;
              io.out.write(
                `  ${severityOf(spec, kindOf(spec.kind), config.policy.severity) === 'critical' ? 'BLOCKS' : 'warns '} ${spec.kind}: ${kindOf(spec.kind).summary}\n`,
              );
            }
          else
            for (const t of tasks)
              io.out.write(
                `  ${t.severity === 'critical' ? 'BLOCKS' : 'warns '} ${t.id}  ${t.title}${t.gap ? `\n         GAP: ${t.gap}` : ''}\n`,
              );
          gaps.push(...planGaps(tasks).map((g) => `${step.id}: ${g.gap} (check ${g.id})`));
          gaps.push(...estateGaps.map((g) => `${step.id}: ${g}`));
        } finally {
          await open.close();
        }
      }
    } finally {
      await stepped?.stop();
    }
    // The same gap in several steps is listed once, naming the steps (and every kind that needs it).
    const grouped = new Map<string, { steps: string[]; by: Set<string>; checks: Set<string> }>();
    for (const g of gaps) {
      const cut = g.indexOf(': ');
      const [stepId, full] = [g.slice(0, cut), g.slice(cut + 2)];
      const m = /^(.*) \((needed by|check) ([^)]*)\)$/.exec(full);
      const text = m ? m[1]! : full;
      const entry = grouped.get(text) ?? { steps: [], by: new Set<string>(), checks: new Set<string>() };
      if (!entry.steps.includes(stepId)) entry.steps.push(stepId);
      for (const k of m ? m[3]!.split(', ') : []) (m![2] === 'check' ? entry.checks : entry.by).add(k);
      grouped.set(text, entry);
    }
    const unique = [...grouped].map(
      ([text, e]) =>
        `${e.steps.join(', ')}: ${e.checks.size ? `${[...e.checks].join(', ')}: ` : ''}${text}${e.by.size ? ` (needed by ${[...e.by].join(', ')})` : ''}`,
    );
    io.out.write(
      unique.length
        ? `\n${unique.length} gap(s) would make checks broken:\n${unique.map((g) => `  - ${g}`).join('\n')}\n`
        : '\nno gaps: every planned check can run\n',
    );
    return unique.length ? 78 : 0;
  },
});
