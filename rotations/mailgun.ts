// Mailgun key rotation (kind `mailgun`): `mailgun:key` — the rotated key works against the Mailgun API;
// `mailgun:routing` — a test message sent through the configured route is delivered (Mailgun events API), the
// runbook's "test mail routing". The key is read from the environment only and never shown.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { HarnessConfig } from '../core/config/schema.ts';
import { defineKind, type PlanContext } from '../core/kind.ts';
import { failed, passed, type Probe } from '../core/probe.ts';
import { brokenTask, type CheckTask } from '../core/task.ts';
import type { ResolvedEstate } from '../estate/model.ts';
import { LAB_MAILGUN_KEY } from '../lab/apis/credentials.ts';
import { callApi, statusFailure, unreachable } from '../api/client.ts';
import { EnvName, authHeaders, endpointUrl } from '../api/endpoint.ts';
import { createTrust, type Trust } from '../sanity/trust.ts';

type Ctx = PlanContext<HarnessConfig, ResolvedEstate>;

const Params = z.strictObject({
  endpoint: z.string().min(1).default('mailgun'),
  /** Sending domain as a label under the estate's domain: mg → mg.invoicecloud.com (mg.invoicecloud.test in the lab). */
  domain: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .default('mg'),
  keyEnv: EnvName.default('MAILGUN_API_KEY'),
  checks: z
    .array(z.enum(['key', 'routing']))
    .min(1)
    .default(['key', 'routing']),
  routing: z
    .strictObject({
      /** Local part of the routed test address, under the estate's domain. */
      to: z
        .string()
        .regex(/^[a-z0-9._+-]+$/)
        .default('maintenance-routing-check'),
      from: z
        .string()
        .regex(/^[a-z0-9._+-]+$/)
        .default('maintenance-harness'),
      /** How long delivery may take before the check fails. */
      deliveryMs: z.number().int().positive().max(600_000).default(120_000),
      pollMs: z.number().int().positive().default(2_000),
    })
    .default({ to: 'maintenance-routing-check', from: 'maintenance-harness', deliveryMs: 120_000, pollMs: 2_000 }),
});

interface Target {
  base: URL;
  domain: string;
  headers: Record<string, string>;
  to: string;
  from: string;
}
interface Options {
  trust: Trust;
  requestMs: number;
  deliveryMs: number;
  pollMs: number;
  keyEnv: string;
}

