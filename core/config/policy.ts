// How strict the harness is: severity per check kind, timeouts, retries, budgets. Every number has an upper bound,
// with its reason: derived deadlines (a probe time × requests) must stay far under Node's 2^31 ms timer limit.
import { z } from 'zod';
import { Severity } from '../result.ts';
import { boundedMs } from './fields.ts';

export const PolicyConfig = z.strictObject({
  /** Fallback severity per check kind id (kinds.ts) for checks a window leaves unmarked; unknown ids are refused at load. */
  severity: z.record(z.string(), Severity).default({}),
  timeouts: z
    .strictObject({
      /** Per HTTP/TCP probe; a server slower than this fails with TIMEOUT. Checks multiply it by their request count. */
      probeMs: boundedMs(120_000, 'a page slower than 2 minutes is down for the window, and checks multiply this').default(5_000),
      dnsMs: boundedMs(60_000, 'a DNS answer slower than a minute is a failure, not a slow answer').default(2_000),
      k6Ms: boundedMs(21_600_000, 'a k6 run of more than 6 hours outlasts the maintenance window').default(600_000),
      e2eMs: boundedMs(21_600_000, 'a browser suite of more than 6 hours outlasts the maintenance window').default(900_000),
    })
    .default({ probeMs: 5_000, dnsMs: 2_000, k6Ms: 600_000, e2eMs: 900_000 }),
  /** Extra attempts for dns/tcp-layer failures only; a pass after a retry marks the check flaky. */
  retries: z.number().int().min(0).max(5).default(2),
  /** Doubled per retry (at most 5): 60 s keeps the last wait under 16 minutes. */
  retryBackoffMs: boundedMs(60_000, 'doubled per retry, a longer first wait stalls the step').default(200),
  concurrency: z.number().int().min(1).max(256).default(16),
  latencyBudgetMs: boundedMs(120_000, 'a budget above the probe timeout could never be exceeded').default(1_500),
  tlsExpiryWarningDays: z.number().int().min(0).max(365, 'at most 365 days: certificates are issued for a year at most').default(14),
  /**
   * Requests sent through a balancer to see every pool member (at least 3 per expected member is sensible). At most 100:
   * 100 per member is already 10,000 requests through a 100-server pool; more is a load test (k6's job) and runs out of memory.
   */
  poolSamplesPerMember: z
    .number()
    .int()
    .min(1)
    .max(100, 'at most 100 requests per member: more is a load test, not a pool check')
    .default(4),
});
export type PolicyConfig = z.infer<typeof PolicyConfig>;
