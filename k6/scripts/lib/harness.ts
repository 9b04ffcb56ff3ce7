// What every harness k6 script shares: reading the plan from the environment, building options from it,
// checking one response, writing the summary the harness adapter reads, and the exports of a script that does only that.
import http from 'k6/http';
import type { RefinedResponse, ResponseType } from 'k6/http';
import { check, sleep } from 'k6';
import { Counter } from 'k6/metrics';
import type { Options } from 'k6/options';
import {
  PLAN_ENV,
  STARTED_METRIC,
  SUMMARY_ENV,
  WATCHED_ERROR_CODES,
  checkNamesFor,
  failedBeforeTls,
  parseRunPlan,
} from '../../contract.ts';
import type { K6RunPlan, K6SummaryData, K6Target, ScriptName } from '../../contract.ts';

export function readPlan(script: ScriptName): K6RunPlan {
  return parseRunPlan(__ENV[PLAN_ENV], script);
}

/**
 * Options come only from the plan: thresholds, load, and `hosts` pins (IP addresses: the harness resolved them)
 * so Host and TLS server name stay the FQDN. gracefulStop is set, never k6's 30 s default; `count` in the trend
 * stats tells an empty metric from a measured one; the error_code sub-metrics (`count>=0`, never crossed) exist
 * only so the summary carries the causes.
 */
export function optionsFor(plan: K6RunPlan): Options {
  const hosts: Record<string, string> = {};
  for (const t of plan.targets) if (t.address) hosts[t.name] = t.address;
  const observe = Object.fromEntries(WATCHED_ERROR_CODES.map((c) => [`http_reqs{error_code:${c}}`, ['count>=0']]));
  return {
    scenarios: {
      [plan.script]: {
        executor: 'constant-vus',
        vus: plan.load.vus,
        duration: plan.load.duration,
        gracefulStop: plan.load.gracefulStop ?? plan.load.requestTimeout,
      },
    },
    thresholds: { ...observe, ...plan.thresholds },
    hosts,
    summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count'],
    tags: { script: plan.script },
  };
}

function header(r: RefinedResponse<ResponseType | undefined>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(r.headers)) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

/** One GET of the target's page, and the checks whose names the harness expects (contract.ts). */
export function probeTarget(plan: K6RunPlan, t: K6Target): void {
  const url = `https://${t.name}${t.path}`;
  // A host that must answer with the maintenance page (503): that answer is the expected one, so it is neither
  // an http_req_failed nor left out of the expected_response:true latency.
  const expected =
    t.expectStatus < 200 || t.expectStatus > 399 ? { responseCallback: http.expectedStatuses({ min: 200, max: 399 }, t.expectStatus) } : {};
  const r = http.get(url, { tags: { host: t.key, name: url }, timeout: plan.load.requestTimeout, ...expected });
  const names = checkNamesFor(plan, t);
  const body = typeof r.body === 'string' ? r.body : '';
  const servedBy = header(r, plan.identityHeader);
  const checks: Record<string, (x: typeof r) => boolean> = {
    [names.status]: (x) => x.status === t.expectStatus,
    [names.marker]: () => body.includes(t.marker),
    [names.servedBy]: () => (plan.server ? servedBy === plan.server : Boolean(servedBy)),
  };
  // A request refused or timed out before TLS says nothing about TLS: no sample (the harness names the cause).
  if (!failedBeforeTls(r.error_code)) checks[names.tls] = (x) => x.tls_version === http.TLS_1_2 || x.tls_version === http.TLS_1_3;
  check(r, checks, { host: t.key });
}

export function pause(plan: K6RunPlan): void {
  if (plan.load.pauseMs > 0) sleep(plan.load.pauseMs / 1000);
}

function line(data: K6SummaryData): string {
  const out: string[] = [];
  for (const [metric, m] of Object.entries(data.metrics)) {
    for (const [expr, t] of Object.entries(m.thresholds ?? {})) out.push(`${t.ok ? 'ok     ' : 'CROSSED'} ${metric} ${expr}`);
  }
  const walk = (g: K6SummaryData['root_group']): void => {
    for (const c of g.checks) out.push(`${c.fails === 0 ? 'ok     ' : 'FAILED '} check "${c.name}" ${c.passes} passed, ${c.fails} failed`);
    g.groups.forEach(walk);
  };
  walk(data.root_group);
  return out.join('\n') + '\n';
}

/** handleSummary: the JSON for the harness (when it asked for a file) and a short text on stdout. */
export function summaryOutput(data: K6SummaryData): Record<string, string> {
  const out: Record<string, string> = { stdout: line(data) };
  const file = __ENV[SUMMARY_ENV];
  if (file) out[file] = JSON.stringify(data, null, 2);
  return out;
}

/** What a harness script exports: options from the plan, one iteration (probe every target, pause), and handleSummary. */
export interface HarnessScript {
  options: Options;
  iteration: () => void;
  handleSummary: (data: K6SummaryData) => Record<string, string>;
}

/** Reads `script`'s plan (in k6's init context) and builds the exports every harness script shares. */
export function harnessScript(script: ScriptName): HarnessScript {
  const plan = readPlan(script);
  const started = new Counter(STARTED_METRIC);
  return {
    options: optionsFor(plan),
    iteration: () => {
      started.add(1);
      for (const t of plan.targets) probeTarget(plan, t);
      pause(plan);
    },
    handleSummary: summaryOutput,
  };
}
