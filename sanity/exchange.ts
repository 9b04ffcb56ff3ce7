// One HTTPS request to an address:port with a chosen FQDN as Host and TLS server name: timings per phase,
// the peer certificate, a capped body, and every error turned into a failure naming what it was waiting for.
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import type { ProbeFailure } from '../core/probe.ts';
import type { Trust } from './trust.ts';
import { type ConnWatch, type PeerCert, originOf, plainConnector, watchingConnector } from './connector.ts';
import { failureFromError, timeoutFailure, type ErrorContext } from './net-errors.ts';
import { deadline } from './limit.ts';
import { timerMs } from '../core/deadline.ts';

export { connectPort, originOf, watchingConnector, type PeerCert } from './connector.ts';

export const DEFAULT_MAX_BODY = 256 * 1024;

export interface ExchangeSpec {
  /** Who answers, for messages: "IC-Web3" or the balancer's name. */
  label: string;
  address: string;
  port: number;
  /** FQDN sent as Host and used as TLS server name (the certificate must cover it). */
  hostname: string;
  /** 'http' only for a backend declared plain HTTP in the config (never a fallback); default https. */
  scheme?: 'https' | 'http';
  path: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  maxBodyBytes?: number;
  /** This request's deadline (also enforced here, on top of `signal`) and the figure the timeout message gives. */
  timeoutMs?: number;
}

export interface Timing {
  connectMs?: number;
  tlsMs?: number;
  /** Request sent → response headers (time to first byte, server processing). */
  processingMs?: number;
  transferMs?: number;
  totalMs: number;
  reusedConnection: boolean;
}

export interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  truncated: boolean;
  timing: Timing;
  cert?: PeerCert;
}

export type ExchangeOutcome = { ok: true; response: Response } | { ok: false; failure: ProbeFailure; errorCode?: string; timing: Timing };

const ms = (a?: number, b?: number) => (a !== undefined && b !== undefined ? Math.round((b - a) * 10) / 10 : undefined);

/** A response as either transport hands it back: the body read up to the cap. */
interface Got {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  truncated: boolean;
  headersAt: number;
}

/** Repeated headers as an array (as undici gives them), a single one as its string: never joined or dropped. */
function distinct(res: IncomingMessage): Got['headers'] {
  const out: Got['headers'] = {};
  for (const [name, values] of Object.entries(res.headersDistinct)) out[name] = values && values.length === 1 ? values[0] : values;
  return out;
}

