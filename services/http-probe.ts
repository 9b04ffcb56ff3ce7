// HTTP health of a non-web server: GET a path straight to the server's address, https verified against the
// estate's trust for the name its certificate covers (or plain http to a loopback address), status as expected.
import { failed, passed, type Probe } from '../core/probe.ts';
import type { ServiceEndpoint } from '../estate/model.ts';
import { callApi, unreachable } from '../api/client.ts';
import { exchange } from '../sanity/exchange.ts';
import type { Trust } from '../sanity/trust.ts';

export interface HealthOptions {
  scheme: 'https' | 'http';
  path: string;
  status: readonly number[];
  /** The name the server's certificate covers (Host and TLS name). */
  tlsName: string;
  trust: Trust;
  timeoutMs: number;
}

/** Codes: HEALTH_STATUS, TLS_*, TCP_*, TIMEOUT. */
export const healthProbe: Probe<ServiceEndpoint, HealthOptions> = async (service, o, signal) => {
  const at = `${service.name} (${service.address}:${service.port})`;
  let status: number;
  let body: string;
  if (o.scheme === 'https') {
    const out = await exchange(
      {
        label: service.name,
        address: service.address,
        port: service.port,
        hostname: o.tlsName,
        path: o.path,
        timeoutMs: o.timeoutMs,
        maxBodyBytes: 4096,
      },
      o.trust,
      signal,
    );
    if (!out.ok) return failed(out.failure);
    ({ status, body } = out.response);
  } else {
    const reply = await callApi(
      {
        label: service.name,
        url: new URL(`http://${service.address}:${service.port}${o.path}`),
        timeoutMs: o.timeoutMs,
        trust: o.trust,
        maxBodyBytes: 4096,
      },
      signal,
    );
    if (!reply.ok) return unreachable(reply.failure);
    ({ status, body } = reply);
  }
  const details = { address: `${service.address}:${service.port}`, url: `${o.scheme}://${o.tlsName}${o.path}`, status };
  if (!o.status.includes(status))
    return failed(
      {
        layer: 'http',
        code: 'HEALTH_STATUS',
        message: `${at} answered ${status} at ${o.path}, expected ${o.status.join(' or ')}: ${body.replace(/\s+/g, ' ').trim().slice(0, 120) || 'no body'}`,
      },
      details,
    );
  return passed(details, `${service.name} is healthy (${status} at ${o.path})`);
};
