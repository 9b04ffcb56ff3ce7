// TTL readiness (pre-maintenance): the old provider's TTLs are at or below the ceiling ahead of the move,
// so resolvers drop the old answers within that time after the cutover.
import type { ProbeResult } from '../../core/probe.ts';
import { failed, passed } from '../../core/probe.ts';
import type { DnsTargets } from '../targets.ts';
import type { ExpectedRecord } from '../records.ts';
import { askAll, evidence, firstFailure, unanswered } from '../answer.ts';

export async function checkTtl(t: DnsTargets, rec: ExpectedRecord, signal: AbortSignal): Promise<ProbeResult> {
  const p = t.providers.old;
  const asked = await askAll(p.servers, rec.name, rec.type, t.query, signal, true);
  const details: Record<string, unknown> = { record: `${rec.name} ${rec.type}`, max: t.ttlMaxSeconds, old: evidence(asked) };
  const fail = firstFailure(asked);
  if (fail) return unanswered(fail, details);
  const ttls = asked.flatMap((a) => (a.ok && a.set.ttl !== undefined ? [a.set.ttl] : []));
  if (!ttls.length) return failed({ layer: 'assertion', code: 'DNS_RECORD_MISSING', message: `${p.name} serves no ${rec.type} for ${rec.name} (declared in ${rec.source}), so its TTL cannot be checked` }, details);
  const ttl = Math.max(...ttls);
  if (ttl > t.ttlMaxSeconds) {
    return failed(
      { layer: 'assertion', code: 'DNS_TTL_TOO_HIGH', message: `${rec.name} ${rec.type} has TTL ${ttl} s at ${p.name}, above the ${t.ttlMaxSeconds} s ceiling: lower it at ${p.name} now (at least ${ttl} s before the cutover) so resolvers pick up the new provider within ${t.ttlMaxSeconds} s` },
      details,
    );
  }
  return passed(details, `${rec.name} ${rec.type}: TTL ${ttl} s at ${p.name}, at or below ${t.ttlMaxSeconds} s`);
}
