// Pool membership through a balancer (the Application Gateway or the ILB): enough requests for one host that
// every expected member answers at least once, counted by the identity header each backend sets.
import { Pool } from 'undici';
import { broken, failed, passed, type Probe, type ProbeFailure } from '../core/probe.ts';
import type { Endpoint, ResolvedHost } from '../estate/model.ts';
import { exchange, header, originOf, watchingConnector } from './exchange.ts';
import { deadline, mapLimited } from './limit.ts';
import type { Trust } from './trust.ts';
import { byServer, isUp, readAzureHealth } from '../azure/backend-health.ts';
import type { AzureView } from '../estate/model.ts';

export interface PoolTarget {
  /** `identities`: header value → server name, where servers send another name (IIS machine names). */
  balancer: Endpoint & {
    identityHeader: string;
    identities?: Record<string, string>;
    /** Azure's view of this pool (backend health), and the servers' addresses to map it by. */
    azure?: AzureView;
    backends?: { name: string; address: string }[];
  };
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
  // Azure's own view of the same pool, where the environment names the resource: both views must agree.
  const azure = balancer.azure ? await azureView(balancer, expected, callerSignal) : undefined;
  if (azure) (details as Record<string, unknown>)['azure'] = azure.details;
  const lines: string[] = [];
  if (missing.length)
    lines.push(`${missing.join(', ')} never answered through ${via} in ${total} requests${errorNote ? ` (${errorNote})` : ''}`);
  if (unexpected.length) lines.push(`${unexpected.join(', ')} answered through ${balancer.name} but should be out of its pool`);
  if (azure?.lines) lines.push(...azure.lines);
  if (lines.length)
    return failed(
      {
        layer: 'assertion',
        code: missing.length
          ? 'POOL_MEMBER_MISSING'
          : unexpected.length
            ? 'POOL_MEMBER_UNEXPECTED'
            : (azure?.code ?? 'AZURE_MEMBER_NOT_UP'),
        message: lines.join('; '),
      },
      details,
    );
  // The header view passed but Azure could not be asked: the check is not complete.
  if (azure?.broken) return broken(azure.broken.code, azure.broken.message, details);
  return passed(
    details,
    `all ${expected.length} expected members answered through ${via} (${total} requests${errorNote ? `; ${errorNote}` : ''})${azure ? `, and Azure reports them Up in ${balancer.azure!.name}'s ${balancer.azure!.kind === 'application-gateway' ? 'backend health' : `rule ${balancer.azure!.rule}`}` : ''}`,
  );
};

interface AzureOutcome {
  details: Record<string, unknown>;
  /** What Azure says is wrong, and its code. */
  lines?: string[];
  code?: string;
  /** Azure could not be asked. */
  broken?: { code: string; message: string };
}

/** Expected members must be Up in Azure's view; nothing else may be Up (or Draining) there. */
async function azureView(balancer: PoolTarget['balancer'], expected: string[], signal: AbortSignal): Promise<AzureOutcome> {
  const view = balancer.azure!;
  const read = await readAzureHealth(view, { signal });
  if (!read.ok) return { details: { error: read.code }, broken: { code: read.code, message: read.message } };
  const map = byServer(read.backends, balancer.backends ?? []);
  const where = view.kind === 'application-gateway' ? `${view.name}'s backend health` : `${view.name}'s rule ${view.rule}`;
  const lines: string[] = [];
  const down = expected.filter((n) => !isUp(map.get(n)));
  if (down.length)
    lines.push(
      `Azure does not report ${down.join(', ')} Up in ${where}: ${down
        .map((n) => {
          const entries = map.get(n);
          return entries?.length
            ? `${n} ${entries.map((e) => e.health).join('/')}${entries[0]?.why ? ` (${entries[0].why})` : ''}`
            : `${n} not in the backend pool`;
        })
        .join('; ')}`,
    );
  const extra = [...map.keys()].filter(
    (n) => !expected.includes(n) && map.get(n)!.some((b) => b.health === 'Up' || b.health === 'Draining'),
  );
  if (extra.length)
    lines.push(
      `Azure still sends traffic to ${extra.join(', ')} in ${where} (${extra.map((n) => map.get(n)![0]!.health).join(', ')}), which should be out of the pool`,
    );
  const details = {
    resource: view.name,
    kind: view.kind,
    backends: Object.fromEntries([...map].map(([n, b]) => [n, b.map((x) => x.health)])),
  };
  return lines.length ? { details, lines, code: down.length ? 'AZURE_MEMBER_NOT_UP' : 'AZURE_MEMBER_NOT_DRAINED' } : { details };
}
