// Upper bounds, with their reasons, on the numbers the dns, k6 and e2e sections let a user set without one; checked
// on the whole config so every section is bounded in one place (the family schemas keep their own lower bounds).
import type { z } from 'zod';
import { isHostName } from './fields.ts';

interface Limit {
  path: (string | number)[];
  max: number;
  why: string;
}

/** Reads a number at a path of the parsed config (undefined when absent). */
function at(config: unknown, path: readonly (string | number)[]): unknown {
  let v: unknown = config;
  for (const p of path) v = v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[p] : undefined;
  return v;
}

const K6_SCRIPTS = ['connection-sanity', 'smoke-load', 'backend-sweep'];
const SIX_HOURS_MS = 21_600_000;

function limits(): Limit[] {
  const scripts = K6_SCRIPTS.flatMap((s): Limit[] => [
    { path: ['k6', 'scripts', s, 'pauseMs'], max: 60_000, why: 'a pause over a minute per iteration is not a steady probe' },
    { path: ['k6', 'scripts', s, 'thresholds', 'p95Ms'], max: 600_000, why: 'a p95 over 10 minutes cannot fail within a request timeout' },
  ]);
  return [
    { path: ['dns', 'ttlMaxSeconds'], max: 604_800, why: 'a week; a TTL ceiling above it cannot speed a move up' },
    { path: ['dns', 'resolverSample'], max: 500, why: 'each sample is a query to every resolver; more floods them' },
    { path: ['dns', 'transport', 'udpTryTimeoutMs'], max: 30_000, why: 'a UDP try longer than 30 s is a lost datagram' },
    { path: ['k6', 'thresholds', 'p95Ms'], max: 600_000, why: 'a p95 over 10 minutes cannot fail within a request timeout' },
    { path: ['k6', 'lab', 'maxVus'], max: 50, why: 'the lab runs on the operator machine; more VUs measure the machine' },
    { path: ['e2e', 'testTimeoutMs'], max: 3_600_000, why: 'a smoke test running an hour is hung, not slow' },
    { path: ['e2e', 'expectTimeoutMs'], max: 600_000, why: 'a wait of 10 minutes for one element is a hang' },
    ...scripts,
  ];
}

/** k6 durations (30s, 1h30m, 500ms) in milliseconds; undefined when it does not parse. */
export function durationMs(text: string): number | undefined {
  const unit: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
  const parts = [...text.matchAll(/(\d+)(ms|s|m|h)/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== text) return undefined;
  return parts.reduce((sum, p) => sum + Number(p[1]) * (unit[p[2] ?? ''] ?? Number.NaN), 0);
}

function durations(config: unknown): { path: (string | number)[]; value: unknown }[] {
  const out = K6_SCRIPTS.flatMap((s) =>
    ['duration', 'requestTimeout', 'gracefulStop'].map((f) => ({
      path: ['k6', 'scripts', s, f],
      value: at(config, ['k6', 'scripts', s, f]),
    })),
  );
  for (const f of ['duration', 'gracefulStop']) out.push({ path: ['k6', 'lab', f], value: at(config, ['k6', 'lab', f]) });
  return out;
}

/** Adds one issue per number above its bound, per k6 duration over 6 hours, and per bad DNS zone name or repeated resolver. */
export function checkLimits(config: unknown, ctx: z.RefinementCtx): void {
  for (const l of limits()) {
    const v = at(config, l.path);
    if (typeof v === 'number' && v > l.max)
      ctx.addIssue({ code: 'custom', path: l.path, message: `at most ${l.max}: ${l.why} (got ${v})` });
  }
  for (const d of durations(config)) {
    if (typeof d.value !== 'string') continue;
    const ms = durationMs(d.value);
    if (ms !== undefined && ms > SIX_HOURS_MS)
      ctx.addIssue({ code: 'custom', path: d.path, message: `at most 6h: a k6 run longer than the maintenance window (got ${d.value})` });
  }
  const zone = at(config, ['dns', 'zone']);
  if (typeof zone === 'string' && !isHostName(zone))
    ctx.addIssue({ code: 'custom', path: ['dns', 'zone'], message: 'a zone such as invoicecloud.com: no scheme, path or trailing dot' });
  const resolvers = at(config, ['dns', 'resolvers']);
  if (Array.isArray(resolvers)) {
    const seen = new Set<string>();
    resolvers.forEach((r: { name?: unknown }, i) => {
      const name = typeof r?.name === 'string' ? r.name.toLowerCase() : undefined;
      if (name === undefined) return;
      if (seen.has(name))
        ctx.addIssue({
          code: 'custom',
          path: ['dns', 'resolvers', i, 'name'],
          message: `resolver "${r.name}" is already named; names must be unique`,
        });
      seen.add(name);
    });
  }
}
