// k6 section of the harness config: thresholds, load per script, how hosts are reached, the install hint.
// Defaults are the lab's (short runs); production values live in config/k6.ts.
import { z } from 'zod';

const Rate = z.number().min(0).max(1);
/** k6 duration: 30s, 2m, 1h30m, 500ms. */
const Duration = z.string().regex(/^(\d+(ms|s|m|h))+$/, 'a k6 duration such as 30s, 2m or 1m30s');

export const K6Thresholds = z.strictObject({
  /** http_req_failed must stay below this rate (0.01 = 1% of requests). */
  httpReqFailedRate: Rate.default(0.01),
  /** p(95) of http_req_duration must stay below this many milliseconds. */
  p95Ms: z.number().positive().default(1_500),
  /** Share of k6 checks that must pass (1 = all). */
  checksRate: Rate.default(1),
});
export type K6Thresholds = z.infer<typeof K6Thresholds>;

export const K6ScriptConfig = z.strictObject({
  vus: z.number().int().min(1).max(1_000),
  duration: Duration,
  /** Pause at the end of each iteration, so the load stays light and steady. */
  pauseMs: z.number().int().min(0).default(500),
  requestTimeout: Duration.default('10s'),
  /** How long iterations in flight may finish after `duration` (k6's default is 30 s); absent → requestTimeout. */
  gracefulStop: Duration.optional(),
  /** Overrides of the section's thresholds for this script only. */
  thresholds: K6Thresholds.partial().default({}),
});
export type K6ScriptConfig = z.infer<typeof K6ScriptConfig>;

export const DEFAULT_INSTALL_HINT =
  'k6 is not installed: install k6 v0.52 or later (brew install k6, winget install k6, the dl.k6.io apt/rpm repository ' +
  'or a release binary; https://grafana.com/docs/k6/latest/set-up/install-k6/), then put it on PATH or set K6_BIN=/path/to/k6';

export const K6Config = z.strictObject({
  thresholds: K6Thresholds.default(K6Thresholds.parse({})),
  scripts: z
    .strictObject({
      'connection-sanity': K6ScriptConfig.default(K6ScriptConfig.parse({ vus: 1, duration: '5s', pauseMs: 200 })),
      'smoke-load': K6ScriptConfig.default(K6ScriptConfig.parse({ vus: 2, duration: '10s', pauseMs: 500 })),
      'backend-sweep': K6ScriptConfig.default(K6ScriptConfig.parse({ vus: 1, duration: '3s', pauseMs: 200 })),
    })
    .default({
      'connection-sanity': K6ScriptConfig.parse({ vus: 1, duration: '5s', pauseMs: 200 }),
      'smoke-load': K6ScriptConfig.parse({ vus: 2, duration: '10s', pauseMs: 500 }),
      'backend-sweep': K6ScriptConfig.parse({ vus: 1, duration: '3s', pauseMs: 200 }),
    }),
  /**
   * When host names are pinned to the gateway's address through k6's `hosts` option: 'lab' only against the lab
   * (its names exist nowhere else), 'always', or 'never' (real DNS: what the DNS-migration checks are about).
   */
  pinHosts: z.enum(['lab', 'always', 'never']).default('lab'),
  /** k6 processes running at once in a phase (one run's load must not skew another's latency). */
  concurrency: z.number().int().min(1).max(16).default(2),
  /** Against the lab (a simulation: its latency means nothing) every run is short: these cap what the scripts say. */
  lab: z
    .strictObject({
      duration: Duration.default('3s'),
      maxVus: z.number().int().min(1).default(2),
      concurrency: z.number().int().min(1).max(16).default(4),
      /** The lab's cap stays a cap: 3 s + this, not 3 s + k6's 30 s default graceful stop. */
      gracefulStop: Duration.default('1s'),
    })
    .default({ duration: '3s', maxVus: 2, concurrency: 4, gracefulStop: '1s' }),
  installHint: z.string().min(1).default(DEFAULT_INSTALL_HINT),
  operator: z
    .strictObject({
      image: z.string().min(1).default('grafana/k6:1.3.0'),
      namespace: z
        .string()
        .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
        .default('k6'),
    })
    .default({ image: 'grafana/k6:1.3.0', namespace: 'k6' }),
});
export type K6Config = z.infer<typeof K6Config>;
