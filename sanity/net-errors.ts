// Turns a network error into a probe failure by its `err.code` (never its message text), in words naming the
// server, what it was doing, and the cause.
import type { Layer, ProbeFailure } from '../core/probe.ts';

/** What the request was waiting for when it failed or the deadline hit. */
export type Stage = 'connect' | 'tls' | 'headers' | 'body';

export const STAGE_WAITING: Record<Stage, string> = {
  connect: 'accept the connection',
  tls: 'complete the TLS handshake',
  headers: 'send response headers',
  body: 'finish sending the response body',
};

const STAGE_LAYER: Record<Stage, Layer> = { connect: 'tcp', tls: 'tls', headers: 'http', body: 'http' };

/** The context of a plain connection to a named server (no Host or TLS name of its own): the services' probes. */
export function connectContext(e: { name: string; address: string; port: number }): ErrorContext {
  return { label: e.name, address: e.address, port: e.port, hostname: e.address, stage: 'connect' };
}

export interface ErrorContext {
  /** "IC-Web3", or "agw-pri-appgateway0-prd" for requests through a balancer. */
  label: string;
  address: string;
  port: number;
  /** The FQDN sent as Host and TLS server name. */
  hostname: string;
  stage: Stage;
}

interface Rule {
  layer: Layer;
  code: string;
  says: (c: ErrorContext, err: CodedError) => string;
}

interface CodedError {
  code: string;
  /** Node's ERR_TLS_CERT_ALTNAME_INVALID carries the certificate. */
  cert?: { subjectaltname?: string };
  /** The certificate the connector saw before verification failed (ISO dates). */
  peer?: { validTo?: string; validFrom?: string };
}

const at = (c: ErrorContext) => `${c.label} (${c.address}:${c.port})`;
const certOf = (c: ErrorContext) => `${c.label}'s certificate for ${c.hostname}`;
const untrusted: Rule = {
  layer: 'tls',
  code: 'TLS_CERT_UNTRUSTED',
  says: (c, e) => `${certOf(c)} is not signed by a trusted CA (${e.code})`,
};

