// Direct HTTPS sanity of one web server for one host: status 200, the host's marker, the latency budget and the
// certificate's remaining days, with the server's FQDN as Host and TLS server name and the cert verified for it.
import { broken, failed, passed, type Probe, type ProbeFailure } from '../core/probe.ts';
import type { Endpoint, ResolvedHost } from '../estate/model.ts';
import { exchange } from './exchange.ts';
import type { Trust } from './trust.ts';

export interface HttpsTarget {
  server: Endpoint;
  host: Pick<ResolvedHost, 'name' | 'marker' | 'path'>;
}

export interface HttpsOptions {
  trust: Trust;
  latencyBudgetMs: number;
  tlsExpiryWarningDays: number;
  /** The runner's deadline behind the signal, named in a timeout message. */
  timeoutMs: number;
}

export const httpsProbe: Probe<HttpsTarget, HttpsOptions> = async ({ server, host }, options, signal) => {
  const scheme = server.scheme ?? 'https';
  const url = `${scheme}://${host.name}${host.path}`;
  const out = await exchange(
    {
      label: server.name,
      address: server.address,
      port: server.port,
      hostname: host.name,
      path: host.path,
      timeoutMs: options.timeoutMs,
      ...(server.scheme === 'http' ? { scheme: 'http' as const } : {}),
    },
    options.trust,
    signal,
  );
  if (!out.ok) {
    const details = {
      url,
      address: `${server.address}:${server.port}`,
      timing: out.timing,
      ...(out.errorCode ? { errorCode: out.errorCode } : {}),
    };
    return out.failure.layer === 'harness' ? broken(out.failure.code, out.failure.message, details) : failed(out.failure, details);
  }
  const res = out.response;
  const problems: ProbeFailure[] = [];
  if (res.status !== 200) {
    problems.push({ layer: 'http', code: 'HTTP_STATUS', message: `${server.name} answered ${res.status} for ${url} (expected 200)` });
  } else if (!res.body.includes(host.marker)) {
    problems.push({
      layer: 'assertion',
      code: 'CONTENT_MARKER_MISSING',
      message: `${server.name} answered 200 for ${url} but the page lacks "${host.marker}"${res.truncated ? ' in its first 256 KiB' : ''}`,
    });
  }
  if (res.cert && res.cert.daysLeft < options.tlsExpiryWarningDays) {
    problems.push({
      layer: 'tls',
      code: 'TLS_CERT_EXPIRING',
      message: `${server.name}'s certificate for ${host.name} expires on ${res.cert.validTo} (${res.cert.daysLeft} days left, under the ${options.tlsExpiryWarningDays}-day warning)`,
    });
  }
  if (res.timing.totalMs > options.latencyBudgetMs) {
    problems.push({
      layer: 'assertion',
      code: 'LATENCY_BUDGET',
      message: `${server.name} took ${Math.round(res.timing.totalMs)} ms for ${url}, over the ${options.latencyBudgetMs} ms budget`,
    });
  }
  const details = {
    url,
    address: `${server.address}:${server.port}`,
    status: res.status,
    timing: res.timing,
    ...(res.cert ? { cert: res.cert } : {}),
    bodyBytes: Buffer.byteLength(res.body),
    truncated: res.truncated,
  };
  const [first, ...more] = problems;
  if (!first) return passed(details, `${server.name} served ${url}: 200 with "${host.marker}" in ${Math.round(res.timing.totalMs)} ms`);
  return failed({ ...first, message: [first, ...more].map((p) => p.message).join('; ') }, { ...details, problems });
};
