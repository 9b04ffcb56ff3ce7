// Why k6's requests failed: the codes from the `status`/`error_code` sub-metrics and the Go errors of k6's
// `Request Failed` warnings, kept apart (codes are stable; the error text is quoted, never parsed for a verdict).
import type { K6LogLine } from './logs.ts';
import type { K6Summary } from './summary.ts';

/** k6's documented error_code values (k6 docs, "Error codes"); 14xx/15xx are HTTP 4xx/5xx (1000 + status). */
const K6_ERROR_CODES: Record<number, string> = {
  1000: 'generic error (k6 gives this to an expired or not yet valid certificate too)',
  1010: 'non-TCP network error',
  1020: 'invalid URL',
  1050: 'request timeout',
  1100: 'DNS error',
  1101: 'DNS: no IP for the name',
  1110: 'blacklisted IP',
  1111: 'blocked hostname',
  1200: 'TCP error',
  1201: 'broken pipe on write',
  1202: 'unknown error on write',
  1210: 'TCP dial error',
  1211: 'TCP dial timeout',
  1212: 'connection refused',
  1213: 'unknown TCP dial error',
  1220: 'connection reset by peer',
  1300: 'TLS error',
  1310: 'x509: certificate signed by unknown authority',
  1311: 'x509: certificate is not valid for the name',
};

export function errorCodeName(code: number): string {
  if (code >= 1400 && code < 1600) return `HTTP ${code - 1000}`;
  return K6_ERROR_CODES[code] ?? `k6 error_code ${code}`;
}

export interface CodeCount {
  code: number;
  name: string;
  count: number;
}
export interface RequestFailure {
  host: string;
  error: string;
  count: number;
}
export interface Causes {
  codes: CodeCount[];
  errors: RequestFailure[];
}

/** Counts per error_code from the `http_reqs{error_code:N}` sub-metrics (0 and absent mean none seen). */
export function codeCounts(summary: K6Summary | undefined): CodeCount[] {
  const out: CodeCount[] = [];
  for (const [metric, m] of Object.entries(summary?.metrics ?? {})) {
    const code = /^http_reqs\{error_code:(\d+)\}$/.exec(metric)?.[1];
    const count = m.values.count ?? 0;
    if (code && count > 0) out.push({ code: Number(code), name: errorCodeName(Number(code)), count });
  }
  return out.sort((a, b) => b.count - a.count || a.code - b.code);
}

/** k6's `Request Failed` warnings, grouped by host and error (ephemeral ports and clock times folded). */
export function requestFailures(lines: readonly K6LogLine[]): RequestFailure[] {
  const by = new Map<string, RequestFailure>();
  for (const l of lines) {
    if (l.level !== 'warning' || l.msg !== 'Request Failed' || !l.fields.error) continue;
    const m = /^[A-Za-z]+ "([^"]*)": ([\s\S]*)$/.exec(l.fields.error);
    let host = '';
    try {
      host = m ? new URL(m[1]!).hostname : '';
    } catch {
      host = ''; // a URL k6 could not parse: the error is still kept, under no host
    }
    const error = (m?.[2] ?? l.fields.error).replace(/(tcp \S+?):\d+->/g, '$1:…->').replace(/current time \S+ is/g, 'current time … is');
    const key = `${host}\n${error}`;
    const prev = by.get(key);
    if (prev) prev.count += 1;
    else by.set(key, { host, error, count: 1 });
  }
  return [...by.values()].sort((a, b) => b.count - a.count);
}

export function causesOf(summary: K6Summary | undefined, lines: readonly K6LogLine[]): Causes {
  return { codes: codeCounts(summary), errors: requestFailures(lines) };
}

/** The causes of one host (errors are per host; codes are per run) or of the whole run. */
export function forHost(c: Causes, host?: string): Causes {
  return host ? { codes: c.codes, errors: c.errors.filter((e) => e.host === host) } : c;
}

/** "k6 saw connection refused (error_code 1212) ×3; "dial tcp …: connection refused" ×3 on www.x" — empty when nothing failed. */
export function describeCauses(c: Causes): string {
  const parts = [
    ...c.codes.map((x) => `${x.name} (error_code ${x.code}) ×${x.count}`),
    ...c.errors.slice(0, 3).map((e) => `"${e.error}" ×${e.count}${e.host ? ` on ${e.host}` : ''}`),
  ];
  return parts.length ? `k6 saw ${parts.join('; ')}` : '';
}
