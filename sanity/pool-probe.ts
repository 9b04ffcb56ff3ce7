// Pool membership through a balancer (the Application Gateway or the ILB): enough requests for one host that
// every expected member answers at least once, counted by the identity header each backend sets.
import { Pool } from 'undici';
import { broken, failed, passed, type Probe, type ProbeFailure } from '../core/probe.ts';
import type { Endpoint, ResolvedHost } from '../estate/model.ts';
import { exchange, header, originOf, watchingConnector } from './exchange.ts';
import { deadline, mapLimited } from './limit.ts';
import type { Trust } from './trust.ts';

export interface PoolTarget {
  /** `identities`: header value → server name, where servers send another name (IIS machine names). */
  balancer: Endpoint & { identityHeader: string; identities?: Record<string, string> };
  host: Pick<ResolvedHost, 'name' | 'path'>;
  /** Members that must answer (the phase's expected pool). */
  expected: string[];
}

export interface PoolOptions {
  trust: Trust;
  samplesPerMember: number;
  concurrency: number;
  /** Deadline of each request; a member slower than this counts as not answering. */
  requestTimeoutMs: number;
  /** The runner's deadline for the whole check. */
  timeoutMs: number;
}

type Sample = { member?: string; status?: number; failure?: ProbeFailure; unsent?: true };

export const poolProbe: Probe<PoolTarget, PoolOptions> = async ({ balancer, host, expected }, options, callerSignal) => {
  const overall = deadline(callerSignal, options.timeoutMs);
  const signal = overall.signal;
  const total = options.samplesPerMember * Math.max(1, expected.length);
  const pool = new Pool(originOf(balancer.address, balancer.port), {
    connect: watchingConnector(options.trust, host.name, options.requestTimeoutMs) as never,
    connections: options.concurrency,
  });
  const via = `${balancer.name} for ${host.name}`;
  // The header's value as a configured name: the identity map first, then the names themselves, case ignored.
  const known = Object.entries(balancer.identities ?? {}).concat(expected.map((n) => [n, n]));
  const memberName = (value: string): string =>
    known.find(([id]) => id === value)?.[1] ?? known.find(([id]) => id.toLowerCase() === value.trim().toLowerCase())?.[1] ?? value;
  let samples: Sample[];
  try {
    samples = await mapLimited(Array.from({ length: total }), options.concurrency, async (): Promise<Sample> => {
      if (signal.aborted) return { unsent: true };
      const out = await exchange(
        {
          label: balancer.name,
          address: balancer.address,
          port: balancer.port,
          hostname: host.name,
          path: host.path,
          timeoutMs: options.requestTimeoutMs,
        },
        options.trust,
        signal,
        pool,
      );
      if (!out.ok) return { failure: out.failure };
      const value = header(out.response, balancer.identityHeader);
      return { ...(value ? { member: memberName(value) } : {}), status: out.response.status };
    });
  } finally {
    overall.clear();
    void pool.destroy();
  }
  const perMember: Record<string, { answers: number; statuses: Record<string, number> }> = {};
  const errors: Record<string, { count: number; example: string }> = {};
  let anonymous = 0;
  const harness = samples.find((s) => s.failure?.layer === 'harness')?.failure;
  if (harness) return broken(harness.code, harness.message);
  const sent = samples.filter((s) => !s.unsent).length;
  for (const s of samples) {
    if (s.unsent) continue;
    if (s.failure) {
      const e = (errors[s.failure.code] ??= { count: 0, example: s.failure.message });
      e.count += 1;
    } else if (!s.member) anonymous += 1;
    else {
      const m = (perMember[s.member] ??= { answers: 0, statuses: {} });
      m.answers += 1;
      m.statuses[String(s.status)] = (m.statuses[String(s.status)] ?? 0) + 1;
    }
  }
  const seen = Object.keys(perMember);
  const missing = expected.filter((m) => !perMember[m]);
  const unexpected = seen.filter((m) => !expected.includes(m));
  const details = {
    balancer: balancer.name,
    host: host.name,
    requests: total,
    sent,
    expected,
    perMember,
    missing,
    unexpected,
    withoutIdentity: anonymous,
    errors,
  };
  const errorNote = Object.entries(errors)
    .map(([code, e]) => `${e.count} of ${total} requests failed with ${code} (${e.example})`)
    .join('; ');
  if (signal.aborted && missing.length) {
    const message = `the pool check through ${via} ran out of time (${options.timeoutMs} ms) after ${sent} of ${total} requests; not seen yet: ${missing.join(', ')}${errorNote ? ` (${errorNote})` : ''}`;
    return failed({ layer: 'http', code: 'TIMEOUT', message }, details);
  }
  if (seen.length === 0) {
    const only = Object.keys(errors).length === 1 && anonymous === 0 ? samples.find((s) => s.failure)?.failure : undefined;
    // Every request failed the same way: the balancer itself is the problem (a tcp failure is retried by the runner).
    if (only) return failed({ ...only, message: `no pool member answered through ${via}: ${only.message}` }, details);
    return failed(
      {
        layer: 'http',
        code: 'POOL_NO_IDENTITY',
        message: `no response through ${via} named a member in ${balancer.identityHeader} (${anonymous} of ${total} without it${errorNote ? `; ${errorNote}` : ''})`,
      },
      details,
    );
  }
  const lines: string[] = [];
  if (missing.length)
    lines.push(`${missing.join(', ')} never answered through ${via} in ${total} requests${errorNote ? ` (${errorNote})` : ''}`);
  if (unexpected.length) lines.push(`${unexpected.join(', ')} answered through ${balancer.name} but should be out of its pool`);
  if (lines.length)
    return failed(
      { layer: 'assertion', code: missing.length ? 'POOL_MEMBER_MISSING' : 'POOL_MEMBER_UNEXPECTED', message: lines.join('; ') },
      details,
    );
  return passed(
    details,
    `all ${expected.length} expected members answered through ${via} (${total} requests${errorNote ? `; ${errorNote}` : ''})`,
  );
};
