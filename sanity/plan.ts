// The sanity family's check kinds: direct HTTPS per server × host, pool membership through both balancers,
// the maintenance page per host and token portability. The non-web server groups are services/plan.ts.
import { z } from 'zod';
import { HostKey } from '../core/config/estate.ts';
import type { HarnessConfig } from '../core/config/schema.ts';
import { defineKind, type PlanContext } from '../core/kind.ts';
import { brokenTask, type CheckTask } from '../core/task.ts';
import type { EstateState } from '../core/window/schema.ts';
import type { Endpoint, ResolvedEstate, ResolvedHost } from '../estate/model.ts';
import { httpsProbe } from './https-probe.ts';
import { maintenanceProbe } from './maintenance-probe.ts';
import { poolProbe } from './pool-probe.ts';
import { tokenProbe } from './token-probe.ts';
import { createTrust } from './trust.ts';

type Ctx = PlanContext<HarnessConfig, ResolvedEstate>;

/** 'all', or web servers by name: a window names its batches (IC-Web1..5). */
export const Servers = z.union([z.literal('all'), z.array(z.string().min(1)).min(1).max(10_000)]).default('all');
export const Hosts = z.union([z.literal('all'), z.array(HostKey).min(1)]).default('all');

/** The named servers in estate order; a name the estate does not have is a gap, never silently skipped. */
export function selectServers(estate: ResolvedEstate, servers: z.output<typeof Servers>): { servers: Endpoint[]; unknown: string[] } {
  if (servers === 'all') return { servers: estate.webServers, unknown: [] };
  return {
    servers: estate.webServers.filter((s) => servers.includes(s.name)),
    unknown: servers.filter((n) => !estate.webServers.some((s) => s.name === n)),
  };
}

export function selectHosts(estate: ResolvedEstate, hosts: z.output<typeof Hosts>): ResolvedHost[] {
  return hosts === 'all' ? estate.hosts : estate.hosts.filter((h) => hosts.includes(h.key));
}

/** The web servers the step expects in both pools, and configured names the estate does not know. */
export function expectedPool(estate: ResolvedEstate, state: EstateState): { members: Endpoint[]; unknown: string[] } {
  if (state.inPools === 'all') return { members: estate.webServers, unknown: [] };
  const names = state.inPools;
  return {
    members: estate.webServers.filter((s) => names.includes(s.name)),
    unknown: names.filter((n) => !estate.webServers.some((s) => s.name === n)),
  };
}

const base = (ctx: Ctx) => ({ type: 'check' as const, family: 'sanity' as const, retries: ctx.config.policy.retries });
const unknownServers = (names: string[]) =>
  `the window names ${names.join(', ')}, but the estate has no such web server (estate.webServers)`;

export const directKind = defineKind({
  id: 'direct',
  family: 'sanity',
  summary: 'HTTPS straight to each web server with the host name as Host and TLS name: status, marker, latency, certificate',
  params: z.strictObject({ servers: Servers, hosts: Hosts }),
  severity: 'critical',
  plan: (ctx: Ctx, p, severity) => {
    const { estate, config } = ctx;
    const { policy } = config;
    const trust = createTrust(estate.ca);
    const probeMs = policy.timeouts.probeMs;
    const { servers, unknown } = selectServers(estate, p.servers);
    const tasks: CheckTask[] = [];
    if (unknown.length)
      tasks.push(
        brokenTask(
          {
            id: `sanity:${unknown.join('+')}`,
            family: 'sanity',
            kind: 'direct',
            severity,
            title: `direct probes of ${unknown.join(', ')}`,
            target: {},
          },
          unknownServers(unknown),
        ),
      );
    const options = {
      trust,
      latencyBudgetMs: policy.latencyBudgetMs,
      tlsExpiryWarningDays: policy.tlsExpiryWarningDays,
      timeoutMs: probeMs,
    };
    for (const server of servers) {
      for (const host of selectHosts(estate, p.hosts)) {
        tasks.push({
          ...base(ctx),
          id: `sanity:${server.name}:${host.key}:${host.path}`,
          kind: 'direct',
          severity,
          timeoutMs: probeMs,
          title: `${server.name} serves https://${host.name}${host.path} directly`,
          target: { server: server.name, host: host.name },
          run: (signal) => httpsProbe({ server, host }, options, signal),
        });
      }
    }
    return tasks;
  },
});

