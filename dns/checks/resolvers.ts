// Resolvers: each configured resolver gives the live provider's answers; one still serving the old answers is
// named, with the TTL it has left and the old provider's TTL (how long until it moves on by itself).
import type { ProbeResult } from '../../core/probe.ts';
import { failed, passed } from '../../core/probe.ts';
import type { DnsServer } from '../query.ts';
import type { DnsTargets } from '../targets.ts';
import { ask, askFirst, sameValues, showSet, unanswered } from '../answer.ts';
import { mailRole } from '../records.ts';

export interface Probe {
  name: string;
  type: string;
}

/** What a resolver is asked: the zone's NS set (always differs between providers), proxied names, then a sample. */
export function resolverSample(t: DnsTargets): Probe[] {
  const plain = t.records.filter((r) => !r.proxied && !mailRole(r, t.zone) && !(r.type === 'CNAME' && r.name === t.zone));
  const proxied = t.records.filter((r) => r.proxied).map((r) => ({ name: r.name, type: r.type === 'CNAME' ? 'A' : r.type }));
  return [{ name: t.zone, type: 'NS' }, ...proxied, ...plain.slice(0, t.resolverSample).map((r) => ({ name: r.name, type: r.type }))];
}

export async function checkResolver(t: DnsTargets, resolver: DnsServer, live: 'old' | 'new', signal: AbortSignal): Promise<ProbeResult> {
  const want = t.providers[live];
  const was = t.providers[live === 'new' ? 'old' : 'new'];
  const sample = resolverSample(t);
  const rows = await Promise.all(
    sample.map(async (p) => {
      const [r, w, o] = await Promise.all([
        ask(resolver, p.name, p.type, { ...t.query, recursionDesired: true }, signal),
        askFirst(want.servers, p.name, p.type, t.query, signal),
        askFirst(was.servers, p.name, p.type, t.query, signal),
      ]);
      return { p, r, w, o };
    }),
  );
  const details: Record<string, unknown> = {
    resolver: resolver.name,
    expectedProvider: want.name,
    asked: rows.map(({ p, r, w, o }) => ({
      question: `${p.name} ${p.type}`,
      resolver: r.ok ? r.set.values : r.failure.message,
      [live]: w?.ok ? w.set.values : w?.failure.message,
      ttl: r.ok ? r.set.ttl : undefined,
      other: o?.ok ? o.set.values : o?.failure.message,
    })),
  };
  const resolverFail = rows.find((x) => !x.r.ok)?.r;
  if (resolverFail && !resolverFail.ok) return unanswered(resolverFail.failure, details);
  const providerFail = rows.find((x) => !x.w?.ok)?.w;
  if (!want.servers.length)
    return failed(
      { layer: 'harness', code: 'NOT_CONFIGURED', message: `${want.name} has no nameservers configured to compare ${resolver.name} with` },
      details,
    );
  if (providerFail && !providerFail.ok) return unanswered(providerFail.failure, details);
  const stale: string[] = [];
  const different: string[] = [];
  for (const { p, r, w, o } of rows) {
    if (!r.ok || !w?.ok || sameValues(r.set.values, w.set.values)) continue;
    const q = `${p.name} ${p.type}`;
    if (o?.ok && sameValues(r.set.values, o.set.values))
      stale.push(
        `${q} → ${r.set.values.join(', ')} with ${r.set.ttl ?? '?'} s left (${was.name}'s TTL is ${o.set.ttl ?? '?'} s; ${want.name} answers ${w.set.values.join(', ') || 'nothing'})`,
      );
    else different.push(`${q}: ${showSet(r.set)}, ${want.name} answers ${showSet(w.set)}`);
  }
  if (stale.length) {
    // A resolver following a parent that still delegates to the old provider is not stale: the registrar is.
    const parent = t.parent.servers[0] ? await ask(t.parent.servers[0], t.zone, 'NS', t.query, signal) : undefined;
    const delegated = parent?.ok
      ? parent.message.authorities
          .concat(parent.message.answers)
          .filter((x) => x.type === 'NS' && x.name === t.zone)
          .map((x) => String(x.data).toLowerCase())
      : [];
    const parentOld = delegated.length > 0 && delegated.every((n) => was.servers.some((s) => s.name === n.replace(/\.$/, '')));
    const cause = parentOld
      ? `, because the parent (${t.parent.zone}) still delegates ${t.zone} to ${was.name} (see dns:delegation); fix the delegation at the registrar first`
      : '';
    const longest = Math.max(...rows.filter((x) => x.r.ok).map((x) => (x.r.ok ? (x.r.set.ttl ?? 0) : 0)));
    // With the delegation right, the resolver only caches inside the old TTL: it clears by itself, at a known time.
    const clearsAt = new Date(Date.now() + longest * 1000).toISOString();
    if (!parentOld) details.clearsAt = clearsAt;
    return failed(
      {
        layer: 'assertion',
        code: parentOld ? 'DNS_RESOLVER_STALE' : 'DNS_RESOLVER_CACHED',
        message: `resolver ${resolver.name} still serves ${was.name}'s (old) answers${cause}: ${stale.join('; ')}${parentOld ? '' : `. It will move on once its cache expires (at most ${longest} s, by ${clearsAt.slice(11, 16)} UTC); flush its cache (or wait) before declaring the move done`}`,
      },
      details,
    );
  }
  if (different.length)
    return failed(
      {
        layer: 'assertion',
        code: 'DNS_RESOLVER_MISMATCH',
        message: `resolver ${resolver.name} answers differently from ${want.name}: ${different.join('; ')}`,
      },
      details,
    );
  return passed(details, `resolver ${resolver.name} gives ${want.name}'s answers for all ${rows.length} questions asked`);
}
