// Delegation: the parent's NS set for the zone is the live provider's, its glue points at that provider's servers,
// and that provider serves the same NS set. An extra NS and wrong glue are named as such.
import type { ProbeResult } from '../../core/probe.ts';
import { failed, passed } from '../../core/probe.ts';
import type { DnsTargets, ProviderTarget } from '../targets.ts';
import { matchesPattern } from '../targets.ts';
import { ask, askAll, evidence, firstFailure, sameValues, unanswered } from '../answer.ts';
import { readReferral, sameIp, whoseName, type Referral } from '../delegated.ts';
import { isIP } from 'node:net';

/** Whether an NS set belongs to a provider: its configured names when known, else its name pattern. */
function belongsTo(ns: readonly string[], p: ProviderTarget): boolean {
  if (!ns.length) return false;
  const names = p.servers.map((s) => s.name);
  if (p.nsPattern && !ns.every((n) => matchesPattern(n, p.nsPattern as string))) return false;
  return names.length ? sameValues([...ns].sort(), [...names].sort()) : Boolean(p.nsPattern);
}

const isProviders = (n: string, p: ProviderTarget) =>
  p.servers.some((s) => s.name === n) || (p.nsPattern ? matchesPattern(n, p.nsPattern) : false);

/** The SOA MNAME a server gives for the zone: whose copy of the zone it serves. */
async function soaAt(t: DnsTargets, server: ProviderTarget['servers'][number], signal: AbortSignal): Promise<string | undefined> {
  const a = await ask(server, t.zone, 'SOA', t.query, signal, true);
  return a.ok ? a.set.values[0]?.split(' ')[0] : undefined;
}

/** Glue that does not lead to the live provider's server: what it leads to instead, in words. */
async function glueProblem(t: DnsTargets, ref: Referral, live: 'old' | 'new', signal: AbortSignal): Promise<string | undefined> {
  const want = t.providers[live];
  const other = t.providers[live === 'new' ? 'old' : 'new'];
  for (const name of ref.names) {
    const server = want.servers.find((s) => s.name === name);
    const glue = ref.glue.get(name) ?? [];
    if (!glue.length) {
      if (name === t.zone || name.endsWith(`.${t.zone}`))
        return `the parent gives no glue for ${name}, which is inside ${t.zone}: resolvers cannot find its address; add the host record (glue) at the registrar`;
      continue;
    }
    if (!server) continue;
    if (isIP(server.address) && glue.every((g) => sameIp(g, server.address))) continue;
    // The configured address differs (or is only a name): ask the glue address whose copy of the zone it serves.
    const wrong = glue.find((g) => !isIP(server.address) || !sameIp(g, server.address)) ?? '';
    const [atGlue, wantSoa, otherSoa] = await Promise.all([
      soaAt(t, { ...server, address: wrong }, signal),
      want.servers[0] ? soaAt(t, want.servers[0], signal) : undefined,
      other.servers[0] ? soaAt(t, other.servers[0], signal) : undefined,
    ]);
    if (!isIP(server.address) && atGlue !== undefined && atGlue === wantSoa) continue;
    const serves =
      atGlue === undefined
        ? 'does not answer for the zone'
        : atGlue === otherSoa
          ? `answers with ${other.name}'s copy of the zone (SOA ${atGlue}): the old provider's server`
          : `answers with SOA ${atGlue}, not ${want.name}'s (${wantSoa ?? 'unknown'})`;
    return `the parent (${t.parent.zone}) gives the glue address ${wrong} for ${name}${isIP(server.address) ? `, but ${want.name} serves it at ${server.address}` : ''}; ${wrong} ${serves}, so resolvers that use the glue get the wrong answers. Correct the nameserver's address (glue / host record) at the registrar`;
  }
  return undefined;
}