export const poolKind = defineKind({
  id: 'pool',
  family: 'sanity',
  summary: 'enough requests through the gateway and the ILB to see every expected pool member by its identity header',
  params: z.strictObject({
    balancers: z
      .array(z.enum(['gateway', 'ilb']))
      .min(1)
      .default(['gateway', 'ilb']),
    host: HostKey.optional(),
  }),
  severity: 'critical',
  plan: (ctx: Ctx, p, severity) => {
    const { estate, config, step } = ctx;
    const { policy } = config;
    const probeMs = policy.timeouts.probeMs;
    const pool = expectedPool(estate, step.after);
    // A host the gateway passes to the pool now (not behind the maintenance page), the named one first.
    const host = [...estate.hosts]
      .sort((a, b) => Number(b.key === p.host) - Number(a.key === p.host))
      .find((h) => !step.after.maintenanceOn.includes(h.key));
    const expected = pool.members.map((m) => m.name);
    const requests = policy.poolSamplesPerMember * Math.max(1, expected.length);
    const concurrency = Math.max(1, Math.min(policy.concurrency, expected.length));
    const timeoutMs = probeMs * (1 + Math.ceil(requests / concurrency));
    return p.balancers.map((key): CheckTask => {
      const balancer = key === 'gateway' ? estate.gateway : estate.ilb;
      const task = {
        id: `pool:${key}`,
        kind: 'pool',
        family: 'sanity',
        severity,
        title: `${balancer.name} routes to every expected pool member`,
        target: { server: balancer.name, ...(host ? { host: host.name } : {}) },
      };
      if (!host) return brokenTask(task, 'every host is behind the maintenance page in this step: pool membership cannot be observed');
      if (pool.unknown.length)
        return brokenTask(task, `the step expects ${pool.unknown.join(', ')} in the pools, but the estate has no such web server`);
      const options = {
        trust: createTrust(estate.ca),
        samplesPerMember: policy.poolSamplesPerMember,
        concurrency,
        requestTimeoutMs: probeMs,
        timeoutMs,
      };
      return { ...base(ctx), ...task, timeoutMs, run: (signal) => poolProbe({ balancer, host, expected }, options, signal) };
    });
  },
});

export const maintenanceKind = defineKind({
  id: 'maintenance',
  family: 'sanity',
  summary: 'the maintenance page is up or down on each host as the step expects; hosts without a page keep serving',
  params: z.strictObject({ hosts: Hosts }),
  severity: 'critical',
  plan: (ctx: Ctx, p, severity) => {
    const { estate, config, step } = ctx;
    const probeMs = config.policy.timeouts.probeMs;
    const options = { trust: createTrust(estate.ca), maintenance: estate.maintenance, timeoutMs: probeMs };
    return selectHosts(estate, p.hosts).map((host): CheckTask => {
      const expectedOn = step.after.maintenanceOn.includes(host.key);
      const title = expectedOn
        ? `maintenance page is up on ${host.name}`
        : host.maintenancePage
          ? `maintenance page is down on ${host.name}`
          : `${host.name} still serving, not behind the maintenance page`;
      return {
        ...base(ctx),
        id: `maintenance:${host.key}`,
        kind: 'maintenance',
        severity,
        timeoutMs: probeMs,
        title,
        target: { host: host.name },
        run: (signal) => maintenanceProbe({ gateway: estate.gateway, host, expectedOn }, options, signal),
      };
    });
  },
});

export const tokensKind = defineKind({
  id: 'tokens',
  family: 'sanity',
  summary: 'an auth cookie issued by one web server, presented directly to every other (machineKey, PLAT-2374)',
  params: z.strictObject({ issuers: Servers }),
  severity: 'critical',
  plan: (ctx: Ctx, p, severity) => {
    const { estate, config, step } = ctx;
    const { policy } = config;
    const probeMs = policy.timeouts.probeMs;
    const host = estate.hosts.find((h) => h.key === estate.tokens.host);
    const issuers = selectServers(estate, p.issuers).servers;
    // The step's own servers issue first: their machineKey is the one this step changed.
    const members = [...expectedPool(estate, step.after).members].sort((a, b) => Number(issuers.includes(b)) - Number(issuers.includes(a)));
    const concurrency = Math.max(1, Math.min(policy.concurrency, members.length));
    const timeoutMs = probeMs * (3 + Math.ceil(members.length / concurrency));
    const task = {
      id: 'sanity:tokens',
      kind: 'tokens',
      family: 'sanity',
      severity,
      title: 'an auth cookie issued by one web server is accepted by every other (machineKey, PLAT-2374)',
      target: host ? { host: host.name } : {},
    };
    if (!host) return [brokenTask(task, `estate.tokens.host is "${estate.tokens.host}", which is not one of the configured hosts`)];
    const options = {
      trust: createTrust(estate.ca),
      tokens: estate.tokens,
      account: estate.account,
      requestTimeoutMs: probeMs,
      concurrency,
      timeoutMs,
    };
    const check: CheckTask = { ...base(ctx), ...task, timeoutMs, run: (signal) => tokenProbe({ servers: members, host }, options, signal) };
    return [check];
  },
});
