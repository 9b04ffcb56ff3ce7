// The declarative HTTP API check (kind `api`): method, endpoint + path, auth from the environment, expected
// status and JSON assertions, all in the window file. Used for alerting on again (Opsgenie/JSM), the K8s
// clusters (PLAT-1987) and the jobs restarted after the window. Result id `api:<name>`.
import { z } from 'zod';
import type { HarnessConfig } from '../core/config/schema.ts';
import { defineKind, type PlanContext } from '../core/kind.ts';
import { failed, passed, type Probe } from '../core/probe.ts';
import { brokenTask, type CheckTask } from '../core/task.ts';
import type { ResolvedEstate } from '../estate/model.ts';
import { createTrust, type Trust } from '../sanity/trust.ts';
import { Assertion, check } from './assert.ts';
import { callApi, statusFailure, unreachable } from './client.ts';
import { Auth, authHeaders, endpointUrl } from './endpoint.ts';

type Ctx = PlanContext<HarnessConfig, ResolvedEstate>;

export const ApiParams = z.strictObject({
  /** Result id suffix: api:<name>. */
  name: z.string().regex(/^[a-z0-9][a-z0-9:._-]{0,79}$/, 'lower-case letters, digits and : . _ -'),
  title: z.string().min(1).max(200),
  /** Lab API name / environments.<env>.addresses key holding the base URL: opsgenie, k8s:aks-prd-1 … */
  endpoint: z.string().min(1).max(100),
  /** Who answers, in messages (Opsgenie, K8s aks-prd-1); the endpoint name when absent. */
  label: z.string().min(1).max(80).optional(),
  method: z.enum(['GET', 'POST']).default('GET'),
  path: z.string().startsWith('/'),
  query: z.record(z.string(), z.string()).default({}),
  /** JSON request body (POST). */
  body: z.unknown().optional(),
  auth: Auth.default({ scheme: 'none' }),
  expect: z
    .strictObject({
      status: z.array(z.number().int().min(100).max(599)).min(1).default([200]),
      json: z.array(Assertion).default([]),
    })
    .default({ status: [200], json: [] }),
  /** Values of this API are secret: messages never quote them or the body. */
  sensitive: z.boolean().default(false),
  timeoutMs: z.number().int().positive().max(120_000).optional(),
  /** Outside the lab: the API's https port when it is not 443 (a K8s API server on 6443). */
  port: z.number().int().min(1).max(65_535).default(443),
});
export type ApiParams = z.output<typeof ApiParams>;

export interface ApiTarget {
  url: URL;
  headers: Record<string, string>;
  label: string;
  spec: ApiParams;
}

/** One declarative API call and its assertions; codes: API_STATUS, API_AUTH_REJECTED, API_NOT_FOUND, API_BODY_NOT_JSON, API_ASSERTION. */
export const apiProbe: Probe<ApiTarget, { trust: Trust; timeoutMs: number }> = async (t, options, signal) => {
  const { spec } = t;
  const what = `${spec.method} ${t.url.pathname}`;
  const body = spec.body === undefined ? undefined : JSON.stringify(spec.body);
  const reply = await callApi(
    {
      label: t.label,
      url: t.url,
      method: spec.method,
      headers: { ...t.headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body } : {}),
      timeoutMs: options.timeoutMs,
      trust: options.trust,
    },
    signal,
  );
  if (!reply.ok) return unreachable(reply.failure, { endpoint: spec.endpoint, request: what });
  const details = { endpoint: spec.endpoint, request: what, status: reply.status, ms: reply.ms };
  const bad = statusFailure(t.label, what, reply, spec.expect.status, !spec.sensitive);
  if (bad) return failed(bad, details);
  if (spec.expect.json.length && reply.json === undefined)
    return failed(
      {
        layer: 'http',
        code: 'API_BODY_NOT_JSON',
        message: `${t.label} answered ${what} with a body that is not JSON (${reply.jsonError})`,
      },
      details,
    );
  const problems = spec.expect.json.flatMap((a) => check(reply.json, a, spec.sensitive));
  if (problems.length)
    return failed(
      { layer: 'assertion', code: 'API_ASSERTION', message: `${spec.title}: ${problems.join('; ')} (${t.label} ${what})` },
      details,
    );
  return passed(
    details,
    `${spec.title}: ${t.label} ${what} → ${reply.status}${spec.expect.json.length ? `, ${spec.expect.json.length} assertion(s) hold` : ''}`,
  );
};

export const apiKind = defineKind({
  id: 'api',
  family: 'api',
  summary: 'a declarative HTTP API call (alerting, K8s, jobs …): status and JSON assertions, auth from the environment',
  params: ApiParams,
  severity: 'critical',
  plan: (ctx: Ctx, p, severity): CheckTask[] => {
    const { estate, config } = ctx;
    const timeoutMs = p.timeoutMs ?? config.policy.timeouts.probeMs;
    const label = p.label ?? p.endpoint;
    const base = { id: `api:${p.name}`, kind: 'api', family: 'api', severity, title: p.title, target: { server: label } };
    const url = endpointUrl(config, estate, p.endpoint, p.port);
    if (!url.ok) return [brokenTask(base, url.gap)];
    const headers = authHeaders(estate, p.auth);
    if (!headers.ok) return [brokenTask(base, headers.gap)];
    const full = new URL(p.path.replace(/^\//, ''), url.value.href.endsWith('/') ? url.value : new URL(`${url.value.href}/`));
    for (const [k, v] of Object.entries(p.query)) full.searchParams.set(k, v);
    const trust = createTrust(estate.ca);
    return [
      {
        ...base,
        type: 'check',
        timeoutMs,
        retries: config.policy.retries,
        run: (signal) => apiProbe({ url: full, headers: headers.value, label, spec: p }, { trust, timeoutMs }, signal),
      },
    ];
  },
});
