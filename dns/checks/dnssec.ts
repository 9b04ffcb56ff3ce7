// DNSSEC as a validating resolver sees the move: DS at the parent → a DNSKEY in the set of every nameserver the
// parent actually delegates to (sets compared) → an RRSIG over that set by that key, in its window, verified →
// RRSIGs over a sample of records by the zone-signing key. Extra DS records are a warning when one DS validates.
import type { ProbeResult } from '../../core/probe.ts';
import { broken, failed, passed } from '../../core/probe.ts';
import type { DnsTargets } from '../targets.ts';
import type { DnskeyData, DsData } from '../dnssec.ts';
import { dsFor, dsText, keyTag, matchDs } from '../dnssec.ts';
import { askAll, evidence, firstFailure, unanswered, type Asked } from '../answer.ts';
import { delegatedServers, readReferral } from '../delegated.ts';
import { rrsigsFor, validateRRset, type SigVerdict } from '../rrsig.ts';
import { algorithmName } from '../dnssec-crypto.ts';
import type { DnsRecord } from '../wire.ts';

type Ok = Extract<Asked, { ok: true }>;
const keyName = (k: DnskeyData) => `key tag ${keyTag(k)} (flags ${k.flags}, ${algorithmName(k.algorithm)})`;
const keysOf = (a: Ok, zone: string): DnsRecord[] => a.message.answers.filter((r) => r.type === 'DNSKEY' && r.name === zone);
const keySetText = (recs: readonly DnsRecord[]) =>
  recs
    .map((r) => keyName(r.data as DnskeyData))
    .sort()
    .join(', ') || 'no DNSKEY at all';

/** Why no DS leads to a signed DNSKEY set at one server, or the keys that do. */
function chainAt(
  t: DnsTargets,
  a: Ok,
  dsSet: readonly DsData[],
  now: number,
): { valid: DsData[]; keys: DnskeyData[] } | { code: string; problem: string } {
  const recs = keysOf(a, t.zone);
  const keys = recs.map((r) => r.data as DnskeyData);
  const who = a.server.name;
  if (!keys.length) return { code: 'DNSSEC_DNSKEY_MISSING', problem: `${who} serves no DNSKEY for ${t.zone} (EDE 9 DNSKEY Missing)` };
  const set = { name: t.zone, type: 'DNSKEY', records: recs };
  const sigs = rrsigsFor(a.message.answers, t.zone);
  const valid: DsData[] = [];
  const problems: { code: string; problem: string }[] = [];
  for (const ds of dsSet) {
    const m = matchDs(t.zone, ds, keys);
    if ('problem' in m) continue;
    const v: SigVerdict = validateRRset(set, sigs, [m.key], t.zone, now);
    if (v.ok) valid.push(ds);
    else if (!(m.key.flags & 1) && (v.code === 'DNSSEC_RRSIG_NO_KEY' || v.code === 'DNSSEC_RRSIG_MISSING')) {
      problems.push({
        code: 'DNSSEC_DS_AT_ZSK',
        problem: `DS ${dsText(ds)} points at the zone-signing key ${keyName(m.key)} at ${who}, which does not sign the DNSKEY set: validators answer SERVFAIL (EDE 6 DNSSEC Bogus)`,
      });
    } else
      problems.push({
        code: v.code,
        problem: `DS ${dsText(ds)} matches ${keyName(m.key)} at ${who}, but ${v.problem.replace(/ \(and .*\)$/, '')}`,
      });
  }
  if (valid.length) return { valid, keys };
  const first = problems[0];
  if (first)
    return problems.length > 1
      ? {
          ...first,
          problem: `${first.problem}; ${problems
            .slice(1)
            .map((p) => p.problem)
            .join('; ')}`,
        }
      : first;
  return { code: 'DNSSEC_DS_MISMATCH', problem: `no DS matches a DNSKEY served by ${who} (${keySetText(recs)})` };
}

