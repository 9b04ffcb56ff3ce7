// Plans the sanity family of a phase (phase.plan.sanity): direct HTTPS per selected server × host, pool
// membership through both balancers, the maintenance page per host, token portability, TCP to other servers.
import type { PlanContext, Planner } from '../core/plan-context.ts';
import type { Endpoint, ResolvedEstate, ResolvedHost } from '../core/estate.ts';
import type { PhasePlan, PhaseState } from '../core/phases.ts';
import { brokenTask, type CheckTask } from '../core/task.ts';
import { httpsProbe } from './https-probe.ts';
import { poolProbe } from './pool-probe.ts';
import { maintenanceProbe } from './maintenance-probe.ts';
import { tokenProbe } from './token-probe.ts';
import { tcpProbe } from './tcp-probe.ts';
import { createTrust } from './trust.ts';

type SanityPlan = NonNullable<PhasePlan['sanity']>;

/** `servers: [a, b]` is 1-based inclusive into the estate's web servers; `[1, 0]` selects none. */
export function selectServers(estate: ResolvedEstate, servers: SanityPlan['servers']): Endpoint[] {
  if (servers === 'all') return estate.webServers;
  const [from, to] = servers;
  return to < from ? [] : estate.webServers.slice(from - 1, to);
}

export function selectHosts(estate: ResolvedEstate, hosts: SanityPlan['hosts']): ResolvedHost[] {
  return hosts === 'all' ? estate.hosts : estate.hosts.filter((h) => hosts.includes(h.key));
}

/** The web servers the phase expects in both pools, and configured names the estate does not know. */
export function expectedPool(estate: ResolvedEstate, state: PhaseState): { members: Endpoint[]; unknown: string[] } {
  if (state.inPools === 'all') return { members: estate.webServers, unknown: [] };
  const names = state.inPools;
  return { members: estate.webServers.filter((s) => names.includes(s.name)), unknown: names.filter((n) => !estate.webServers.some((s) => s.name === n)) };
}

export const planSanity: Planner = (ctx: PlanContext) => {
  const plan = ctx.phase.plan.sanity;
  if (!plan) return [];
  const { estate, config, phase } = ctx;
  const { policy } = config;
  const trust = createTrust(estate.ca);
  const probeMs = policy.timeouts.probeMs;
  const base = { type: 'check' as const, family: 'sanity' as const, retries: policy.retries };
  const tasks: CheckTask[] = [];
  const servers = selectServers(estate, plan.servers);
  const hosts = selectHosts(estate, plan.hosts);
  const pool = expectedPool(estate, phase.state);

  for (const server of servers) {
    for (const host of hosts) {
      const options = { trust, latencyBudgetMs: policy.latencyBudgetMs, tlsExpiryWarningDays: policy.tlsExpiryWarningDays, timeoutMs: probeMs };
      tasks.push({
        ...base, id: `sanity:${server.name}:${host.key}:${host.path}`, kind: 'sanity', severity: policy.severity.sanity, timeoutMs: probeMs,
        title: `${server.name} serves https://${host.name}${host.path} directly`, target: { server: server.name, host: host.name },
        run: (signal) => httpsProbe({ server, host }, options, signal),
      });
    }
  }

  if (plan.pools) {
    // A host the gateway passes to the pool now (not behind the maintenance page), the phase's hosts first.
    const host = [...hosts, ...estate.hosts].find((h) => !phase.state.maintenanceOn.includes(h.key));
    const expected = pool.members.map((m) => m.name);
    const requests = policy.poolSamplesPerMember * Math.max(1, expected.length);
    const concurrency = Math.max(1, Math.min(policy.concurrency, expected.length));
    const timeoutMs = probeMs * (1 + Math.ceil(requests / concurrency));
    for (const [key, balancer] of [['gateway', estate.gateway], ['ilb', estate.ilb]] as const) {
      const task = { id: `pool:${key}`, kind: 'pool' as const, family: 'sanity' as const, severity: policy.severity.pool, title: `${balancer.name} routes to every expected pool member`, target: { server: balancer.name, ...(host ? { host: host.name } : {}) } };
      if (!host || pool.unknown.length) {
        tasks.push(brokenTask(task, host ? `the phase expects ${pool.unknown.join(', ')} in the pools, but the estate has no such web server` : 'every host is behind the maintenance page in this phase: pool membership cannot be observed'));
        continue;
      }
      const options = { trust, samplesPerMember: policy.poolSamplesPerMember, concurrency, requestTimeoutMs: probeMs, timeoutMs };
      tasks.push({ ...base, ...task, timeoutMs, run: (signal) => poolProbe({ balancer, host, expected }, options, signal) });
    }
  }

  if (plan.maintenance) {
    for (const host of estate.hosts) {
      const expectedOn = phase.state.maintenanceOn.includes(host.key);
      const title = expectedOn ? `maintenance page is up on ${host.name}` : host.maintenancePage ? `maintenance page is down on ${host.name}` : `${host.name} still serving, not behind the maintenance page`;
      const options = { trust, maintenance: estate.maintenance, timeoutMs: probeMs };
      tasks.push({
        ...base, id: `maintenance:${host.key}`, kind: 'maintenance', severity: policy.severity.maintenance, timeoutMs: probeMs, title, target: { host: host.name },
        run: (signal) => maintenanceProbe({ gateway: estate.gateway, host, expectedOn }, options, signal),
      });
    }
  }

  if (plan.tokens) {
    const host = estate.hosts.find((h) => h.key === estate.tokens.host);
    // The phase's own servers issue first: their machineKey is the one this phase changed.
    const members = [...pool.members].sort((a, b) => Number(servers.includes(b)) - Number(servers.includes(a)));
    const concurrency = Math.max(1, Math.min(policy.concurrency, members.length));
    const timeoutMs = probeMs * (3 + Math.ceil(members.length / concurrency));
    const task = { id: 'sanity:tokens', kind: 'sanity' as const, family: 'sanity' as const, severity: policy.severity.sanity, title: `an auth cookie issued by one web server is accepted by every other (machineKey, PLAT-2374)`, target: host ? { host: host.name } : {} };
    if (!host) tasks.push(brokenTask(task, `estate.tokens.host is "${estate.tokens.host}", which is not one of the configured hosts`));
    else {
      const options = { trust, tokens: estate.tokens, account: estate.account, requestTimeoutMs: probeMs, concurrency, timeoutMs };
      tasks.push({ ...base, ...task, timeoutMs, run: (signal) => tokenProbe({ servers: members, host }, options, signal) });
    }
  }

  if (plan.services) {
    for (const service of estate.services) {
      tasks.push({
        ...base, id: `service:${service.name}`, kind: 'service', severity: policy.severity.service, timeoutMs: probeMs,
        title: `${service.name} (${service.title}) accepts TCP on port ${service.port}${service.banner ? ' with the expected banner' : ''}`, target: { server: service.name },
        run: (signal) => tcpProbe(service, { timeoutMs: probeMs }, signal),
      });
    }
  }
  return tasks;
};
