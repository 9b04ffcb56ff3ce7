// The maintenance page through the gateway, per host: up where the phase says it is (status, Retry-After, marker),
// gone everywhere else (200 with the host's own marker) — and never on a host it does not cover (www2).
import { broken, failed, passed, type Probe } from '../core/probe.ts';
import type { Endpoint, ResolvedHost } from '../estate/model.ts';
import { exchange, header } from './exchange.ts';
import type { Trust } from './trust.ts';

export interface MaintenanceTarget {
  gateway: Endpoint & { identityHeader: string };
  host: Pick<ResolvedHost, 'key' | 'name' | 'marker' | 'path' | 'maintenancePage'>;
  /** The phase expects the page up on this host. */
  expectedOn: boolean;
}

export interface MaintenanceOptions {
  trust: Trust;
  maintenance: { status: number; marker: string };
  timeoutMs: number;
}

export const maintenanceProbe: Probe<MaintenanceTarget, MaintenanceOptions> = async ({ gateway, host, expectedOn }, options, signal) => {
  const { status: pageStatus, marker: pageMarker } = options.maintenance;
  const out = await exchange(
    {
      label: `${gateway.name} (for ${host.name})`,
      address: gateway.address,
      port: gateway.port,
      hostname: host.name,
      path: host.path,
      timeoutMs: options.timeoutMs,
    },
    options.trust,
    signal,
  );
  if (!out.ok) {
    const details = {
      host: host.name,
      gateway: gateway.name,
      expectedOn,
      timing: out.timing,
      ...(out.errorCode ? { errorCode: out.errorCode } : {}),
    };
    return out.failure.layer === 'harness' ? broken(out.failure.code, out.failure.message, details) : failed(out.failure, details);
  }
  const res = out.response;
  const retryAfter = header(res, 'retry-after');
  const servedBy = header(res, gateway.identityHeader);
  const pageShown = res.body.includes(pageMarker);
  const details = {
    host: host.name,
    gateway: gateway.name,
    expectedOn,
    status: res.status,
    retryAfter,
    servedBy,
    maintenanceMarker: pageShown,
    timing: res.timing,
  };
  const got = `${res.status}${pageShown ? ` "${pageMarker}"` : ''}${servedBy ? ` from ${servedBy}` : ''}`;

  if (expectedOn) {
    const missing: string[] = [];
    if (res.status !== pageStatus) missing.push(`status ${res.status} instead of ${pageStatus}`);
    if (!retryAfter) missing.push('no Retry-After header');
    if (!pageShown) missing.push(`no "${pageMarker}" text`);
    if (!missing.length) return passed(details, `maintenance page is up on ${host.name} (${res.status}, Retry-After ${retryAfter})`);
    const absent = !pageShown && res.status !== pageStatus;
    const message = absent
      ? `maintenance page is not served on ${host.name}: it answered ${got} through ${gateway.name}`
      : `maintenance page on ${host.name} is incomplete: ${missing.join(', ')}`;
    return failed({ layer: 'assertion', code: absent ? 'MAINTENANCE_PAGE_MISSING' : 'MAINTENANCE_PAGE_INCOMPLETE', message }, details);
  }

  if (pageShown || (res.status === pageStatus && retryAfter)) {
    const message = host.maintenancePage
      ? `maintenance page still served on ${host.name} (${got})`
      : `${host.name} is behind the maintenance page (${got}): ${host.key} must keep serving during the window`;
    return failed({ layer: 'assertion', code: 'MAINTENANCE_PAGE_STILL_UP', message }, details);
  }
  if (res.status !== 200 || !res.body.includes(host.marker)) {
    const message = `${host.name} answered ${got} through ${gateway.name}${res.status === 200 ? ` without "${host.marker}"` : ''} (expected 200 with "${host.marker}", no maintenance page)`;
    return failed({ layer: 'http', code: res.status !== 200 ? 'HTTP_STATUS' : 'CONTENT_MARKER_MISSING', message }, details);
  }
  return passed(
    details,
    host.maintenancePage
      ? `maintenance page is down on ${host.name}: 200 with "${host.marker}"`
      : `${host.key} still serving: 200 with "${host.marker}", not behind the maintenance page`,
  );
};
