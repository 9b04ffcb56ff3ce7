// RRSIG validation of one RRset (RFC 4035 5.3): the signature's fields match the RRset and key, the time is inside
// its validity window, and the signature verifies over RRSIG RDATA (no signature) + the canonical RRset.
import * as dnsPacket from 'dns-packet';
import type { DnskeyData } from './dnssec.ts';
import { keyTag } from './dnssec.ts';
import { canonicalRRset, type RRsetForSig } from './canonical.ts';
import { algorithmName, verifyWithDnskey } from './dnssec-crypto.ts';
import type { DnsRecord } from './wire.ts';
import { normName } from './wire.ts';

export interface RrsigData {
  typeCovered: string;
  algorithm: number;
  labels: number;
  originalTTL: number;
  expiration: number;
  inception: number;
  keyTag: number;
  signersName: string;
  signature: Buffer;
}

const rrsigCodec = (dnsPacket as unknown as { rrsig: { encode(s: RrsigData): Buffer } }).rrsig;

/** What is signed: RRSIG RDATA without the signature (signer name canonical), then the RRset in canonical form. */
export function signingData(sig: RrsigData, set: RRsetForSig): Buffer {
  const head = rrsigCodec.encode({ ...sig, signersName: normName(sig.signersName), signature: Buffer.alloc(0) }).subarray(2);
  const labels = normName(set.name).split('.').filter(Boolean);
  // A wildcard expansion is signed as "*.rest" (RFC 4035 5.3.2).
  const owner = sig.labels < labels.length ? `*.${labels.slice(labels.length - sig.labels).join('.')}` : set.name;
  return Buffer.concat([head, canonicalRRset(owner, set, sig.originalTTL)]);
}

/** RFC 1982 serial arithmetic is not needed until 2106: the harness compares as unsigned seconds. */
const iso = (s: number) => new Date(s * 1000).toISOString().replace('.000Z', 'Z');

export type SigVerdict = { ok: true; sig: RrsigData; key: DnskeyData } | { ok: false; code: string; problem: string };

/**
 * Validates an RRset with the RRSIGs that cover it and a candidate key set. ok when one RRSIG by one of `keys`
 * verifies inside its window; otherwise the most telling problem (expired beats missing; code for EDE-like causes).
 */
export function validateRRset(
  set: RRsetForSig,
  sigs: readonly RrsigData[],
  keys: readonly DnskeyData[],
  zone: string,
  nowSec: number,
): SigVerdict {
  const covering = sigs.filter((s) => s.typeCovered === set.type);
  const what = `${set.name || '.'} ${set.type}`;
  if (!covering.length) return { ok: false, code: 'DNSSEC_RRSIG_MISSING', problem: `${what} has no RRSIG (EDE 10 RRSIGs Missing)` };
  const problems: { code: string; problem: string; rank: number }[] = [];
  for (const sig of covering) {
    const tag = `RRSIG ${what} by key tag ${sig.keyTag} (${algorithmName(sig.algorithm)})`;
    if (normName(sig.signersName) !== normName(zone)) {
      problems.push({ rank: 1, code: 'DNSSEC_RRSIG_SIGNER', problem: `${tag} names signer ${sig.signersName}, not ${zone}` });
      continue;
    }
    const candidates = keys.filter((k) => keyTag(k) === sig.keyTag && k.algorithm === sig.algorithm);
    if (!candidates.length) {
      problems.push({ rank: 2, code: 'DNSSEC_RRSIG_NO_KEY', problem: `${tag}: no such key in the DNSKEY set` });
      continue;
    }
    if (nowSec > sig.expiration) {
      problems.push({
        rank: 4,
        code: 'DNSSEC_SIGNATURE_EXPIRED',
        problem: `${tag} expired at ${iso(sig.expiration)} (EDE 7 Signature Expired)`,
      });
      continue;
    }
    if (nowSec < sig.inception) {
      problems.push({
        rank: 4,
        code: 'DNSSEC_SIGNATURE_NOT_YET_VALID',
        problem: `${tag} is valid only from ${iso(sig.inception)} (EDE 8 Signature Not Yet Valid)`,
      });
      continue;
    }
    const data = signingData(sig, set);
    for (const key of candidates) {
      const v = verifyWithDnskey(key, data, sig.signature);
      if (v === true) return { ok: true, sig, key };
      problems.push(
        v === false
          ? { rank: 3, code: 'DNSSEC_SIGNATURE_INVALID', problem: `${tag} does not verify (EDE 6 DNSSEC Bogus)` }
          : { rank: 3, ...v },
      );
    }
  }
  const worst = problems.sort((a, b) => b.rank - a.rank)[0] ?? { code: 'DNSSEC_RRSIG_MISSING', problem: `${what} has no usable RRSIG` };
  return {
    ok: false,
    code: worst.code,
    problem:
      problems.length > 1
        ? `${worst.problem} (and ${problems.length - 1} other RRSIG problem${problems.length > 2 ? 's' : ''})`
        : worst.problem,
  };
}

/** RRSIGs in a section that cover records owned by `name`. */
export function rrsigsFor(records: readonly DnsRecord[], name: string): RrsigData[] {
  return records.filter((r) => r.type === 'RRSIG' && r.name === normName(name)).map((r) => r.data as RrsigData);
}
