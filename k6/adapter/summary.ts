// The summary k6 hands to handleSummary (our scripts write it to a file): validated before it is believed.
import { z } from 'zod';
import type { K6Group } from '../contract.ts';

const Metric = z.object({
  type: z.enum(['counter', 'gauge', 'rate', 'trend']),
  contains: z.string().optional(),
  values: z.record(z.string(), z.number()),
  thresholds: z.record(z.string(), z.object({ ok: z.boolean() })).optional(),
});

const Check = z.object({
  name: z.string(),
  path: z.string(),
  passes: z.number().int().nonnegative(),
  fails: z.number().int().nonnegative(),
});
const Group: z.ZodType<K6Group> = z.lazy(() =>
  z.object({ name: z.string(), path: z.string(), groups: z.array(Group), checks: z.array(Check) }),
);

// Not strict: k6 adds fields between releases (options, state …); only these are read.
export const K6Summary = z.object({
  metrics: z.record(z.string(), Metric),
  root_group: Group,
  state: z.object({ testRunDurationMs: z.number().optional() }).optional(),
});
export type K6Summary = z.infer<typeof K6Summary>;

export type SummaryRead = { ok: true; summary: K6Summary } | { ok: false; reason: string };

export function parseSummary(text: string | undefined, file: string): SummaryRead {
  if (text === undefined) return { ok: false, reason: `k6 wrote no summary to ${file}` };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, reason: `the summary ${file} is not JSON: ${(e as Error).message}` };
  }
  const parsed = K6Summary.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      reason: `the summary ${file} is not a k6 summary: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'unknown shape'}`,
    };
  }
  return { ok: true, summary: parsed.data };
}

export function allChecks(g: K6Group): K6Group['checks'] {
  return [...g.checks, ...g.groups.flatMap(allChecks)];
}