export async function checkDelegation(t: DnsTargets, live: 'old' | 'new', signal: AbortSignal): Promise<ProbeResult> {
  const want = t.providers[live];
  const other = t.providers[live === 'new' ? 'old' : 'new'];
  const parentAsked = await askAll(t.parent.servers, t.zone, 'NS', t.query, signal);
  const details: Record<string, unknown> = { zone: t.zone, expectedProvider: want.name, parent: evidence(parentAsked) };
  const parentFail = firstFailure(parentAsked);
  if (parentFail) return unanswered(parentFail, details);
  // The parent refers (NS in the authority section); it is not authoritative for the child's NS set.
  const refs = parentAsked.map((a) => (a.ok ? readReferral(a.message, t.zone) : { names: [], glue: new Map<string, string[]>() }));
  const sets = refs.map((r) => r.names);
  const delegated = sets[0] ?? [];
  details.delegatedTo = delegated;
  details.glue = Object.fromEntries(refs[0]?.glue ?? []);
  if (sets.some((s) => !sameValues(s, delegated)))
    return failed(
      {
        layer: 'assertion',
        code: 'DNS_PARENT_INCONSISTENT',
        message: `the parent (${t.parent.zone}) servers disagree on the delegation of ${t.zone}: ${sets.map((s) => s.join(' ')).join(' | ')}; the registrar change is still propagating`,
      },
      details,
    );
  if (!delegated.length)
    return failed(
      {
        layer: 'assertion',
        code: 'DNS_NOT_DELEGATED',
        message: `the parent (${t.parent.zone}) does not delegate ${t.zone} at all; set the nameservers at the registrar to ${want.servers.map((s) => s.name).join(', ') || want.nsPattern}`,
      },
      details,
    );
  const names = delegated.join(', ');
  const target = want.servers.map((s) => s.name).join(', ') || want.nsPattern;
  if (!belongsTo(delegated, want)) {
    const ours = delegated.filter((n) => isProviders(n, want));
    const extra = delegated.filter((n) => !isProviders(n, want));
    const complete = want.servers.length ? want.servers.every((s) => ours.includes(s.name)) : ours.length > 0;
    if (complete && extra.length) {
      return failed(
        {
          layer: 'assertion',
          code: 'DNS_DELEGATION_EXTRA_NS',
          message: `the parent (${t.parent.zone}) delegates ${t.zone} to ${want.name}'s ${ours.join(', ')} plus ${extra.map((n) => whoseName(t, n)).join(', ')}: resolvers pick among all of them, so some get answers from a server ${want.name} does not run; remove ${extra.join(', ')} from the nameservers at the registrar`,
        },
        details,
      );
    }
    const whose = belongsTo(delegated, other) ? `the ${live === 'new' ? 'old' : 'new'} provider ${other.name}` : 'neither provider';
    return failed(
      {
        layer: 'assertion',
        code: 'DNS_DELEGATION_WRONG',
        message: `the parent (${t.parent.zone}) delegates ${t.zone} to ${whose} (${names}), so ${belongsTo(delegated, other) ? other.name : 'an unknown provider'} is live, not ${want.name}; change the nameservers at the registrar to ${target} (changes at the parent take up to its NS TTL to show)`,
      },
      details,
    );
  }
  const glue = await glueProblem(t, refs[0] ?? { names: [], glue: new Map() }, live, signal);
  if (glue) return failed({ layer: 'assertion', code: 'DNS_GLUE_WRONG', message: glue }, details);
  const childAsked = await askAll(want.servers, t.zone, 'NS', t.query, signal, true);
  details.child = evidence(childAsked);
  const childFail = firstFailure(childAsked);
  if (childFail) return unanswered(childFail, details);
  for (const a of childAsked) {
    if (a.ok && !sameValues(a.set.values, delegated)) {
      return failed(
        {
          layer: 'assertion',
          code: 'DNS_NS_MISMATCH',
          message: `${want.name} (${a.server.name}) serves the NS set ${a.set.values.join(', ') || '(none)'} but the parent delegates to ${names}; make them equal (the apex NS records at ${want.name} or the nameservers at the registrar)`,
        },
        details,
      );
    }
  }
  return passed(
    details,
    `${want.name} is live: the parent (${t.parent.zone}) delegates ${t.zone} to ${names} with glue to ${want.name}'s servers, and ${want.name} serves the same NS set`,
  );
}
