// The contract between the harness (Node) and the k6 scripts (k6 runtime): the environment a script reads,
// and the names of its checks and thresholds. Imported by both sides, so it uses neither Node nor k6 APIs.

export const SCRIPT_NAMES = ['connection-sanity', 'smoke-load', 'backend-sweep'] as const;
export type ScriptName = (typeof SCRIPT_NAMES)[number];

/** JSON of K6RunPlan: everything a script needs (targets, thresholds, load) comes from here, never from the script. */
export const PLAN_ENV = 'HARNESS_K6';
/** Where handleSummary writes the summary JSON; absent (k6-operator runners) → summary on stdout only. */
export const SUMMARY_ENV = 'HARNESS_SUMMARY';

export interface K6Target {
  /** Host key: www, www2, my, sso. */
  key: string;
  /** FQDN the request goes to; Host header and TLS server name are this name. */
  name: string;
  path: string;
  /** Text the page must contain. */
  marker: string;
  expectStatus: number;
  /** address:port this name is pinned to through k6's `hosts` option; absent → normal DNS. */
  address?: string;
}

export interface K6RunPlan {
  script: ScriptName;
  targets: K6Target[];
  /** backend-sweep: the web server every response must name in the identity header. */
  server?: string;
  identityHeader: string;
  /** k6 thresholds, metric → expressions, exactly as set in `options.thresholds`. */
  thresholds: Record<string, string[]>;
  /** gracefulStop: how long iterations in flight may finish after `duration` (absent → requestTimeout, never k6's 30 s). */
  load: { vus: number; duration: string; pauseMs: number; requestTimeout: string; gracefulStop?: string };
}

/** Counter each harness script adds 1 to when an iteration starts: k6 keeps nothing of an iteration it cuts off. */
export const STARTED_METRIC = 'harness_iterations_started';

/** error_code values the scripts expose as `http_reqs{error_code:N}` (k6 summarises only sub-metrics with thresholds). */
export const WATCHED_ERROR_CODES = [1000, 1050, 1101, 1211, 1212, 1220, 1300, 1310, 1311, 1500, 1502, 1503, 1504] as const;

/** k6 error codes (DNS 11xx, TCP 12xx, timeout 1050, 1010, 1020) whose request never reached a TLS handshake. */
export function failedBeforeTls(errorCode: number): boolean {
  return errorCode === 1010 || errorCode === 1020 || errorCode === 1050 || (errorCode >= 1100 && errorCode < 1300);
}

export function isScriptName(s: string): s is ScriptName {
  return (SCRIPT_NAMES as readonly string[]).includes(s);
}

const fail = (why: string): never => {
  throw new Error(`${PLAN_ENV} is invalid: ${why} (the harness sets it; run through npm run smoke or the operator manifests)`);
};

/** Validates the plan a script receives; a bad plan stops the script in init (k6 exit 107) with this message. */
export function parseRunPlan(raw: string | undefined, script: ScriptName): K6RunPlan {
  if (!raw) return fail('not set');
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (e) {
    return fail(`not JSON (${String(e)})`);
  }
  const p = v as Partial<K6RunPlan>;
  if (typeof p !== 'object' || p === null) return fail('not an object');
  if (p.script !== script) fail(`script is ${String(p.script)}, expected ${script}`);
  if (!Array.isArray(p.targets) || p.targets.length === 0) fail('targets must be a non-empty array');
  for (const t of p.targets ?? []) {
    if (
      !t ||
      typeof t.name !== 'string' ||
      typeof t.key !== 'string' ||
      typeof t.path !== 'string' ||
      typeof t.marker !== 'string' ||
      typeof t.expectStatus !== 'number'
    )
      fail(`target ${JSON.stringify(t)} needs key, name, path, marker, expectStatus`);
    if (t.address !== undefined && !/^(\[[0-9A-Fa-f:.]+\]|[^\s:[\]]+):\d{1,5}$/.test(t.address))
      fail(`target ${t.name}: address must be host:port, got ${t.address}`);
  }
  if (script === 'connection-sanity' && p.targets?.length !== 1) fail('connection-sanity checks exactly one host');
  if (script === 'backend-sweep' && !p.server) fail('backend-sweep needs server');
  if (typeof p.identityHeader !== 'string') fail('identityHeader must be a string');
  if (typeof p.thresholds !== 'object' || p.thresholds === null) fail('thresholds must be an object');
  const l = p.load;
  if (
    !l ||
    typeof l.vus !== 'number' ||
    typeof l.duration !== 'string' ||
    typeof l.pauseMs !== 'number' ||
    typeof l.requestTimeout !== 'string'
  )
    fail('load needs vus, duration, pauseMs, requestTimeout');
  if (l?.gracefulStop !== undefined && typeof l.gracefulStop !== 'string') fail('load.gracefulStop must be a k6 duration');
  for (const t of p.targets ?? []) {
    // k6 never looks a `hosts` value up: a name there dials 0.0.0.0 (k6 v1.3.0, lib/types/hosts.go). Only addresses.
    const host = t.address?.replace(/^\[|\]?:\d+$/g, '');
    if (host !== undefined && !/^(\d{1,3}(\.\d{1,3}){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$/.test(host))
      fail(`target ${t.name}: address must be an IP address and port (k6 does not resolve names in hosts), got ${t.address}`);
  }
  return p as K6RunPlan;
}

/** The names of the k6 checks a script makes for one target; one-host scripts drop the host prefix. */
export function checkNamesFor(plan: Pick<K6RunPlan, 'script' | 'targets' | 'server'>, target: K6Target) {
  const prefix = plan.script === 'connection-sanity' ? '' : `${target.key} `;
  return {
    status: `${prefix}status is ${target.expectStatus}`,
    marker: `${prefix}page has marker`,
    servedBy: plan.server ? `${prefix}served by ${plan.server}` : `${prefix}served by a web server`,
    tls: `${prefix}TLS 1.2 or newer`,
  };
}

export function allCheckNames(plan: Pick<K6RunPlan, 'script' | 'targets' | 'server'>): string[] {
  return plan.targets.flatMap((t) => Object.values(checkNamesFor(plan, t)));
}

/** One id part per threshold: the metric when it has one expression, metric + expression when several. */
export function thresholdKeys(thresholds: Record<string, readonly string[]>): { metric: string; expression: string; key: string }[] {
  return Object.entries(thresholds).flatMap(([metric, exprs]) =>
    exprs.map((expression) => ({ metric, expression, key: exprs.length > 1 ? `${metric}:${expression}` : metric })),
  );
}

/** The part of k6's handleSummary data the harness reads. */
export interface K6SummaryData {
  metrics: Record<
    string,
    { type: string; contains?: string; values: Record<string, number>; thresholds?: Record<string, { ok: boolean }> }
  >;
  root_group: K6Group;
  state?: { testRunDurationMs?: number };
}
export interface K6Group {
  name: string;
  path: string;
  groups: K6Group[];
  checks: { name: string; path: string; passes: number; fails: number }[];
}
