// The k6 section of harness.config.ts (production values; the lab's come from the schema defaults).
import type { z } from 'zod';
import type { K6Config } from '../k6/config.ts';

export const k6Config: z.input<typeof K6Config> = {
  thresholds: { httpReqFailedRate: 0.01, p95Ms: 1_500, checksRate: 0.99 },
  scripts: {
    // The runbook's connection sanity on www2: a short, steady probe, not a load test.
    'connection-sanity': { vus: 2, duration: '30s', pauseMs: 1_000 },
    // Light load across www, my and sso while the window closes; far below normal traffic.
    'smoke-load': { vus: 10, duration: '2m', pauseMs: 1_000 },
    'backend-sweep': { vus: 1, duration: '15s', pauseMs: 1_000 },
  },
  // Real DNS in production (after the Cloudflare move that is exactly what must work); the lab's names are pinned.
  pinHosts: 'lab',
  // One k6 at a time: production latency thresholds must not measure our own load.
  concurrency: 1,
  operator: { image: 'grafana/k6:1.3.0', namespace: 'k6' },
};
