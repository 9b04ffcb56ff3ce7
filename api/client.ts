// One request to a control-plane API: https through the sanity exchange (verified against the system roots plus
// the estate's CA), or plain http to a loopback fake. The reply's JSON is parsed; failures are data with codes.
import { performance } from 'node:perf_hooks';
import { request } from 'undici';
import { broken, failed, type ProbeFailure, type ProbeResult } from '../core/probe.ts';
import { exchange } from '../sanity/exchange.ts';
import { deadline } from '../sanity/limit.ts';
import { failureFromError, timeoutFailure, type ErrorContext } from '../sanity/net-errors.ts';
import type { Trust } from '../sanity/trust.ts';
import { urlProblem } from './endpoint.ts';

export interface ApiRequest {
  /** Who answers, for messages: "Opsgenie", "K8s aks-prd-1". */
  label: string;
  url: URL;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  trust: Trust;
  maxBodyBytes?: number;
}

export type ApiReply =
  | { ok: true; status: number; body: string; json: unknown; jsonError?: string; ms: number }
  | { ok: false; failure: ProbeFailure };

const MAX_BODY = 1024 * 1024;

function parsed(status: number, body: string, ms: number): ApiReply {
  if (!body.trim()) return { ok: true, status, body, json: undefined, jsonError: 'empty body', ms };
  try {
    return { ok: true, status, body, json: JSON.parse(body) as unknown, ms };
  } catch (err) {
    return { ok: true, status, body, json: undefined, jsonError: (err as Error).message, ms };
  }
}

export async function callApi(req: ApiRequest, signal: AbortSignal): Promise<ApiReply> {
  const problem = urlProblem(req.url);
  if (problem) return { ok: false, failure: { layer: 'harness', code: 'API_URL_REFUSED', message: `${req.label}: ${problem}` } };
  const host = req.url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(req.url.port || (req.url.protocol === 'https:' ? 443 : 80));
  const path = `${req.url.pathname}${req.url.search}`;
  const started = performance.now();
  if (req.url.protocol === 'https:') {
    const out = await exchange(
      {
        label: req.label,
        address: host,
        port,
        hostname: host,
        path,
        method: req.method ?? 'GET',
        headers: { accept: 'application/json', ...req.headers },
        ...(req.body !== undefined ? { body: req.body } : {}),
        timeoutMs: req.timeoutMs,
        maxBodyBytes: req.maxBodyBytes ?? MAX_BODY,
      },
      req.trust,
      signal,
    );
    if (!out.ok) return { ok: false, failure: out.failure };
    return parsed(out.response.status, out.response.body, Math.round(performance.now() - started));
  }
  const limit = deadline(signal, req.timeoutMs);
  const ctx: ErrorContext = { label: req.label, address: host, port, hostname: host, stage: 'connect' };
  try {
    const res = await request(req.url, {
      method: req.method ?? 'GET',
      headers: { accept: 'application/json', ...req.headers },
      ...(req.body !== undefined ? { body: req.body } : {}),
      signal: limit.signal,
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    ctx.stage = 'body';
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > (req.maxBodyBytes ?? MAX_BODY)) break;
      chunks.push(chunk);
    }
    return parsed(res.statusCode, Buffer.concat(chunks).toString('utf8'), Math.round(performance.now() - started));
  } catch (err) {
    if (limit.signal.aborted) return { ok: false, failure: timeoutFailure(ctx, req.timeoutMs) };
    const f = failureFromError(err, ctx);
    if (!f) return { ok: false, failure: { layer: 'harness', code: 'HARNESS_ERROR', message: `${req.label}: ${String(err)}` } };
    const { errorCode: _e, ...failure } = f;
    return { ok: false, failure };
  } finally {
    limit.clear();
  }
}

/** The common HTTP failures of an API reply: auth refused, not found, any other status outside `ok`. */
export function statusFailure(
  label: string,
  what: string,
  reply: { status: number; body: string },
  ok: readonly number[],
  quoteBody = true,
): ProbeFailure | undefined {
  if (ok.includes(reply.status)) return undefined;
  const said = quoteBody ? reply.body.replace(/\s+/g, ' ').trim().slice(0, 160) : '';
  if (reply.status === 401 || reply.status === 403)
    return {
      layer: 'http',
      code: 'API_AUTH_REJECTED',
      message: `${label} refused our credentials (${reply.status}) for ${what}: check the token or key the window names${said ? ` (${said})` : ''}`,
    };
  return {
    layer: 'http',
    code: reply.status === 404 ? 'API_NOT_FOUND' : 'API_STATUS',
    message: `${label} answered ${reply.status} for ${what}, expected ${ok.join(' or ')}${said ? ` (${said})` : ''}`,
  };
}

/** A failed call as a result: the harness's own trouble (a refused URL, an uncoded error) is broken, never failed. */
export function unreachable(f: ProbeFailure, details?: Record<string, unknown>): ProbeResult {
  return f.layer === 'harness' ? broken(f.code, f.message, details) : failed(f, details);
}
