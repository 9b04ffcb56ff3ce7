// DNSSEC: if the parent publishes a DS for the zone, the live provider must serve a DNSKEY with the same key tag,
// algorithm and digest. RRSIGs are not validated: this checks the link the registrar controls (DS → key).
import type { ProbeResult } from '../../core/probe.ts';
import { failed, passed } from '../../core/probe.ts';
import type { DnsTargets } from '../targets.ts';
import type { DnskeyData, DsData } from '../dnssec.ts';
import { dsFor, dsText, keyTag, matchDs } from '../dnssec.ts';
import { askAll, evidence, firstFailure } from '../answer.ts';

export async function checkDnssec(t: DnsTargets, live: 'old' | 'new', signal: AbortSignal): Promise<ProbeResult> {
  const provider = t.providers[live];
  const opts = { ...t.query, dnssecOk: true };
  const parentAsked = await askAll(t.parent.servers, t.zone, 'DS', opts, signal);
  const details: Record<string, unknown> = { zone: t.zone, provider: provider.name, parent: evidence(parentAsked) };
  const parentFail = firstFailure(parentAsked);
  if (parentFail) return failed(parentFail, details);
  const first = parentAsked[0];
  const dsSet = first?.ok ? first.message.answers.filter((r) => r.type === 'DS' && r.name === t.zone).map((r) => r.data as DsData) : [];
  if (!dsSet.length) return passed(details, `the parent (${t.parent.zone}) publishes no DS for ${t.zone}: the zone is not signed at the registrar, so no DS can break validation`);
  const keyAsked = await askAll(provider.servers, t.zone, 'DNSKEY', opts, signal, true);
  details.dnskey = evidence(keyAsked);
  const keyFail = firstFailure(keyAsked);
  if (keyFail) return failed(keyFail, details);
  const keyAnswer = keyAsked[0];
  const keys = keyAnswer?.ok ? keyAnswer.message.answers.filter((r) => r.type === 'DNSKEY' && r.name === t.zone).map((r) => r.data as DnskeyData) : [];
  const served = keys.map((k) => `key tag ${keyTag(k)} (flags ${k.flags}, algorithm ${k.algorithm})`).join(', ') || 'no DNSKEY at all';
  const wanted = keys.filter((k) => k.flags & 1).map((k) => dsText(dsFor(t.zone, k)));
  details.ds = dsSet.map(dsText);
  details.keys = served;
  const unmatched = dsSet.map((ds) => ({ ds, m: matchDs(t.zone, ds, keys) })).filter((x) => 'problem' in x.m);
  if (unmatched.length) {
    const list = unmatched.map((x) => `DS ${dsText(x.ds)} (${'problem' in x.m ? x.m.problem : ''})`).join('; ');
    const fix = wanted.length ? `replace it with ${provider.name}'s DS ${wanted.join(' / ')}` : `enable DNSSEC at ${provider.name} first`;
    return failed(
      { layer: 'assertion', code: 'DNSSEC_DS_MISMATCH', message: `the parent (${t.parent.zone}) publishes ${list} for ${t.zone}, which matches no DNSKEY served by ${provider.name} (${served}): validating resolvers will answer SERVFAIL for the whole zone. At the registrar, remove the DS, or ${fix}` },
      details,
    );
  }
  return passed(details, `every DS at the parent (${dsSet.map((d) => `key tag ${d.keyTag}`).join(', ')}) matches a DNSKEY served by ${provider.name} (key tag and digest); RRSIGs are not validated by the harness`);
}
