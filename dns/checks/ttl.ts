// TTL readiness (pre-maintenance): the old provider's TTLs, its apex NS set's included, are at or below the ceiling
// ahead of the move, so resolvers drop the old answers and the old nameservers within that time after the cutover.
import type { ProbeResult } from '../../core/probe.ts';
import { failed, passed } from '../../core/probe.ts';
import type { DnsTargets } from '../targets.ts';
import type { ExpectedRecord } from '../records.ts';
import { askAll, evidence, firstFailure, unanswered } from '../answer.ts';

/** The old provider's apex NS set: resolvers cache it (it outranks the parent's referral) and ask those servers until it expires. */
export function apexNsRecord(t: DnsTargets): ExpectedRecord {
  return { name: t.zone, type: 'NS', values: [], proxied: false, source: `${t.providers.old.name}'s apex NS set` };
}

export async function checkTtl(t: DnsTargets, rec: ExpectedRecord, signal: AbortSignal): Promise<ProbeResult> {
  const p = t.providers.old;
  const asked = await askAll(p.servers, rec.name, rec.type, t.query, signal, true);
  const details: Record<string, unknown> = { record: `${rec.name} ${rec.type}`, max: t.ttlMaxSeconds, old: evidence(asked) };
  const fail = firstFailure(asked);
  if (fail) return unanswered(fail, details);
  const ttls = asked.flatMap((a) => (a.ok && a.set.ttl !== undefined ? [a.set.ttl] : []));
  if (!ttls.length)
    return failed(
      {
        layer: 'assertion',
        code: 'DNS_RECORD_MISSING',
        message: `${p.name} serves no ${rec.type} for ${rec.name} (declared in ${rec.source}), so its TTL cannot be checked`,
      },
      details,
    );
  const ttl = Math.max(...ttls);
  if (ttl > t.ttlMaxSeconds && rec.type === 'NS' && rec.name === t.zone) {
    return failed(
      {
        layer: 'assertion',
        code: 'DNS_NS_TTL_TOO_HIGH',
        message: `the apex NS set of ${rec.name} has TTL ${ttl} s at ${p.name}, above the ${t.ttlMaxSeconds} s ceiling: resolvers that cached it keep asking ${p.name}'s nameservers for up to ${ttl} s after the flip, whatever the record TTLs say; lower the NS TTL at ${p.name} now (at least ${ttl} s before the cutover)`,
      },
      details,
    );
  }
  if (ttl > t.ttlMaxSeconds) {
    return failed(
      {
        layer: 'assertion',
        code: 'DNS_TTL_TOO_HIGH',
        message: `${rec.name} ${rec.type} has TTL ${ttl} s at ${p.name}, above the ${t.ttlMaxSeconds} s ceiling: lower it at ${p.name} now (at least ${ttl} s before the cutover) so resolvers pick up the new provider within ${t.ttlMaxSeconds} s`,
      },
      details,
    );
  }
  return passed(details, `${rec.name} ${rec.type}: TTL ${ttl} s at ${p.name}, at or below ${t.ttlMaxSeconds} s`);
}
