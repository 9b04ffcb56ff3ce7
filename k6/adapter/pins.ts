// k6 never looks up a name given as a `hosts` value (it dials 0.0.0.0:port and says nothing, see
// test/k6/fixtures/hosts-dns-name). An environment's names are resolved when it is opened (estate/resolve.ts, a
// configuration error when one does not resolve); this is the last guard before k6, for plans made any other way.
import { isIP } from 'node:net';
import type { K6RunPlan, K6Target } from '../contract.ts';
import { memoized, systemLookup, type Lookup } from '../../estate/resolve.ts';

export { type Lookup, systemLookup };

export interface UnresolvedPin {
  target: string;
  /** The name that was to be looked up. */
  name: string;
  /** err.code of the lookup (ENOTFOUND, EAI_AGAIN …). */
  code: string;
}

export type PinResolution =
  | { ok: true; plan: K6RunPlan; resolved: { target: string; name: string; address: string }[] }
  | { ok: false; unresolved: UnresolvedPin[] };

/** host and port of `address:port` / `[v6]:port`. */
export function splitHostPort(hp: string): { host: string; port: string } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(hp) ?? /^([^:]+):(\d+)$/.exec(hp);
  if (!m) throw new Error(`not host:port: ${hp}`);
  return { host: m[1]!, port: m[2]! };
}

const joinHostPort = (host: string, port: string) => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

/** Every pinned target with an IP address: names are looked up (once each) with the system resolver. */
export async function resolvePins(plan: K6RunPlan, lookup: Lookup = systemLookup): Promise<PinResolution> {
  const look = memoized(lookup);
  const unresolved: UnresolvedPin[] = [];
  const resolved: { target: string; name: string; address: string }[] = [];
  const targets: K6Target[] = await Promise.all(
    plan.targets.map(async (t) => {
      if (!t.address) return t;
      const { host, port } = splitHostPort(t.address);
      if (isIP(host)) return t;
      const r = await look(host);
      if ('code' in r) {
        unresolved.push({ target: t.name, name: host, code: r.code });
        return t;
      }
      resolved.push({ target: t.name, name: host, address: r.address });
      return { ...t, address: joinHostPort(r.address, port) };
    }),
  );
  return unresolved.length ? { ok: false, unresolved } : { ok: true, plan: { ...plan, targets }, resolved };
}

/** The broken message for a plan whose pins do not resolve: each name, with its lookup code. */
export function unresolvedMessage(u: readonly UnresolvedPin[]): string {
  const each = [...new Map(u.map((x) => [x.name, x])).values()].map((x) => `${x.name} (${x.code})`).join(', ');
  return `the address k6 would pin ${u
    .map((x) => x.target)
    .filter((v, i, a) => a.indexOf(v) === i)
    .join(
      ', ',
    )} to does not resolve: ${each}. k6 never looks up a name in its hosts option (it would dial 0.0.0.0); set an IP address in environments.<env>.addresses or fix the name`;
}
