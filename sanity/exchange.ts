// One HTTPS request to an address:port with a chosen FQDN as Host and TLS server name: timings per phase,
// the peer certificate, a capped body, and every error turned into a failure naming what it was waiting for.
import { checkServerIdentity, connect as tlsConnect, type ConnectionOptions, type PeerCertificate, type TLSSocket } from 'node:tls';
import { connect as netConnect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Client, type Dispatcher } from 'undici';
import type { ProbeFailure } from '../core/probe.ts';
import type { Trust } from './trust.ts';
import { failureFromError, timeoutFailure, type ErrorContext, type Stage } from './net-errors.ts';
import { deadline } from './limit.ts';

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

export interface PeerCert {
  subject?: string;
  issuer?: string;
  subjectAltName?: string;
  validFrom?: string;
  validTo: string;
  daysLeft: number;
  fingerprint256?: string;
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

/** What one connection reports to the request that opened it. */
interface ConnWatch {
  stage: Stage;
  startedAt: number;
  connectedAt?: number;
  secureAt?: number;
  cert?: PeerCert;
}

export function describeCert(socket: TLSSocket, now = Date.now()): PeerCert | undefined {
  return certFacts(socket.getPeerCertificate(), now);
}

function certFacts(c: PeerCertificate | undefined, now = Date.now()): PeerCert | undefined {
  if (!c?.valid_to) return undefined;
  return {
    subject: String(c.subject?.CN ?? ''),
    issuer: String(c.issuer?.CN ?? ''),
    subjectAltName: c.subjectaltname,
    ...(c.valid_from ? { validFrom: new Date(Date.parse(c.valid_from)).toISOString() } : {}),
    validTo: new Date(Date.parse(c.valid_to)).toISOString(),
    daysLeft: Math.floor((Date.parse(c.valid_to) - now) / 86_400_000),
    fingerprint256: c.fingerprint256,
  };
}

/** The verification result OpenSSL already holds when the status callback runs (null: the chain verified). */
function chainError(socket: TLSSocket): Error | null | undefined {
  return (socket as unknown as { _handle?: { verifyError?: () => Error | null } })._handle?.verifyError?.();
}

/**
 * The port undici asks for: it reports the scheme's default port as '' (an origin like https://10.0.0.5:443 is
 * normalised to https://10.0.0.5), so '' means 443 for https and 80 for http — never Number('') = 0.
 */
export function connectPort(opts: { protocol?: string; port?: string | number }): number {
  if (opts.port !== undefined && opts.port !== '') return Number(opts.port);
  return opts.protocol === 'http:' ? 80 : 443;
}

/**
 * An undici connector that verifies against `trust`, records connect / TLS times and the peer cert in `watch`,
 * and gives up after `limitMs` (undici does not abort a request that is still waiting for its connection).
 *
 * TLS settings, chosen on purpose: no `session` is ever passed and none is kept, so every connection does its own
 * full handshake with the server it reaches (a resumed session would skip the server's certificate and hide a
 * server whose own TLS setup is broken behind a ticket another server issued); the shared secureContext holds only
 * the trust, so sharing it resumes nothing. HTTP/1.1 only (what IIS and the balancers answer every probe with),
 * Nagle off (small requests go out at once). The certificate is read once per connection: Node reads it (with its
 * chain, ~0.2 ms) for its own identity check, and that read is the one reported; a second read happens only for a
 * chain that failed verification, whose socket is gone before the error reaches us.
 */
export function watchingConnector(trust: Trust, servername: string, limitMs: number, watch?: ConnWatch) {
  return (opts: { hostname: string; port: string; protocol?: string }, callback: (err: Error | null, socket: TLSSocket | null) => void) => {
    if (watch) {
      watch.stage = 'connect';
      watch.startedAt = performance.now();
    }
    let done = false;
    let seen: PeerCert | undefined;
    let verified: PeerCert | undefined;
    // requestOCSP: the status callback runs once the server's certificate has arrived and before verification can
    // destroy the socket, so an expired or untrusted certificate's dates can still be reported.
    const tlsOptions: ConnectionOptions & { requestOCSP: boolean } = {
      host: opts.hostname,
      port: connectPort(opts),
      servername,
      secureContext: trust.secureContext,
      ALPNProtocols: ['http/1.1'],
      requestOCSP: true,
      // Node's own name check, unchanged; it is handed the certificate Node has just read, which we keep.
      checkServerIdentity: (name, cert) => {
        verified = certFacts(cert);
        return checkServerIdentity(name, cert);
      },
    };
    const socket = tlsConnect(tlsOptions);
    socket.once('OCSPResponse', () => {
      // Read here only when the chain did not verify (or the result is unknown): a good chain is read by Node.
      if (chainError(socket) !== null) seen = describeCert(socket);
    });
    socket.setNoDelay(true);
    const limit = setTimeout(() => {
      const stage = socket.connecting ? 'connect' : 'TLS handshake';
      socket.destroy(
        Object.assign(new Error(`${stage} did not finish within ${limitMs} ms`), {
          code: socket.connecting ? 'UND_ERR_CONNECT_TIMEOUT' : 'TLS_HANDSHAKE_TIMEOUT',
        }),
      );
    }, limitMs);
    limit.unref();
    socket.once('close', () => clearTimeout(limit));
    socket.once('connect', () => {
      if (!watch) return;
      watch.connectedAt = performance.now();
      watch.stage = 'tls';
    });
    socket.once('secureConnect', () => {
      clearTimeout(limit);
      if (watch) {
        watch.secureAt = performance.now();
        // The certificate the status callback already read is the one just verified: one read per connection.
        watch.cert = verified ?? seen ?? describeCert(socket);
        watch.stage = 'headers';
      }
      if (!done) (done = true), callback(null, socket);
    });
    socket.on('error', (err: Error & { peer?: PeerCert }) => {
      // A chain or name error (expired, untrusted, wrong host) carries no certificate; attach the one seen so the
      // message can date it.
      if (seen ?? verified) err.peer = seen ?? verified;
      if (!done) (done = true), callback(err, null);
    });
    return socket;
  };
}

/** https://address:port (or http:// for a declared plain-HTTP backend), IPv6 literals bracketed. */
export function originOf(address: string, port: number, scheme: 'https' | 'http' = 'https'): string {
  return `${scheme}://${address.includes(':') ? `[${address}]` : address}:${port}`;
}

/** A plain TCP connector for a backend the config declares plain HTTP: connect time recorded, same deadline. */
export function plainConnector(limitMs: number, watch?: ConnWatch) {
  return (opts: { hostname: string; port: string; protocol?: string }, callback: (err: Error | null, socket: Socket | null) => void) => {
    if (watch) {
      watch.stage = 'connect';
      watch.startedAt = performance.now();
    }
    let done = false;
    const socket = netConnect({ host: opts.hostname, port: connectPort(opts) });
    socket.setNoDelay(true);
    const limit = setTimeout(
      () => socket.destroy(Object.assign(new Error(`connect did not finish within ${limitMs} ms`), { code: 'UND_ERR_CONNECT_TIMEOUT' })),
      limitMs,
    );
    limit.unref();
    socket.once('close', () => clearTimeout(limit));
    socket.once('connect', () => {
      clearTimeout(limit);
      if (watch) {
        watch.connectedAt = performance.now();
        watch.stage = 'headers';
      }
      if (!done) (done = true), callback(null, socket);
    });
    socket.on('error', (err) => {
      if (!done) (done = true), callback(err, null);
    });
    return socket;
  };
}

const ms = (a?: number, b?: number) => (a !== undefined && b !== undefined ? Math.round((b - a) * 10) / 10 : undefined);

/**
 * Sends one request. With `dispatcher` (a keep-alive pool a probe holds for many requests) connection timings are
 * not known; without it a one-shot connection is opened and closed, and connect/TLS times and the cert are reported.
 */
export async function exchange(
  spec: ExchangeSpec,
  trust: Trust,
  callerSignal: AbortSignal,
  dispatcher?: Dispatcher,
): Promise<ExchangeOutcome> {
  const started = performance.now();
  const limit = spec.timeoutMs ? deadline(callerSignal, spec.timeoutMs) : undefined;
  const signal = limit?.signal ?? callerSignal;
  const watch: ConnWatch = { stage: dispatcher ? 'headers' : 'connect', startedAt: started };
  const origin = originOf(spec.address, spec.port, spec.scheme);
  const connect =
    spec.scheme === 'http'
      ? plainConnector(spec.timeoutMs ?? 30_000, watch)
      : watchingConnector(trust, spec.hostname, spec.timeoutMs ?? 30_000, watch);
  const own = dispatcher ? undefined : new Client(origin, { connect: connect as never, pipelining: 1 });
  // A request still waiting for its connection ignores the signal: closing the one-shot client ends the wait.
  const onAbort = () => void own?.destroy().catch(() => undefined);
  if (own) signal.addEventListener('abort', onAbort, { once: true });
  const ctx: ErrorContext = { label: spec.label, address: spec.address, port: spec.port, hostname: spec.hostname, stage: watch.stage };
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
    const res = await (dispatcher ?? own!).request({
      origin,
      path: spec.path,
      method: spec.method ?? 'GET',
      headers: {
        host: spec.hostname,
        ...(spec.body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        ...spec.headers,
      },
      ...(spec.body !== undefined ? { body: spec.body } : {}),
      signal,
      // The signal is the deadline; undici's own timers stay out of the way.
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    headersAt = performance.now();
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
    return {
      ok: true,
      response: {
        status: res.statusCode,
        headers: res.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        truncated,
        timing: timing(),
        ...(watch.cert ? { cert: watch.cert } : {}),
      },
    };
  } catch (err) {
    ctx.stage = watch.stage;
    if (signal.aborted) return { ok: false, failure: timeoutFailure(ctx, spec.timeoutMs ?? performance.now() - started), timing: timing() };
    const failure = failureFromError(err, ctx);
    if (!failure) {
      const message = `harness error while asking ${spec.label} for ${spec.scheme ?? 'https'}://${spec.hostname}${spec.path}: ${err instanceof Error ? err.message : String(err)}`;
      return { ok: false, failure: { layer: 'harness', code: 'HARNESS_ERROR', message }, timing: timing() };
    }
    const { errorCode, ...rest } = failure;
    return { ok: false, failure: rest, errorCode, timing: timing() };
  } finally {
    signal.removeEventListener('abort', onAbort);
    limit?.clear();
    if (own) void own.destroy().catch(() => undefined); // a one-shot connection: close it whatever happened
  }
}

/** A header as one string (first value when repeated). */
export function header(res: Response, name: string): string | undefined {
  const v = res.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
