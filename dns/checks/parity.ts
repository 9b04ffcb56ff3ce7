// Parity: an expected record asked of every old and every new nameserver; RRsets compared regardless of TTL and
// order. Proxied names must answer inside the new provider's ranges; an apex CNAME is checked as its flattened A.
import type { ProbeResult } from '../../core/probe.ts';
import { failed, passed } from '../../core/probe.ts';
import type { DnsTargets } from '../targets.ts';
import type { ExpectedRecord } from '../records.ts';
import type { Asked, RRset } from '../answer.ts';
import { askAll, evidence, firstFailure, sameValues, showSet, unanswered } from '../answer.ts';
import { inRanges, rangeList } from '../cidr.ts';

type Ok = Extract<Asked, { ok: true }>;

const mismatch = (message: string, details: Record<string, unknown>) =>
  failed({ layer: 'assertion', code: 'DNS_RRSET_MISMATCH', message }, details);

/** All servers of one provider must agree; returns the shared RRset or a failure naming the odd one. */
function agreed(asked: readonly Ok[], provider: string): RRset | string {
  const first = asked[0];
  if (!first) return `${provider} has no nameservers configured`;
  const odd = asked.find((a) => !sameValues(a.set.values, first.set.values));
  return odd
    ? `${provider}'s nameservers disagree: ${first.server.name} answers ${showSet(first.set)}, ${odd.server.name} answers ${showSet(odd.set)}`
    : first.set;
}

/** What the proxied record must look like: every address inside the ranges, none of them the origin's. */
export function judgeProxied(newSet: readonly string[], origin: readonly string[], ranges: readonly string[]): string | undefined {
  if (!ranges.length)
    return 'no proxy ranges are configured for the new provider, so a proxied record cannot be checked; add them (providers.new.proxyRanges)';
  if (!newSet.length) return 'answers no address';
  const atOrigin = newSet.filter((v) => origin.includes(v));
  if (atOrigin.length)
    return `answers with the origin address ${atOrigin.join(', ')}: the record is not proxied (grey cloud); turn the proxy on, or drop it from the proxied list if it is meant to be DNS-only`;
  const list = rangeList(ranges);
  const outside = newSet.filter((v) => !inRanges(list, v));
  if (outside.length)
    return `answers ${outside.join(', ')}, outside the provider's published ranges (${ranges.join(', ')}): not the provider's proxy`;
  return undefined;
}

export async function checkParity(t: DnsTargets, rec: ExpectedRecord, signal: AbortSignal): Promise<ProbeResult> {
  const { old: oldP, new: newP } = t.providers;
  const apexCname = rec.type === 'CNAME' && rec.name === t.zone;
  // Proxied names and the apex CNAME answer as addresses: that is what resolvers get.
  const qtype = rec.proxied && rec.type === 'CNAME' ? 'A' : apexCname ? 'A' : rec.type;
  const flattenTarget = apexCname ? rec.values[0] : undefined;
  const [oldAsked, newAsked, targetAsked] = await Promise.all([
    askAll(oldP.servers, rec.name, qtype, t.query, signal, true),
    askAll(newP.servers, rec.name, qtype, t.query, signal, true),
    flattenTarget ? askAll(newP.servers.slice(0, 1), flattenTarget, 'A', t.query, signal, true) : Promise.resolve([]),
  ]);
  const details: Record<string, unknown> = {
    record: `${rec.name} ${rec.type}`,
    asked: qtype,
    source: rec.source,
    proxied: rec.proxied,
    expected: rec.values,
    old: evidence(oldAsked),
    new: evidence(newAsked),
  };
  const newFail = firstFailure([...newAsked, ...targetAsked]);
  if (newFail) return unanswered(newFail, details);
  const looped = (newAsked as Ok[]).find((a) => a.set.loop);
  if (looped)
    return failed(
      {
        layer: 'assertion',
        code: 'DNS_CNAME_LOOP',
        message: `${rec.name} ${rec.type}: ${newP.name} (${looped.server.name}) answers with a CNAME loop (${looped.set.loop}): resolvers give up with SERVFAIL; point the CNAME at a name that resolves (${rec.values.join(', ') || 'as at the old provider'})`,
      },
      details,
    );
  const newSet = agreed(newAsked as Ok[], newP.name);
  if (typeof newSet === 'string') return mismatch(`${rec.name} ${qtype}: ${newSet}`, details);
  // Reference: the old provider's answer; the declared values only when the old provider cannot be asked.
  const oldFail = firstFailure(oldAsked);
  let reference: string[];
  let refName: string;
  const targetFirst = targetAsked[0];
  if (oldFail && apexCname && targetFirst?.ok) {
    // The apex CNAME's own reference is its target: flattening is checked below, parity with nothing.
    reference = targetFirst.set.values;
    refName = `${flattenTarget} (the old provider did not answer: ${oldFail.message})`;
  } else if (oldFail && rec.values.length && !apexCname) {
    reference = rec.values;
    refName = `${rec.source} (the old provider did not answer: ${oldFail.message})`;
  } else if (oldFail) return unanswered(oldFail, details);
  else {
    const oldSet = agreed(oldAsked as Ok[], oldP.name);
    if (typeof oldSet === 'string') return mismatch(`${rec.name} ${qtype}: ${oldSet}`, details);
    reference = oldSet.values;
    refName = oldP.name;
  }
  const label = `${rec.name} ${rec.type}${qtype !== rec.type ? ` (asked as ${qtype})` : ''}`;
  if (rec.proxied) {
    const problem = judgeProxied(newSet.values, reference, newP.proxyRanges);
    if (problem)
      return mismatch(
        `${label} is proxied, but ${newP.name} ${problem} (${refName} answers ${reference.join(', ') || 'nothing'})`,
        details,
      );
    return passed(
      details,
      `${label} is proxied at ${newP.name}: ${newSet.values.join(', ')} inside ${newP.proxyRanges.join(', ')}; origin ${reference.join(', ')}`,
    );
  }
  if (flattenTarget) {
    const target = targetAsked[0];
    const targetValues = target?.ok ? target.set.values : [];
    details.flattenTarget = { name: flattenTarget, values: targetValues };
    if (!newSet.values.length || !sameValues(newSet.values, targetValues)) {
      return mismatch(
        `${label}: the apex CNAME to ${flattenTarget} is not flattened correctly: ${newP.name} answers ${showSet(newSet)} at the apex, ${flattenTarget} has ${targetValues.join(', ') || 'no A records'}`,
        details,
      );
    }
  }
  if (!newSet.values.length && !reference.length)
    return mismatch(
      `${label} is declared in ${rec.source} but neither ${newP.name} nor ${refName} serves it; remove it from the expected records or create it`,
      details,
    );
  if (!sameValues(newSet.values, reference)) {
    return mismatch(
      `${label} differs: ${newP.name} answers ${showSet(newSet)}, ${refName} answers ${reference.join(', ') || 'no records'}; correct the record at ${newP.name} (declared in ${rec.source})`,
      details,
    );
  }
  return passed(
    details,
    `${label}: ${newP.name} and ${refName} agree (${newSet.values.join(', ')})${flattenTarget ? `, apex CNAME to ${flattenTarget} flattened` : ''}`,
  );
}
