// Posts the run's summary to the routed Slack channels; a down Slack is an outcome to record, never a crash.
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { IncomingWebhook, IncomingWebhookHTTPError, IncomingWebhookRequestError } from '@slack/webhook';
import type { FetchFunction } from '@slack/webhook';
import { z } from 'zod';
import type { RunView } from './run-folder.ts';
import { scrubSecrets } from './secrets.ts';
import { buildOperationsMessage, buildSlackMessage } from './slack-message.ts';
import type { MessageLinks, SlackMessage } from './slack-message.ts';
import { type Audience, routeFor } from './slack-routing.ts';
import type { SlackChannelConfig } from '../core/config/estate.ts';
import { UsageError } from '../core/errors.ts';
import { isLoopback } from '../dns/cidr.ts';

export const ChannelOutcome = z.strictObject({
  channel: z.string(),
  webhookEnv: z.string().nullable(),
  outcome: z.enum(['posted', 'failed', 'not-set', 'not-configured']),
  attempts: z.number().int().nonnegative(),
  /** Why it was not posted, in words; never contains the webhook URL. */
  detail: z.string(),
});
export type ChannelOutcome = z.infer<typeof ChannelOutcome>;

export const SlackReport = z.strictObject({
  attemptedAt: z.string(),
  phase: z.string(),
  verdict: z.string(),
  /** True when at least one channel got the message and none failed (unset webhooks are listed, not failures). */
  ok: z.boolean(),
  channels: z.array(ChannelOutcome),
  text: z.string(),
});
export type SlackReport = z.infer<typeof SlackReport>;

export interface SlackOptions extends MessageLinks {
  channels: readonly z.input<typeof SlackChannelConfig>[];
  /** Where webhook URLs are read from (process.env in the CLI). */
  env: Readonly<Record<string, string | undefined>>;
  /** Per attempt; Slack answers in well under a second when it is up. */
  timeoutMs?: number;
  /** Retries after the first attempt, for 5xx and network errors only. */
  retries?: number;
  minBackoffMs?: number;
}

/**
 * A webhook URL must parse and be https, unless its host is a loopback address (the lab's receiver); a lab run
 * posts only to loopback, whatever the scheme. Loopback is a parsed IP (127.0.0.0/8, ::1), never a name or a prefix:
 * http://127.0.0.1.attacker.example/ is a name somewhere else.
 */
export function webhookUrlProblem(url: string, envName: string, env: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `${envName} is not a valid URL (expected https://hooks.slack.com/services/…)`;
  }
  const local = isLoopback(parsed.hostname);
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && local))
    return `${envName} must be an https:// URL (plain http is accepted only for a loopback address such as 127.0.0.1)`;
  if (env === 'lab' && !local) return `${envName} points off this machine; a lab run posts only to a loopback address (127.0.0.1, [::1])`;
  return null;
}

/** --report-url becomes a link in the message: an http(s) URL only, never javascript: or text that breaks the markup. */
export function checkReportUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--report-url=${url}: not a URL; pass where the report is published, e.g. https://reports.example/run/index.html`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new UsageError(`--report-url=${url}: must be an http:// or https:// URL, got ${parsed.protocol}`);
  return parsed.href;
}

const MAX_RATE_LIMITED = 3;
const MAX_RETRY_AFTER_S = 30;

