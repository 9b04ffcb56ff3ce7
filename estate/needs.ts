// What a step's checks need from an environment before they can run: which addresses (by server or balancer
// name) and whether the test account. A run asks only for these: --only=dns needs no web server address.
import type { HarnessConfig } from '../core/config/schema.ts';
import type { AnyKind } from '../core/kind.ts';
import type { Step } from '../core/window/schema.ts';

export interface Needs {
  /** Names whose address the checks use; 'all' for a kind this table does not know (safe: ask for everything). */
  names: Set<string> | 'all';
  /** The test account (token portability, browser sign-in). */
  account: boolean;
  /** Why each name is needed: kind ids, for messages. */
  by: Map<string, Set<string>>;
}

type Spec = { kind: string } & Record<string, unknown>;

const listOr = (v: unknown, all: string[]): string[] => (Array.isArray(v) ? (v as string[]) : all);

/** Names one check needs; undefined = unknown kind (every address). */
function namesFor(spec: Spec, config: HarnessConfig, step: Step): { names?: string[]; account?: boolean } | undefined {
  const e = config.estate;
  const webs = e.webServers.map((s) => s.name);
  const inPools = step.after.inPools === 'all' ? webs : step.after.inPools;
  switch (spec.kind) {
    case 'direct':
      return { names: listOr(spec['servers'], webs) };
    case 'pool':
      return { names: listOr(spec['balancers'], ['gateway', 'ilb']).map((b) => (b === 'gateway' ? e.gateway.name : e.ilb.name)) };
    case 'maintenance':
      return { names: [e.gateway.name] };
    case 'tokens':
      return { names: inPools, account: true };
    case 'service': {
      const groups = e.serverGroups.filter(
        (g) => spec['groups'] === undefined || spec['groups'] === 'all' || listOr(spec['groups'], []).includes(g.key),
      );
      const names = groups.flatMap((g) => g.servers.map((s) => s.name));
      return { names: Array.isArray(spec['servers']) ? names.filter((n) => (spec['servers'] as string[]).includes(n)) : names };
    }
    case 'machinekey':
      return {
        names: [...new Set([...listOr(spec['servers'], webs), ...listOr(spec['rolled'], webs), String(spec['validateOn'] ?? 'IC-Web3')])],
        account: true,
      };
    case 'jwt':
      return { names: listOr(spec['servers'], webs), account: true };
    // Control-plane APIs and providers outside the estate's address book (Opsgenie, Mailgun, Key Vault, K8s).
    case 'api':
    case 'mailgun':
    case 'secret-sync':
      return { names: [] };
    case 'k6':
      // backend-sweep goes to every server directly; the others through the gateway (pinned or by DNS).
      return { names: spec['script'] === 'backend-sweep' ? [e.gateway.name, ...webs] : [e.gateway.name] };
    case 'e2e':
      return { names: [], account: true };
    case 'dns':
      return { names: [] };
    default:
      return undefined;
  }
}

/** The needs of a step's checks, narrowed by --only (families from the registered kinds). */
export function needsOf(config: HarnessConfig, step: Step, kinds: readonly AnyKind[], only?: readonly string[]): Needs {
  const by = new Map<string, Set<string>>();
  let all = false;
  let account = false;
  for (const spec of step.checks as Spec[]) {
    const family = kinds.find((k) => k.id === spec.kind)?.family;
    if (only && family && !only.includes(family)) continue;
    const n = namesFor(spec, config, step);
    if (!n) {
      all = true;
      continue;
    }
    account ||= Boolean(n.account);
    for (const name of n.names ?? []) {
      let set = by.get(name);
      if (!set) by.set(name, (set = new Set()));
      set.add(spec.kind);
    }
  }
  return { names: all ? 'all' : new Set(by.keys()), account, by };
}

export const needsEverything: Needs = { names: 'all', account: true, by: new Map() };

export function needs(n: Needs, name: string): boolean {
  return n.names === 'all' || n.names.has(name);
}
