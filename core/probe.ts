// The probe contract: one probe per module, `(target, options, signal) => Promise<ProbeResult>`.
// A down target is data (a failed ProbeResult), never an exception; the runner owns timeouts, retries, timing.

/** The layer a failure happened at; dns and tcp failures are the only ones the runner retries. */
export type Layer = 'dns' | 'tcp' | 'tls' | 'http' | 'assertion' | 'harness';

export interface ProbeFailure {
  layer: Layer;
  /** Stable, machine-readable: TCP_CONNECT_REFUSED, TLS_CERT_EXPIRED, HTTP_STATUS, TIMEOUT … taken from err.code. */
  code: string;
  /** In words an on-call engineer acts on; names the server / host and the cause. */
  message: string;
}

export interface ProbeResult {
  /** passed: checked and right; failed: checked and wrong; broken: could not be checked. */
  status: 'passed' | 'failed' | 'broken';
  message?: string;
  failure?: ProbeFailure;
  details?: Record<string, unknown>;
}

export type Probe<T, O> = (target: T, options: O, signal: AbortSignal) => Promise<ProbeResult>;

export const RETRYABLE_LAYERS: ReadonlySet<Layer> = new Set(['dns', 'tcp']);

export function passed(details?: Record<string, unknown>, message?: string): ProbeResult {
  return { status: 'passed', ...(message ? { message } : {}), ...(details ? { details } : {}) };
}

export function failed(failure: ProbeFailure, details?: Record<string, unknown>): ProbeResult {
  return { status: 'failed', message: failure.message, failure, ...(details ? { details } : {}) };
}

export function broken(code: string, message: string, details?: Record<string, unknown>): ProbeResult {
  return { status: 'broken', message, failure: { layer: 'harness', code, message }, ...(details ? { details } : {}) };
}
