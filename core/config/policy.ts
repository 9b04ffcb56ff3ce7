// How strict the harness is: severity per check kind, timeouts, retries, budgets.
import { z } from 'zod';
import { Severity } from '../result.ts';

const Ms = z.number().int().positive();

export const PolicyConfig = z.strictObject({
  /** Fallback severity per check kind id (kinds.ts) for checks a window leaves unmarked; unknown ids are refused at load. */
  severity: z.record(z.string(), Severity).default({}),
  timeouts: z
    .strictObject({
      /** Per HTTP/TCP probe; a server slower than this fails with TIMEOUT. */
      probeMs: Ms.default(5_000),
      dnsMs: Ms.default(2_000),
      k6Ms: Ms.default(600_000),
      e2eMs: Ms.default(900_000),
    })
    .default({ probeMs: 5_000, dnsMs: 2_000, k6Ms: 600_000, e2eMs: 900_000 }),
  /** Extra attempts for dns/tcp-layer failures only; a pass after a retry marks the check flaky. */
  retries: z.number().int().min(0).max(5).default(2),
  retryBackoffMs: Ms.default(200),
  concurrency: z.number().int().min(1).max(256).default(16),
  latencyBudgetMs: Ms.default(1_500),
  tlsExpiryWarningDays: z.number().int().min(0).default(14),
  /** Requests sent through a balancer to see every pool member (at least 3 per expected member is sensible). */
  poolSamplesPerMember: z.number().int().min(1).default(4),
});
export type PolicyConfig = z.infer<typeof PolicyConfig>;
