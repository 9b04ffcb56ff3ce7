// Plans one step of a window: each check spec through its registered kind, severity from the window
// (blocking), then policy.severity, then the kind's default; --only narrows by family.
import { UsageError } from './errors.ts';
import type { AnyKind, PlanContext } from './kind.ts';
import type { PlannedCheck } from './ledger.ts';
import type { Severity } from './result.ts';
import type { Task } from './task.ts';

export interface PlanOptions {
  kinds: readonly AnyKind[];
  /** policy.severity: kind id → severity, for checks the window leaves unmarked. */
  policySeverity: Readonly<Record<string, Severity>>;
  only?: readonly string[];
  /** Families (or kinds) the environment declares out of scope (environments.<env>.outOfScope): never planned. */
  outOfScope?: readonly string[];
}

export function severityOf(
  spec: { blocking?: boolean | undefined; severity?: Severity | undefined },
  kind: AnyKind,
  policy: Readonly<Record<string, Severity>>,
): Severity {
  if (spec.severity) return spec.severity;
  if (spec.blocking !== undefined) return spec.blocking ? 'critical' : 'major';
  return policy[kind.id] ?? kind.severity;
}

/** Families the step has checks of; `--only` naming one it does not have is a usage error. */
export function stepFamilies(ctx: Pick<PlanContext, 'step'>, kinds: readonly AnyKind[]): string[] {
  return [...new Set(ctx.step.checks.map((c) => kinds.find((k) => k.id === c.kind)?.family).filter((f): f is string => !!f))];
}

/** `--only` naming a family the step has no checks of is a usage error, raised before anything starts. */
export function assertOnly(ctx: Pick<PlanContext, 'step'>, kinds: readonly AnyKind[], only: readonly string[] | undefined): void {
  if (!only) return;
  const has = stepFamilies(ctx, kinds);
  const absent = only.filter((f) => !has.includes(f));
  if (absent.length)
    throw new UsageError(`--only=${only.join(',')}: step ${ctx.step.id} has no ${absent.join(', ')} checks; it has: ${has.join(', ')}`);
}

export function planStep(ctx: PlanContext, opts: PlanOptions): Task[] {
  assertOnly(ctx, opts.kinds, opts.only);
  const tasks = ctx.step.checks.flatMap((spec) => {
    const kind = opts.kinds.find((k) => k.id === spec.kind);
    if (!kind) throw new Error(`check kind "${spec.kind}" is not registered`); // the window schema already refused it
    if (opts.only && !opts.only.includes(kind.family)) return [];
    if (opts.outOfScope?.includes(kind.family) || opts.outOfScope?.includes(kind.id)) return [];
    const {
      kind: _k,
      blocking,
      severity,
      mustPass,
      ...params
    } = spec as { kind: string; blocking?: boolean; severity?: Severity; mustPass?: boolean };
    const tasks = kind.plan(ctx, kind.params.parse(params), severityOf({ blocking, severity }, kind, opts.policySeverity));
    return mustPass ? tasks.map((t) => ({ ...t, mustPass: true })) : tasks;
  });
  const seen = new Set<string>();
  for (const t of tasks) {
    if (seen.has(t.id)) throw new UsageError(`step ${ctx.step.id} plans two checks with id ${t.id}: the window lists the same check twice`);
    seen.add(t.id);
  }
  return tasks;
}

/** `--only` naming a family the environment declares out of scope asks for checks that are never planned there. */
export function assertInScope(env: string, only: readonly string[] | undefined, outOfScope: readonly string[] | undefined): void {
  const clash = (only ?? []).filter((f) => outOfScope?.includes(f));
  if (clash.length)
    throw new UsageError(
      `--only=${only!.join(',')}: ${clash.join(', ')} ${clash.length > 1 ? 'are' : 'is'} out of scope for ${env} (environments.${env}.outOfScope); choose among the families in scope`,
    );
}

/** The step's families and kinds left out because the environment declares them out of scope (summary, console). */
export function outOfScopeOf(
  ctx: Pick<PlanContext, 'step'>,
  kinds: readonly AnyKind[],
  outOfScope: readonly string[] | undefined,
): string[] {
  const families = stepFamilies(ctx, kinds);
  const kindIds = [...new Set(ctx.step.checks.map((c) => String((c as { kind: unknown }).kind)))];
  return [...families, ...kindIds.filter((k) => !families.includes(k))].filter((f) => outOfScope?.includes(f));
}

/** The plan.json view of the tasks: one entry per check id a batch is expected to produce. */
export function plannedChecks(tasks: readonly Task[]): PlannedCheck[] {
  return tasks.flatMap((t) =>
    t.type === 'batch' && t.expected.length
      ? t.expected.map((id) => ({
          id,
          kind: t.kind,
          title: id,
          severity: t.severity,
          target: t.target,
          ...(t.mustPass ? { mustPass: true } : {}),
        }))
      : [
          {
            ...(t.mustPass ? { mustPass: true } : {}),
            id: t.id,
            kind: t.kind,
            title: t.title,
            severity: t.severity,
            target: t.target,
            ...(t.type === 'batch' ? { prefix: true } : {}),
          },
        ],
  );
}

/** Why checks of the plan cannot run, known before running: `npm run plan` prints them and exits 78. */
export function planGaps(tasks: readonly Task[]): { id: string; gap: string }[] {
  return tasks.flatMap((t) => (t.gap ? [{ id: t.id, gap: t.gap }] : []));
}