const LABEL = 'Mailgun';
const url = (t: Target, path: string) => new URL(path.replace(/^\//, ''), t.base.href.endsWith('/') ? t.base : `${t.base.href}/`);

/** The key authenticates and the sending domain is active. Codes: MAILGUN_KEY_REJECTED, MAILGUN_DOMAIN_INACTIVE, API_*. */
export const mailgunKeyProbe: Probe<Target, Options> = async (t, o, signal) => {
  const reply = await callApi(
    { label: LABEL, url: url(t, `/v3/domains/${t.domain}`), headers: t.headers, timeoutMs: o.requestMs, trust: o.trust },
    signal,
  );
  if (!reply.ok) return unreachable(reply.failure);
  if (reply.status === 401 || reply.status === 403)
    return failed({
      layer: 'assertion',
      code: 'MAILGUN_KEY_REJECTED',
      message: `Mailgun refused the key in ${o.keyEnv} (${reply.status}): the new key is not active in Mailgun — finish the rotation in Mailgun, then recycle IIS so the servers pull it`,
    });
  const bad = statusFailure(LABEL, `domain ${t.domain}`, reply, [200]);
  if (bad) return failed(bad);
  const state = (reply.json as { domain?: { state?: string } } | undefined)?.domain?.state;
  if (state !== 'active')
    return failed({
      layer: 'assertion',
      code: 'MAILGUN_DOMAIN_INACTIVE',
      message: `Mailgun domain ${t.domain} is "${state ?? 'unknown'}", not active`,
    });
  return passed({ domain: t.domain, state }, `Mailgun accepts the key in ${o.keyEnv}; domain ${t.domain} is active`);
};

type Event = { event?: string; severity?: string; reason?: string; 'delivery-status'?: { code?: number; message?: string } };

/** Sends a test message to the routed address and waits for its delivered event. Codes: MAIL_DELIVERY_FAILED, MAIL_NOT_DELIVERED, API_*. */
export const mailRoutingProbe: Probe<Target, Options> = async (t, o, signal) => {
  const started = Date.now();
  const marker = randomBytes(6).toString('hex');
  const form = new URLSearchParams({
    from: `Maintenance harness <${t.from}>`,
    to: t.to,
    subject: `maintenance window mail routing check ${marker}`,
    text: 'Sent by the maintenance-window harness to check mail routing after the Mailgun key rotation.',
    'o:tag': 'maintenance-routing-check',
  }).toString();
  const sent = await callApi(
    {
      label: LABEL,
      url: url(t, `/v3/${t.domain}/messages`),
      method: 'POST',
      headers: { ...t.headers, 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
      timeoutMs: o.requestMs,
      trust: o.trust,
    },
    signal,
  );
  if (!sent.ok) return unreachable(sent.failure);
  const bad = statusFailure(LABEL, `sending to ${t.to}`, sent, [200]);
  if (bad) return failed(bad);
  const id = String((sent.json as { id?: unknown } | undefined)?.id ?? '').replace(/^<|>$/g, '');
  if (!id)
    return failed({
      layer: 'assertion',
      code: 'MAIL_NOT_QUEUED',
      message: `Mailgun accepted the test message to ${t.to} but returned no message id`,
    });
  const details = { to: t.to, messageId: id };
  let last: Event[] = [];
  while (Date.now() - started < o.deliveryMs && !signal.aborted) {
    const events = url(t, `/v3/${t.domain}/events`);
    events.searchParams.set('message-id', id);
    const r = await callApi({ label: LABEL, url: events, headers: t.headers, timeoutMs: o.requestMs, trust: o.trust }, signal);
    if (!r.ok) return unreachable(r.failure, details);
    const badEvents = statusFailure(LABEL, 'the events of the test message', r, [200]);
    if (badEvents) return failed(badEvents, details);
    last = ((r.json as { items?: Event[] } | undefined)?.items ?? []).filter((e) => typeof e === 'object' && e !== null);
    const delivered = last.find((e) => e.event === 'delivered');
    if (delivered)
      return passed({ ...details, events: last.map((e) => e.event) }, `test message to ${t.to} was delivered (${Date.now() - started} ms)`);
    const fail = last.find((e) => e.event === 'failed' && e.severity !== 'temporary');
    if (fail) {
      const ds = fail['delivery-status'];
      return failed(
        {
          layer: 'assertion',
          code: 'MAIL_DELIVERY_FAILED',
          message:
            `the test message to ${t.to} failed delivery (${ds?.code ?? '?'} ${ds?.message ?? fail.reason ?? ''}): check the Mailgun route for ${t.to}`.trim(),
        },
        { ...details, events: last.map((e) => e.event) },
      );
    }
    await new Promise((r) => setTimeout(r, o.pollMs));
  }
  return failed(
    {
      layer: 'assertion',
      code: 'MAIL_NOT_DELIVERED',
      message: `the test message to ${t.to} was not delivered within ${o.deliveryMs} ms (events: ${last.map((e) => e.event).join(', ') || 'none'}): check the route and Mailgun's logs`,
    },
    details,
  );
};

export const mailgunKind = defineKind({
  id: 'mailgun',
  family: 'rotations',
  summary: 'Mailgun key rotation: the new key works against the API; a test message through the route is delivered',
  params: Params,
  severity: 'critical',
  plan: (ctx: Ctx, p, severity): CheckTask[] => {
    const { estate, config } = ctx;
    const requestMs = config.policy.timeouts.probeMs;
    const domain = `${p.domain}.${estate.domain}`;
    const mk = (which: 'key' | 'routing') => ({
      id: `mailgun:${which}`,
      kind: 'mailgun',
      family: 'rotations',
      severity,
      title:
        which === 'key'
          ? `the rotated Mailgun key works for ${domain}`
          : `a test message to ${p.routing.to}@${estate.domain} is delivered (mail routing)`,
      target: { server: LABEL },
    });
    const base = endpointUrl(config, estate, p.endpoint);
    const headers = authHeaders(estate, { scheme: 'basic', user: 'api', env: p.keyEnv }, LAB_MAILGUN_KEY);
    return p.checks.map((which): CheckTask => {
      const task = mk(which);
      if (!base.ok) return brokenTask(task, base.gap);
      if (!headers.ok) return brokenTask(task, headers.gap);
      const t: Target = {
        base: base.value,
        domain,
        headers: headers.value,
        to: `${p.routing.to}@${estate.domain}`,
        from: `${p.routing.from}@${domain}`,
      };
      const o: Options = {
        trust: createTrust(estate.ca),
        requestMs,
        deliveryMs: p.routing.deliveryMs,
        pollMs: p.routing.pollMs,
        keyEnv: p.keyEnv,
      };
      const timeoutMs = which === 'key' ? requestMs : p.routing.deliveryMs + 2 * requestMs;
      const probe = which === 'key' ? mailgunKeyProbe : mailRoutingProbe;
      return {
        ...task,
        type: 'check',
        timeoutMs,
        retries: which === 'key' ? config.policy.retries : 0,
        run: (signal) => probe(t, o, signal),
      };
    });
  },
});
