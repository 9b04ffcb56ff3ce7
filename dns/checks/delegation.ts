// Delegation: the parent's NS set for the zone is the live provider's, and that provider serves the same NS set.
import type { ProbeResult } from '../../core/probe.ts';
import { failed, passed } from '../../core/probe.ts';
import type { DnsTargets, ProviderTarget } from '../targets.ts';
import { matchesPattern } from '../targets.ts';
import { askAll, evidence, firstFailure, sameValues } from '../answer.ts';
import { normName } from '../wire.ts';

/** Whether an NS set belongs to a provider: its configured names when known, else its name pattern. */
function belongsTo(ns: readonly string[], p: ProviderTarget): boolean {
  if (!ns.length) return false;
  const names = p.servers.map((s) => s.name);
  if (p.nsPattern && !ns.every((n) => matchesPattern(n, p.nsPattern as string))) return false;
  return names.length ? sameValues([...ns].sort(), [...names].sort()) : Boolean(p.nsPattern);
}

export async function checkDelegation(t: DnsTargets, live: 'old' | 'new', signal: AbortSignal): Promise<ProbeResult> {
  const want = t.providers[live];
  const other = t.providers[live === 'new' ? 'old' : 'new'];
  const parentAsked = await askAll(t.parent.servers, t.zone, 'NS', t.query, signal);
  const details: Record<string, unknown> = { zone: t.zone, expectedProvider: want.name, parent: evidence(parentAsked) };
  const parentFail = firstFailure(parentAsked);
  if (parentFail) return failed(parentFail, details);
  // The parent refers (NS in the authority section); it is not authoritative for the child's NS set.
  const sets = parentAsked.map((a) => (a.ok ? [...new Set([...a.message.answers, ...a.message.authorities].filter((r) => r.type === 'NS' && r.name === t.zone).map((r) => normName(String(r.data))))].sort() : []));
  const delegated = sets[0] ?? [];
  details.delegatedTo = delegated;
  if (sets.some((s) => !sameValues(s, delegated))) return failed({ layer: 'assertion', code: 'DNS_PARENT_INCONSISTENT', message: `the parent (${t.parent.zone}) servers disagree on the delegation of ${t.zone}: ${sets.map((s) => s.join(' ')).join(' | ')}; the registrar change is still propagating` }, details);
  if (!delegated.length) return failed({ layer: 'assertion', code: 'DNS_NOT_DELEGATED', message: `the parent (${t.parent.zone}) does not delegate ${t.zone} at all; set the nameservers at the registrar to ${want.servers.map((s) => s.name).join(', ') || want.nsPattern}` }, details);
  const names = delegated.join(', ');
  if (!belongsTo(delegated, want)) {
    const whose = belongsTo(delegated, other) ? `the ${live === 'new' ? 'old' : 'new'} provider ${other.name}` : 'neither provider';
    return failed(
      { layer: 'assertion', code: 'DNS_DELEGATION_WRONG', message: `the parent (${t.parent.zone}) delegates ${t.zone} to ${whose} (${names}), so ${belongsTo(delegated, other) ? other.name : 'an unknown provider'} is live, not ${want.name}; change the nameservers at the registrar to ${want.servers.map((s) => s.name).join(', ') || want.nsPattern} (changes at the parent take up to its NS TTL to show)` },
      details,
    );
  }
  const childAsked = await askAll(want.servers, t.zone, 'NS', t.query, signal, true);
  details.child = evidence(childAsked);
  const childFail = firstFailure(childAsked);
  if (childFail) return failed(childFail, details);
  for (const a of childAsked) {
    if (a.ok && !sameValues(a.set.values, delegated)) {
      return failed({ layer: 'assertion', code: 'DNS_NS_MISMATCH', message: `${want.name} (${a.server.name}) serves the NS set ${a.set.values.join(', ') || '(none)'} but the parent delegates to ${names}; make them equal (the apex NS records at ${want.name} or the nameservers at the registrar)` }, details);
    }
  }
  return passed(details, `${want.name} is live: the parent (${t.parent.zone}) delegates ${t.zone} to ${names}, and ${want.name} serves the same NS set`);
}
