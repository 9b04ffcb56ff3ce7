// An environment's addresses may be DNS names, but k6 never looks one up (it dials 0.0.0.0, test/k6/fixtures/hosts-dns-name):
// each name the planned checks need is looked up once when the environment is opened, and one that does not resolve is a
// configuration error naming its config path, before any check runs or any run folder exists.
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { HarnessConfig } from '../core/config/schema.ts';
import type { Endpoint, ResolvedEstate } from './model.ts';
import { needs, type Needs } from './needs.ts';
import { LOCAL_CONFIG } from './overlay.ts';

export type Lookup = (name: string) => Promise<{ address: string; family: number }>;

/** The system resolver (getaddrinfo: /etc/hosts, then DNS), first answer in the resolver's own order. */
export const systemLookup: Lookup = (name) => dnsLookup(name, { verbatim: true });

export interface Unresolved {
  /** Server or balancer name (IC-Web3). */
  server: string;
  /** The DNS name configured as its address. */
  name: string;
  /** err.code of the lookup (ENOTFOUND, EAI_AGAIN …). */
  code: string;
  /** Where the address is configured: environments.production.addresses["IC-Web3"]. */
  path: string;
}

/** The config path an address of `server` is read from: the environment's addresses first, else the inline default. */
export function addressPath(config: HarnessConfig, env: string, server: string): string {
  const e = config.estate;
  if (config.environments[env]?.addresses[server]) return `environments.${env}.addresses["${server}"]`;
  const w = e.webServers.findIndex((s) => s.name === server);
  if (w >= 0 && e.webServers[w]?.address) return `estate.webServers.${w}.address`;
  if (e.gateway.name === server && e.gateway.address) return 'estate.gateway.address';
  if (e.ilb.name === server && e.ilb.address) return 'estate.ilb.address';
  for (const [g, group] of e.serverGroups.entries()) {
    const s = group.servers.findIndex((x) => x.name === server);
    if (s >= 0 && group.servers[s]?.address) return `estate.serverGroups.${g}.servers.${s}.address`;
  }
  return `environments.${env}.addresses["${server}"]`;
}

/** The configuration problem for a name that does not resolve, ending like the other address problems: (needed by …). */
export function unresolvedProblem(u: Unresolved, need: Needs): string {
  const kinds = [...(need.by.get(u.server) ?? [])];
  return `${u.path}: the address of ${u.server}, ${u.name}, does not resolve on this machine (${u.code}); set an IP address, or a name this machine resolves, in ${LOCAL_CONFIG}${kinds.length ? ` (needed by ${kinds.join(', ')})` : ''}`;
}

export type Answer = { address: string } | { code: string };

/** A per-source memo: each name is looked up once however many steps open the environment. */
export type LookupMemo = Map<string, Promise<Answer>>;

/** `lookup` asked once per name (the memo keeps the answer or the lookup's err.code), never throwing. */
export function memoized(lookup: Lookup, memo: LookupMemo = new Map()): (name: string) => Promise<Answer> {
  return (name) => {
    let p = memo.get(name);
    if (!p) {
      p = lookup(name).then(
        (r) => ({ address: r.address }),
        (err: NodeJS.ErrnoException) => ({ code: err.code ?? 'ERROR' }),
      );
      memo.set(name, p);
    }
    return p;
  };
}

/**
 * Every needed endpoint whose address is a DNS name gets `ip` (what k6 is pinned to); names that do not resolve are
 * returned, each with its config path. Addresses already IPs, and endpoints no planned check needs, are left alone.
 */
export async function resolveAddresses(
  config: HarnessConfig,
  estate: ResolvedEstate,
  need: Needs,
  lookup: Lookup = systemLookup,
  memo: LookupMemo = new Map(),
): Promise<{ estate: ResolvedEstate; unresolved: Unresolved[] }> {
  const look = memoized(lookup, memo);
  const unresolved: (Unresolved & { order: number })[] = [];
  let next = 0;
  const pin = async <E extends Endpoint>(e: E): Promise<E> => {
    if (!e.address || isIP(e.address) || !needs(need, e.name)) return e;
    const order = next++;
    const r = await look(e.address);
    if ('code' in r) {
      unresolved.push({ server: e.name, name: e.address, code: r.code, path: addressPath(config, estate.env, e.name), order });
      return e;
    }
    return { ...e, ip: r.address };
  };
  const webServers = await Promise.all(estate.webServers.map(pin));
  const [gateway, ilb] = await Promise.all([pin(estate.gateway), pin(estate.ilb)]);
  const services = await Promise.all(estate.services.map(pin));
  const out: ResolvedEstate = {
    ...estate,
    webServers,
    // The balancers' backends are the web servers: the same (pinned) endpoints.
    gateway: { ...gateway, ...(gateway.backends ? { backends: webServers } : {}) },
    ilb: { ...ilb, ...(ilb.backends ? { backends: webServers } : {}) },
    services,
  };
  // In the estate's order (web servers, balancers, services), whichever answer came first.
  return { estate: out, unresolved: unresolved.sort((a, b) => a.order - b.order).map(({ order: _, ...u }) => u) };
}
