// The CheckResult and summary contract (docs/contracts.md): what every runner writes and every reporter reads.
import { z } from 'zod';

/** A registered check kind's id (kinds.ts); the registry, not this schema, says which ids exist. */
export const CheckKind = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'a check kind id');
export type CheckKind = z.infer<typeof CheckKind>;

/** The group of kinds `--only=` selects (sanity, dns, k6, e2e), declared by each kind. */
export const Family = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/);
export type Family = z.infer<typeof Family>;

export const Severity = z.enum(['critical', 'major', 'minor']);
export type Severity = z.infer<typeof Severity>;

export const Status = z.enum(['passed', 'failed', 'broken', 'skipped']);
export type Status = z.infer<typeof Status>;

export const Target = z.strictObject({
  host: z.string().optional(),
  server: z.string().optional(),
  resolver: z.string().optional(),
  nameserver: z.string().optional(),
  record: z.string().optional(),
});
export type Target = z.infer<typeof Target>;

export const CheckResult = z.strictObject({
  id: z.string().min(1),
  kind: CheckKind,
  title: z.string(),
  target: Target,
  severity: Severity,
  status: Status,
  attempts: z.number().int().nonnegative(),
  flaky: z.boolean(),
  startedAt: z.string(),
  durationMs: z.number().nonnegative(),
  message: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type CheckResult = z.infer<typeof CheckResult>;

export const Verdict = z.enum(['go', 'no-go', 'inconclusive']);
export type Verdict = z.infer<typeof Verdict>;

export const Counts = z.strictObject({
  passed: z.number().int(),
  failed: z.number().int(),
  broken: z.number().int(),
  skipped: z.number().int(),
});
export type Counts = z.infer<typeof Counts>;

export const Summary = z.strictObject({
  window: z.string(),
  phase: z.string(),
  env: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  verdict: Verdict,
  action: z.string().nullable(),
  /** Extension: the action's executable step (what --apply performs), when it has one. */
  operation: z.strictObject({ op: z.string(), turn: z.enum(['on', 'off']), hosts: z.array(z.string()) }).optional(),
  reasons: z.array(z.string()),
  counts: Counts,
  checks: z.array(CheckResult),
  /** Extension: ids the plan expected, so `npm run gate` can replay "missing counts as broken". */
  planned: z.array(z.string()).optional(),
  /** Extension: non-critical failed or broken checks, which did not drive the verdict. */
  warnings: z.array(z.string()).optional(),
  /** Extension: set when the run ended early (Ctrl-C, crash) and the summary is partial. */
  interrupted: z.boolean().optional(),
  /** Extension: the run checked only some families (--only); it never satisfies a later step's requirement. */
  partial: z.strictObject({ only: z.array(z.string()) }).optional(),
  /** Extension: families the environment declares out of scope, never planned (not partial: the run can be go). */
  outOfScope: z.strictObject({ env: z.string(), families: z.array(z.string()) }).optional(),
  /** Extension: the baseline run (the window's pre-maintenance) failures were compared with. */
  baseline: z.string().optional(),
  /** Extension: what --apply did, the re-check of what it affected, and the verdict after it. */
  applied: z
    .strictObject({
      operation: z.strictObject({ op: z.string(), turn: z.enum(['on', 'off']), hosts: z.array(z.string()) }),
      by: z.string(),
      ok: z.boolean(),
      detail: z.string(),
      recheck: z.strictObject({ verdict: Verdict, reasons: z.array(z.string()), checks: z.array(CheckResult) }).optional(),
      verdict: Verdict,
    })
    .optional(),
});
export type Summary = z.infer<typeof Summary>;

export function countStatuses(checks: readonly CheckResult[]): Counts {
  const counts: Counts = { passed: 0, failed: 0, broken: 0, skipped: 0 };
  for (const c of checks) counts[c.status] += 1;
  return counts;
}
