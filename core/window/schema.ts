// A window file as data: its date and zone, its steps in runbook order, each with the estate state before and
// after, its checks (built from the registered kinds), which block, what it requires, and the action per verdict.
import { z } from 'zod';
import { DateTime } from 'luxon';
import { HostKey } from '../config/estate.ts';
import type { AnyKind } from '../kind.ts';
import { Severity } from '../result.ts';

export const StepId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lower-case letters, digits and dashes, at most 40');

/** The state the runbook has put the estate in (the lab is put into it too). */
export const EstateState = z.strictObject({
  /** Web servers in both pools: 'all', or the names still in while the others are patched. */
  inPools: z.union([z.literal('all'), z.array(z.string().min(1)).max(10_000)]).default('all'),
  /** Hosts that serve the maintenance page. */
  maintenanceOn: z.array(HostKey).default([]),
  /** Which DNS provider the parent zone delegates to. */
  dnsProvider: z.enum(['old', 'new']).default('old'),
});
export type EstateState = z.infer<typeof EstateState>;

/** An executable step of an action: what `--apply` performs and what the printed action says, from one object. */
export const Operation = z.discriminatedUnion('op', [
  z.strictObject({
    op: z.literal('maintenance-page'),
    turn: z.enum(['on', 'off']),
    /** The hosts to act on; 'failing' = the hosts of the checks that drove the verdict. */
    hosts: z.union([z.array(HostKey).min(1), z.literal('failing')]),
  }),
]);
export type Operation = z.infer<typeof Operation>;

export const Action = z.strictObject({
  /** What the engineer is told (the cause or the runbook's words); printed before the operation, if any. */
  say: z.string().min(1).max(500),
  do: Operation.optional(),
});
export type Action = z.infer<typeof Action>;

/**
 * A cause-specific action. It wins when a check that drove a no-go failed with one of `codes` and every other
 * driver is explained: it has one of the codes too, or it is of a kind in `alsoExplains` on a host where the cause was found.
 */
export const Refinement = z.strictObject({
  when: z.strictObject({
    codes: z.array(z.string().min(1)).min(1),
    /** Kinds whose failures on a host where the cause was found are explained by it (e2e through the gateway …). */
    alsoExplains: z.array(z.string().min(1)).default([]),
  }),
  action: Action,
  /** When the action's operation succeeds and its re-check passes, the drivers are resolved: the step is go. */
  resolves: z.boolean().default(false),
});
export type Refinement = z.infer<typeof Refinement>;

/** A Slack channel the step's result is posted to; on go, `say` (the runbook's notice) replaces the action. */
export const Notice = z.strictObject({
  channel: z.string().regex(/^#[a-z0-9][a-z0-9._-]{0,79}$/, 'a Slack channel such as #eng-monthlymaintenance'),
  say: z.string().min(1).max(1_000).optional(),
});
export type Notice = z.infer<typeof Notice>;

/** Failures with these codes are warnings at this step, with the reason: e.g. a resolver caching inside its TTL. */
export const Tolerance = z.strictObject({ codes: z.array(z.string().min(1)).min(1), why: z.string().min(1).max(300) });
export type Tolerance = z.infer<typeof Tolerance>;

const Time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24-hour');

function checkSchema(kinds: readonly AnyKind[]) {
  const options = kinds.map((k) =>
    k.params.extend({
      kind: z.literal(k.id),
      /** true: a failure stops the window (critical); false: a warning (major); unset: policy.severity, then the kind's default. */
      blocking: z.boolean().optional(),
      severity: Severity.optional(),
      /** Never shown as pre-existing: a failure here drives the verdict even when the baseline had it too. */
      mustPass: z.boolean().optional(),
    }),
  );
  const [first, ...rest] = options;
  if (!first) throw new Error('no check kinds are registered');
  return z.discriminatedUnion('kind', [first, ...rest]);
}

export function stepSchema(kinds: readonly AnyKind[]) {
  return z.strictObject({
    id: StepId,
    /** Runbook time relative to the window's date (day -1 = the evening before), in the window's zone. */
    at: z.strictObject({ day: z.number().int().min(-7).max(7).default(0), time: Time }),
    title: z.string().min(1).max(200),
    tickets: z.array(z.string().regex(/^[A-Z][A-Z0-9]*-\d+$/, 'a ticket key such as PLAT-2018')).default([]),
    /** Steps that must have passed earlier in the same window (enforced outside the lab). */
    requires: z.array(StepId).default([]),
    /** The state the runbook's step starts from (the lab starts here and performs the step), if not `after`. */
    before: EstateState.optional(),
    after: EstateState.default({ inPools: 'all', maintenanceOn: [], dnsProvider: 'old' }),
    checks: z.array(checkSchema(kinds)).min(1).max(500),
    actions: z.strictObject({ go: Action, 'no-go': Action, inconclusive: Action }),
    refine: z.array(Refinement).default([]),
    tolerate: z.array(Tolerance).default([]),
    /** Who hears about this step in Slack, as the runbook routes it; `say` is the post when the step is go. */
    notify: z.array(Notice).max(20).default([]),
  });
}

export function windowSchema(kinds: readonly AnyKind[]) {
  return z
    .strictObject({
      date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD'),
      timezone: z.string().default('America/New_York'),
      title: z.string().min(1).max(200),
      /** The runbook this window follows (a wiki page name or URL), shown in reports. */
      runbook: z.string().min(1).max(500).optional(),
      steps: z.array(stepSchema(kinds)).min(1).max(100),
    })
    .superRefine((w, ctx) => {
      const date = DateTime.fromISO(w.date, { zone: w.timezone });
      if (!date.isValid)
        ctx.addIssue({
          code: 'custom',
          path: [/^\d{4}-\d{2}-\d{2}$/.test(w.date) ? 'timezone' : 'date'],
          message: date.invalidExplanation ?? 'not a valid date in that zone',
        });
      const seen = new Set<string>();
      w.steps.forEach((s, i) => {
        if (seen.has(s.id)) ctx.addIssue({ code: 'custom', path: ['steps', i, 'id'], message: `step id "${s.id}" is used twice` });
        for (const r of s.requires)
          if (!seen.has(r))
            ctx.addIssue({ code: 'custom', path: ['steps', i, 'requires'], message: `"${r}" is not an earlier step of this window` });
        seen.add(s.id);
      });
    });
}

export type WindowDef = z.output<ReturnType<typeof windowSchema>>;
export type Step = WindowDef['steps'][number];
export type CheckSpec = Step['checks'][number] & Record<string, unknown>;