export async function checkDnssec(t: DnsTargets, live: 'old' | 'new', signal: AbortSignal): Promise<ProbeResult> {
  const provider = t.providers[live];
  const opts = { ...t.query, dnssecOk: true };
  const [dsAsked, nsAsked] = await Promise.all([
    askAll(t.parent.servers, t.zone, 'DS', opts, signal),
    askAll(t.parent.servers, t.zone, 'NS', t.query, signal),
  ]);
  const details: Record<string, unknown> = { zone: t.zone, expectedProvider: provider.name, parent: evidence(dsAsked) };
  const parentFail = firstFailure([...dsAsked, ...nsAsked]);
  if (parentFail) return unanswered(parentFail, details);
  const first = dsAsked[0];
  const dsSet = first?.ok ? first.message.answers.filter((r) => r.type === 'DS' && r.name === t.zone).map((r) => r.data as DsData) : [];
  details.ds = dsSet.map(dsText);
  if (!dsSet.length)
    return passed(
      details,
      `the parent (${t.parent.zone}) publishes no DS for ${t.zone}: the zone is not signed at the registrar, so no DS can break validation`,
    );
  // The servers resolvers use are the ones the parent delegates to, whoever the runbook expects to be live.
  const ns = nsAsked[0]?.ok ? readReferral(nsAsked[0].message, t.zone).names : [];
  const delegated = delegatedServers(t, ns);
  details.delegatedTo = ns;
  const unknown = delegated.filter((d) => !d.server).map((d) => d.name);
  if (!ns.length)
    return failed(
      {
        layer: 'assertion',
        code: 'DNS_NOT_DELEGATED',
        message: `the parent (${t.parent.zone}) publishes a DS for ${t.zone} but delegates it nowhere`,
      },
      details,
    );
  if (unknown.length)
    return broken(
      'DNS_NS_UNKNOWN',
      `the parent delegates ${t.zone} to ${unknown.join(', ')}, which neither provider's configuration lists, so its DNSKEY set cannot be asked; see dns:delegation`,
      details,
    );
  const servers = delegated.flatMap((d) => (d.server ? [d.server] : []));
  const whose = [...new Set(delegated.map((d) => (d.provider ? t.providers[d.provider].name : '?')))].join(' and ');
  const keyAsked = await askAll(servers, t.zone, 'DNSKEY', opts, signal, true);
  details.dnskey = Object.fromEntries(keyAsked.map((a) => [a.server.name, a.ok ? keySetText(keysOf(a, t.zone)) : a.failure.message]));
  const keyFail = firstFailure(keyAsked);
  if (keyFail) return unanswered(keyFail, details);
  const oks = keyAsked as Ok[];
  const sets = oks.map((a) =>
    keysOf(a, t.zone)
      .map((r) => `${(r.data as DnskeyData).flags} ${(r.data as DnskeyData).algorithm} ${(r.data as DnskeyData).key.toString('base64')}`)
      .sort()
      .join('|'),
  );
  const now = Math.floor(Date.now() / 1000);
  const chains = oks.map((a) => ({ a, chain: chainAt(t, a, dsSet, now) }));
  const broke = chains.find((c) => 'code' in c.chain);
  const missingKeys = broke && 'code' in broke.chain && broke.chain.code === 'DNSSEC_DNSKEY_MISSING';
  if (!missingKeys && sets.some((s) => s !== sets[0])) {
    const list = oks.map((a) => `${a.server.name}: ${keySetText(keysOf(a, t.zone))}`).join('; ');
    return failed(
      {
        layer: 'assertion',
        code: 'DNSSEC_KEYSET_DIFFERS',
        message: `the nameservers of ${t.zone} serve different DNSKEY sets (${list}): a resolver that caches one set rejects records signed with the other (EDE 6 DNSSEC Bogus); publish the same keys on every nameserver (sync the signer)${broke && 'code' in broke.chain ? `. ${broke.chain.problem}` : ''}`,
      },
      details,
    );
  }
  if (broke && 'code' in broke.chain) {
    const wanted = chains.flatMap((c) => keysOf(c.a, t.zone).map((r) => r.data as DnskeyData)).filter((k) => k.flags & 1);
    const fix = wanted.length
      ? `the DS at the registrar must be ${[...new Set(wanted.map((k) => dsText(dsFor(t.zone, k))))].join(' / ')} (the KSK's), and ${whose} must sign the DNSKEY set with it`
      : `enable DNSSEC at ${whose} first, or remove the DS at the registrar`;
    const message = `the parent (${t.parent.zone}) publishes ${dsSet.map((d) => `DS ${dsText(d)}`).join(', ')} for ${t.zone}, delegated to ${whose} (${ns.join(', ')}): ${broke.chain.problem}. Validating resolvers will answer SERVFAIL for the whole zone; ${fix}`;
    // A key the harness cannot read the algorithm of is not checked, so not judged: broken, never failed or passed.
    if (broke.chain.code === 'DNSSEC_ALGORITHM_UNSUPPORTED') return broken(broke.chain.code, message, details);
    return failed({ layer: 'assertion', code: broke.chain.code, message }, details);
  }
  const keys = chains.flatMap((c) => ('keys' in c.chain ? c.chain.keys : []));
  const sampled = await sampleSignatures(t, servers, keys, now, signal);
  details.sample = sampled.checked;
  if (!sampled.failure && !sampled.checked.length)
    return failed(
      {
        layer: 'assertion',
        code: 'DNSSEC_RRSIG_MISSING',
        message: `no signed RRset came back from ${ns.join(', ')} for the SOA and the sampled records of ${t.zone}: nothing shows the zone's records are signed`,
      },
      details,
    );
  if (sampled.failure)
    return sampled.failure.layer === 'harness'
      ? broken(sampled.failure.code, sampled.failure.message, details)
      : failed(sampled.failure, details);
  const validDs = chains.flatMap((c) => ('valid' in c.chain ? c.chain.valid : []));
  const extra = dsSet.filter((d) => !validDs.includes(d));
  const warning = extra.length
    ? ` WARNING: ${extra.map((d) => `DS ${dsText(d)}`).join(', ')} at the parent matches no key that signs the DNSKEY set (a leftover of a key rollover or a signed transfer); validators ignore it, remove it at the registrar once the rollover is done`
    : '';
  if (warning) details.warnings = [warning.trim()];
  return passed(
    details,
    `DNSSEC validates for ${t.zone} at every delegated nameserver (${ns.join(', ')}): ${[...new Set(validDs.map((d) => `DS key tag ${d.keyTag}`))].join(', ')} → a DNSKEY that signs the DNSKEY set (same set everywhere) → RRSIGs over ${sampled.checked.length} sampled RRsets verify.${warning}`,
  );
}