const RULES: Record<string, Rule> = {
  ECONNREFUSED: { layer: 'tcp', code: 'TCP_CONNECT_REFUSED', says: (c) => `${at(c)} refused the connection` },
  ECONNRESET: {
    layer: 'tcp',
    code: 'TCP_CONNECTION_RESET',
    says: (c) => `${at(c)} reset the connection while we waited for it to ${STAGE_WAITING[c.stage]}`,
  },
  EPIPE: { layer: 'tcp', code: 'TCP_CONNECTION_RESET', says: (c) => `${at(c)} closed the connection while we were sending the request` },
  ETIMEDOUT: { layer: 'tcp', code: 'TCP_CONNECT_TIMEOUT', says: (c) => `${at(c)} did not accept the connection (timed out)` },
  UND_ERR_CONNECT_TIMEOUT: { layer: 'tcp', code: 'TCP_CONNECT_TIMEOUT', says: (c) => `${at(c)} did not accept the connection (timed out)` },
  EHOSTUNREACH: { layer: 'tcp', code: 'TCP_UNREACHABLE', says: (c) => `${at(c)} is unreachable (no route to host)` },
  ENETUNREACH: { layer: 'tcp', code: 'TCP_UNREACHABLE', says: (c) => `${at(c)} is unreachable (network unreachable)` },
  EADDRNOTAVAIL: { layer: 'tcp', code: 'TCP_UNREACHABLE', says: (c) => `${at(c)} cannot be reached from here (address not available)` },
  ENOTFOUND: { layer: 'dns', code: 'DNS_NOT_FOUND', says: (c) => `the address of ${c.label} (${c.address}) does not resolve` },
  EAI_AGAIN: {
    layer: 'dns',
    code: 'DNS_TEMPORARY_FAILURE',
    says: (c) => `the address of ${c.label} (${c.address}) could not be resolved right now`,
  },
  UND_ERR_SOCKET: {
    layer: 'tcp',
    code: 'TCP_CONNECTION_CLOSED',
    says: (c) => `${at(c)} closed the connection while we waited for it to ${STAGE_WAITING[c.stage]}`,
  },
  PEER_CLOSED: {
    layer: 'tcp',
    code: 'TCP_CONNECTION_CLOSED',
    says: (c) => `${at(c)} closed the connection while we waited for it to ${STAGE_WAITING[c.stage]}`,
  },
  UND_ERR_CLOSED: {
    layer: 'tcp',
    code: 'TCP_CONNECTION_CLOSED',
    says: (c) => `${at(c)} closed the connection while we waited for it to ${STAGE_WAITING[c.stage]}`,
  },
  TLS_HANDSHAKE_TIMEOUT: { layer: 'tls', code: 'TIMEOUT', says: (c) => `${c.label} did not complete the TLS handshake in time` },
  UND_ERR_HEADERS_TIMEOUT: { layer: 'http', code: 'TIMEOUT', says: (c) => `${c.label} did not send response headers in time` },
  UND_ERR_BODY_TIMEOUT: { layer: 'http', code: 'TIMEOUT', says: (c) => `${c.label} did not finish sending the response body in time` },
  UND_ERR_RESPONSE_EXCEEDED: {
    layer: 'http',
    code: 'HTTP_RESPONSE_TOO_LARGE',
    says: (c) => `${c.label} sent a response larger than allowed`,
  },
  CERT_HAS_EXPIRED: {
    layer: 'tls',
    code: 'TLS_CERT_EXPIRED',
    says: (c, e) => `${certOf(c)} ${e.peer?.validTo ? `expired on ${e.peer.validTo}` : 'has expired'}`,
  },
  CERT_NOT_YET_VALID: {
    layer: 'tls',
    code: 'TLS_CERT_NOT_YET_VALID',
    says: (c, e) => `${certOf(c)} is not valid yet${e.peer?.validFrom ? ` (from ${e.peer.validFrom})` : ''}`,
  },
  ERR_TLS_CERT_ALTNAME_INVALID: {
    layer: 'tls',
    code: 'TLS_CERT_NAME_MISMATCH',
    says: (c, e) =>
      `${c.label} served a certificate that does not cover ${c.hostname}${e.cert?.subjectaltname ? ` (it covers ${e.cert.subjectaltname})` : ''}`,
  },
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: untrusted,
  UNABLE_TO_GET_ISSUER_CERT: untrusted,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: untrusted,
  SELF_SIGNED_CERT_IN_CHAIN: untrusted,
  DEPTH_ZERO_SELF_SIGNED_CERT: untrusted,
  CERT_SIGNATURE_FAILURE: untrusted,
  CERT_REVOKED: { layer: 'tls', code: 'TLS_CERT_REVOKED', says: (c) => `${certOf(c)} is revoked` },
};

function codeOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; cause?: unknown };
  if (typeof e.code === 'string') return e.code;
  return codeOf(e.cause);
}

/** A failure for an error that carries a code; undefined for an uncoded error (a harness bug, reported broken). */
export function failureFromError(err: unknown, c: ErrorContext): (ProbeFailure & { errorCode: string }) | undefined {
  const code = codeOf(err);
  if (!code) return undefined;
  const coded = { ...(err as object), code } as CodedError;
  const rule = RULES[code];
  if (rule) return { layer: rule.layer, code: rule.code, message: rule.says(c, coded), errorCode: code };
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || c.stage === 'tls') {
    return {
      layer: 'tls',
      code: 'TLS_HANDSHAKE_FAILED',
      message: `${c.label} failed the TLS handshake for ${c.hostname} (${code})`,
      errorCode: code,
    };
  }
  if (code.startsWith('HPE_'))
    return { layer: 'http', code: 'HTTP_PROTOCOL_ERROR', message: `${c.label} sent a malformed HTTP response (${code})`, errorCode: code };
  return {
    layer: STAGE_LAYER[c.stage],
    code,
    message: `${c.label} failed while we waited for it to ${STAGE_WAITING[c.stage]} (${code})`,
    errorCode: code,
  };
}

/** The deadline hit: say what we were still waiting for. */
export function timeoutFailure(c: ErrorContext, afterMs: number): ProbeFailure {
  return {
    layer: STAGE_LAYER[c.stage],
    code: 'TIMEOUT',
    message: `${c.label} did not ${STAGE_WAITING[c.stage]} within ${Math.round(afterMs)} ms`,
  };
}