const requestHeaders = (spec: ExchangeSpec): Record<string, string> => ({
  host: spec.hostname,
  ...(spec.body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
  ...spec.headers,
});

/**
 * The one-shot request: node:http over one connection of our own (`Connection: close`, never pooled), its body
 * read by events up to `cap`. Node's native HTTP parser and no async iterator cost about a fifth less CPU a probe
 * than a one-shot undici Client (npm run bench:sanity).
 */
function oneShot(spec: ExchangeSpec, connect: Connector, callerSignal: AbortSignal, watch: ConnWatch, held: Held): Promise<Got> {
  const cap = spec.maxBodyBytes ?? DEFAULT_MAX_BODY;
  return new Promise<Got>((resolve, reject) => {
    const req = httpRequest(
      {
        host: spec.address,
        port: spec.port,
        method: spec.method ?? 'GET',
        path: spec.path,
        headers: requestHeaders(spec),
        // The connector's own error (refused, TLS) settles the request here, whether or not http has taken the socket.
        createConnection: () =>
          connect({ hostname: spec.address, port: String(spec.port), protocol: `${spec.scheme ?? 'https'}:` }, (err) => {
            if (err) reject(err);
          }),
      },
      (res) => {
        const headersAt = performance.now();
        watch.stage = 'body';
        const chunks: Buffer[] = [];
        let size = 0;
        const finish = (truncated: boolean) =>
          resolve({
            status: res.statusCode ?? 0,
            headers: distinct(res),
            body: Buffer.concat(chunks).toString('utf8'),
            truncated,
            headersAt,
          });
        res.on('data', (chunk: Buffer) => {
          if (size + chunk.length > cap) {
            chunks.push(chunk.subarray(0, cap - size));
            finish(true);
            req.destroy(); // we read at most `cap` bytes
            return;
          }
          chunks.push(chunk);
          size += chunk.length;
        });
        res.once('end', () => finish(false));
        res.once('error', reject);
      },
    );
    held.req = req;
    req.once('error', reject);
    // The deadline: one timer and the caller's signal, no controller of its own (this runs for every probe).
    const stop = (timedOut: boolean) => {
      held.timedOut ||= timedOut;
      reject(new Error('deadline'));
      req.destroy(); // also before http has taken the socket: http destroys it on seeing the request destroyed
    };
    const onAbort = () => stop(false);
    const timer = spec.timeoutMs ? setTimeout(stop, timerMs(spec.timeoutMs), true) : undefined;
    callerSignal.addEventListener('abort', onAbort, { once: true });
    req.once('close', () => {
      clearTimeout(timer);
      callerSignal.removeEventListener('abort', onAbort);
    });
    if (callerSignal.aborted) onAbort();
    req.end(spec.body);
  });
}

/** A request on a keep-alive undici pool the caller holds (the pool probe's many samples through one balancer). */
async function pooled(spec: ExchangeSpec, dispatcher: Dispatcher, origin: string, signal: AbortSignal, watch: ConnWatch): Promise<Got> {
  const res = await dispatcher.request({
    origin,
    path: spec.path,
    method: spec.method ?? 'GET',
    headers: requestHeaders(spec),
    ...(spec.body !== undefined ? { body: spec.body } : {}),
    signal,
    // The signal is the deadline; undici's own timers stay out of the way.
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  const headersAt = performance.now();
  watch.stage = 'body';
  const cap = spec.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    if (size + chunk.length > cap) {
      chunks.push(chunk.subarray(0, cap - size));
      truncated = true;
      break; // leaving the loop destroys the rest of the body: we read at most `cap` bytes
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return { status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), truncated, headersAt };
}

type Connector = ReturnType<typeof plainConnector>;
/** The one-shot request, for closing it whatever happened; timedOut once its own deadline fired. */
interface Held {
  req?: ClientRequest;
  timedOut?: boolean;
}

/**
 * Sends one request. With `dispatcher` (a keep-alive undici pool a probe holds for many requests) connection timings
 * are not known; without it a one-shot connection is opened and closed, and connect/TLS times and the cert are
 * reported.
 */
export async function exchange(
  spec: ExchangeSpec,
  trust: Trust,
  callerSignal: AbortSignal,
  dispatcher?: Dispatcher,
): Promise<ExchangeOutcome> {
  const started = performance.now();
  // A pooled request needs a signal for undici; the one-shot request keeps its own timer (see oneShot).
  const limit = dispatcher && spec.timeoutMs ? deadline(callerSignal, spec.timeoutMs) : undefined;
  const signal = limit?.signal ?? callerSignal;
  const watch: ConnWatch = { stage: dispatcher ? 'headers' : 'connect', startedAt: started };
  const ctx: ErrorContext = { label: spec.label, address: spec.address, port: spec.port, hostname: spec.hostname, stage: watch.stage };
  const held: Held = {};
  let headersAt: number | undefined;
  const timing = (): Timing => {
    const end = performance.now();
    return {
      ...(watch.connectedAt !== undefined ? { connectMs: ms(watch.startedAt, watch.connectedAt) } : {}),
      ...(watch.secureAt !== undefined ? { tlsMs: ms(watch.connectedAt, watch.secureAt) } : {}),
      ...(headersAt !== undefined ? { processingMs: ms(watch.secureAt ?? started, headersAt) } : {}),
      ...(headersAt !== undefined ? { transferMs: ms(headersAt, end) } : {}),
      totalMs: ms(started, end) ?? 0,
      reusedConnection: Boolean(dispatcher),
    };
  };
  try {
    if (signal.aborted) throw signal.reason;
    let got: Got;
    if (dispatcher) got = await pooled(spec, dispatcher, originOf(spec.address, spec.port, spec.scheme), signal, watch);
    else {
      // No connection timer of its own: the request's deadline destroys the connection it waits for.
      const connect: Connector =
        spec.scheme === 'http' ? plainConnector(0, watch) : (watchingConnector(trust, spec.hostname, 0, watch) as unknown as Connector);
      got = await oneShot(spec, connect, callerSignal, watch, held);
    }
    headersAt = got.headersAt;
    return {
      ok: true,
      response: {
        status: got.status,
        headers: got.headers,
        body: got.body,
        truncated: got.truncated,
        timing: timing(),
        ...(watch.cert ? { cert: watch.cert } : {}),
      },
    };
  } catch (err) {
    ctx.stage = watch.stage;
    if (signal.aborted || held.timedOut)
      return { ok: false, failure: timeoutFailure(ctx, spec.timeoutMs ?? performance.now() - started), timing: timing() };
    // node:http says ECONNRESET ("socket hang up", "aborted") also when the server merely closed (FIN): say which.
    const cause = watch.peerEnded && (err as NodeJS.ErrnoException)?.code === 'ECONNRESET' ? { code: 'PEER_CLOSED' } : err;
    const failure = failureFromError(cause, ctx);
    if (!failure) {
      const message = `harness error while asking ${spec.label} for ${spec.scheme ?? 'https'}://${spec.hostname}${spec.path}: ${err instanceof Error ? err.message : String(err)}`;
      return { ok: false, failure: { layer: 'harness', code: 'HARNESS_ERROR', message }, timing: timing() };
    }
    const { errorCode, ...rest } = failure;
    return { ok: false, failure: rest, errorCode, timing: timing() };
  } finally {
    limit?.clear();
    held.req?.destroy(); // a one-shot connection is closed whatever happened
  }
}

/** A header as one string (first value when repeated). */
export function header(res: Response, name: string): string | undefined {
  const v = res.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