/** RRSIGs by the zone's keys over the SOA and a few records, at every delegated nameserver. */
async function sampleSignatures(
  t: DnsTargets,
  servers: DnsTargets['parent']['servers'],
  keys: readonly DnskeyData[],
  now: number,
  signal: AbortSignal,
) {
  const sample = [
    { name: t.zone, type: 'SOA' },
    ...t.records
      .filter((r) => r.type !== 'CNAME' && r.type !== 'NS')
      .slice(0, 3)
      .map((r) => ({ name: r.name, type: r.type })),
  ];
  const checked: string[] = [];
  for (const q of sample) {
    const asked = await askAll(servers, q.name, q.type, { ...t.query, dnssecOk: true }, signal, true);
    const fail = firstFailure(asked);
    if (fail) return { checked, failure: fail };
    for (const a of asked as Ok[]) {
      const rrs = a.message.answers.filter((r) => r.type !== 'RRSIG');
      for (const [k, recs] of groupSets(rrs)) {
        const [name = '', type = ''] = k.split('|');
        const v = validateRRset({ name, type, records: recs }, rrsigsFor(a.message.answers, name), keys, t.zone, now);
        if (!v.ok)
          return {
            checked,
            failure: {
              layer: v.code === 'DNSSEC_ALGORITHM_UNSUPPORTED' ? ('harness' as const) : ('assertion' as const),
              code: v.code,
              message: `${a.server.name} serves ${name} ${type} without a valid signature: ${v.problem}; validating resolvers answer SERVFAIL for it. re-sign the zone at the provider that serves it (check its signer and its clock)`,
            },
          };
        checked.push(`${name} ${type} at ${a.server.name}: RRSIG key tag ${v.sig.keyTag}`);
      }
    }
  }
  return { checked };
}

function groupSets(records: readonly DnsRecord[]): Map<string, DnsRecord[]> {
  const m = new Map<string, DnsRecord[]>();
  for (const r of records) m.set(`${r.name}|${r.type}`, [...(m.get(`${r.name}|${r.type}`) ?? []), r]);
  return m;
}