function describeError(err: unknown, timeoutMs: number): string {
  if (err instanceof IncomingWebhookHTTPError) {
    const body = err.body.trim().slice(0, 200);
    const redirect = err.statusCode >= 300 && err.statusCode < 400 ? '; redirects are not followed' : '';
    return `Slack answered HTTP ${err.statusCode}${body ? ` (${body})` : ''}${redirect}`;
  }
  if (err instanceof IncomingWebhookRequestError) {
    const original = err.original as Error & { cause?: { code?: string } };
    if (original.name === 'TimeoutError' || original.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
    const code = original.cause?.code;
    if (code === 'ECONNREFUSED') return 'connection refused (ECONNREFUSED)';
    if (code) return `network error ${code}`;
    return `request error: ${original.message}`;
  }
  return `unexpected error: ${err instanceof Error ? err.message : String(err)}`;
}

async function postOne(url: string, message: SlackMessage, opts: SlackOptions): Promise<{ ok: boolean; attempts: number; detail: string }> {
  let attempts = 0;
  const timeoutMs = opts.timeoutMs ?? 5_000;
  // counts attempts across the library's own retries
  // A webhook never redirects: a 3xx is reported as the answer, never followed (it could lead off the machine).
  let retryAfterS = 0;
  const countingFetch: FetchFunction = async (input, init) => {
    attempts += 1;
    const res = await globalThis.fetch(input, { ...init, redirect: 'manual' });
    if (res.status === 429) retryAfterS = Math.min(MAX_RETRY_AFTER_S, Math.max(1, Number(res.headers.get('retry-after')) || 1));
    return res;
  };
  const webhook = new IncomingWebhook(url, {
    timeout: timeoutMs,
    fetch: countingFetch,
    retryConfig: { retries: opts.retries ?? 2, factor: 2, minTimeout: opts.minBackoffMs ?? 250, maxTimeout: 2_000, randomize: false },
  });
  try {
    // Slack's rate limit (429) says when to come back (Retry-After): wait that long, a few times, within a bound.
    for (let limited = 0; ; limited += 1) {
      try {
        await webhook.send(message);
        break;
      } catch (err) {
        if (!(err instanceof IncomingWebhookHTTPError && err.statusCode === 429) || limited >= MAX_RATE_LIMITED) throw err;
        await new Promise((r) => setTimeout(r, retryAfterS * 1_000));
      }
    }
    return { ok: true, attempts, detail: 'posted' };
  } catch (err) {
    return {
      ok: false,
      attempts,
      detail: `post failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${describeError(err, timeoutMs)}`,
    };
  }
}

/** Posts to every routed channel whose webhook env var is set; outcomes carry no URL (scrubbed defensively). */
export async function postSlackSummary(run: RunView, opts: SlackOptions): Promise<SlackReport> {
  if (opts.reportUrl !== undefined) opts = { ...opts, reportUrl: checkReportUrl(opts.reportUrl) };
  const routed = routeFor(run, opts.channels);
  // every configured URL is a secret, including ones a result might have quoted: none is posted or stored
  const secrets = opts.channels.map((c) => opts.env[c.webhookEnv]?.trim()).filter((u): u is string => Boolean(u));
  // Each channel gets the words its audience reads: plain causes for operations, details for engineers.
  const messageFor = (audience: Audience, say?: string) =>
    JSON.parse(
      scrubSecrets(
        JSON.stringify(audience === 'operations' ? buildOperationsMessage(run, opts, say) : buildSlackMessage(run, opts, say)),
        secrets,
      ),
    ) as SlackMessage;
  const message = messageFor('engineering');
  const channels = await Promise.all(
    routed.map(async (ch): Promise<ChannelOutcome> => {
      if (!ch.configured) {
        return {
          channel: ch.name,
          webhookEnv: null,
          outcome: 'not-configured',
          attempts: 0,
          detail: `not posted: ${ch.name} is not in estate.slack.channels of the config`,
        };
      }
      const url = opts.env[ch.webhookEnv]?.trim();
      if (!url)
        return {
          channel: ch.name,
          webhookEnv: ch.webhookEnv,
          outcome: 'not-set',
          attempts: 0,
          detail: `not posted: ${ch.webhookEnv} not set`,
        };
      const problem = webhookUrlProblem(url, ch.webhookEnv, run.env);
      if (problem) return { channel: ch.name, webhookEnv: ch.webhookEnv, outcome: 'failed', attempts: 0, detail: `not posted: ${problem}` };
      const result = await postOne(url, messageFor(ch.audience, ch.say), opts);
      return {
        channel: ch.name,
        webhookEnv: ch.webhookEnv,
        outcome: result.ok ? 'posted' : 'failed',
        attempts: result.attempts,
        detail: result.detail,
      };
    }),
  );
  const scrubbed = channels.map((c) => ({ ...c, detail: scrubSecrets(c.detail, secrets) }));
  return {
    attemptedAt: new Date().toISOString(),
    phase: run.phase,
    verdict: run.verdict,
    ok: scrubbed.some((c) => c.outcome === 'posted') && !scrubbed.some((c) => c.outcome === 'failed'),
    channels: scrubbed,
    text: message.text,
  };
}

/** Writes DIR/slack.json atomically (temporary name, then rename). */
export async function writeSlackReport(dir: string, report: SlackReport): Promise<string> {
  const path = join(dir, 'slack.json');
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(report, null, 2) + '\n', 'utf8');
  await rename(tmp, path);
  return path;
}
