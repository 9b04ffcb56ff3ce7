// The lab signs its zones as a provider does: keys made with node's crypto (Ed25519 by default; RSA/SHA-256 and
// ECDSA P-256/P-384 for tests), a KSK over the DNSKEY set and a ZSK over everything else, RRSIGs on the fly.
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { DnskeyData } from '../../dns/dnssec.ts';
import { keyTag } from '../../dns/dnssec.ts';
import type { RrsigData } from '../../dns/rrsig.ts';
import { signingData } from '../../dns/rrsig.ts';
import { normName } from '../../dns/wire.ts';

export interface LabKey {
  dnskey: DnskeyData;
  privateKey: KeyObject;
}

const FLAGS_KSK = 257;
const FLAGS_ZSK = 256;

function publicKeyField(algorithm: number, pub: KeyObject): Buffer {
  const jwk = pub.export({ format: 'jwk' });
  const b = (s: unknown) => Buffer.from(String(s), 'base64url');
  if (algorithm === 15) return b(jwk.x);
  if (algorithm === 13 || algorithm === 14) return Buffer.concat([b(jwk.x), b(jwk.y)]);
  const e = b(jwk.e);
  return Buffer.concat([Buffer.from([e.length]), e, b(jwk.n)]); // RFC 3110: short exponent length form
}

/** A key pair for DNSSEC algorithm 8, 13, 14 or 15; `ksk` sets the SEP flag (257) rather than 256. */
export function newLabKey(ksk: boolean, algorithm = 15): LabKey {
  const pair =
    algorithm === 15
      ? generateKeyPairSync('ed25519')
      : algorithm === 13 || algorithm === 14
        ? generateKeyPairSync('ec', { namedCurve: algorithm === 13 ? 'P-256' : 'P-384' })
        : generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 65_537 });
  return {
    dnskey: { flags: ksk ? FLAGS_KSK : FLAGS_ZSK, algorithm, key: publicKeyField(algorithm, pair.publicKey) },
    privateKey: pair.privateKey,
  };
}

const HASH: Record<number, string | null> = { 8: 'sha256', 10: 'sha512', 13: 'sha256', 14: 'sha384', 15: null };

export interface SigWindow {
  inception: number;
  expiration: number;
}

/** One RRSIG over an RRset, as the record the lab's answer carries. */
export function signRRset(
  zone: string,
  set: { name: string; type: string; ttl: number; records: { data: unknown }[] },
  key: LabKey,
  window: SigWindow,
): Record<string, unknown> {
  const labels = normName(set.name).split('.').filter(Boolean).length;
  const unsigned: RrsigData = {
    typeCovered: set.type,
    algorithm: key.dnskey.algorithm,
    labels,
    originalTTL: set.ttl,
    expiration: window.expiration,
    inception: window.inception,
    keyTag: keyTag(key.dnskey),
    signersName: normName(zone),
    signature: Buffer.alloc(0),
  };
  const data = signingData(unsigned, set);
  const algo = key.dnskey.algorithm;
  const signature = sign(
    HASH[algo] ?? null,
    data,
    algo === 13 || algo === 14 ? { key: key.privateKey, dsaEncoding: 'ieee-p1363' } : key.privateKey,
  );
  return { name: set.name, type: 'RRSIG', ttl: set.ttl, class: 'IN', data: { ...unsigned, signature } };
}

/** Valid from an hour ago for two weeks, or (dns-rrsig-expired) a window that ended three days ago: beyond the clock skew validators allow (unbound: up to a day). */
export function sigWindow(expired: boolean, nowSec = Math.floor(Date.now() / 1000)): SigWindow {
  return expired
    ? { inception: nowSec - 17 * 86_400, expiration: nowSec - 3 * 86_400 }
    : { inception: nowSec - 3600, expiration: nowSec + 14 * 86_400 };
}

export interface ZoneKeys {
  ksk: LabKey;
  zsk: LabKey;
}

export const newZoneKeys = (algorithm = 15): ZoneKeys => ({ ksk: newLabKey(true, algorithm), zsk: newLabKey(false, algorithm) });

type Rec = Record<string, unknown> & { name: string; type: string; ttl: number; data: unknown };

/**
 * Adds an RRSIG for each RRset of a section: the DNSKEY set by the KSK, everything else by the ZSK. Signatures are
 * memoised per RRset and window, so a busy lab signs each RRset once.
 */
export class LabSigner {
  private readonly memo = new Map<string, Record<string, unknown>>();

  constructor(
    readonly zone: string,
    private readonly keys: () => ZoneKeys,
    private readonly window: () => SigWindow,
  ) {}

  sign(records: readonly Record<string, unknown>[] | undefined): Record<string, unknown>[] {
    const list = (records ?? []) as Rec[];
    const sets = new Map<string, Rec[]>();
    for (const r of list)
      if (r.type !== 'RRSIG' && r.type !== 'OPT')
        sets.set(`${normName(r.name)}|${r.type}`, [...(sets.get(`${normName(r.name)}|${r.type}`) ?? []), r]);
    const sigs: Record<string, unknown>[] = [];
    for (const [k, recs] of sets) {
      const first = recs[0] as Rec;
      const keys = this.keys();
      const key = first.type === 'DNSKEY' ? keys.ksk : keys.zsk;
      const w = this.window();
      const memoKey = `${k}|${keyTag(key.dnskey)}|${w.expiration}|${JSON.stringify(
        recs.map((r) => r.data),
        (_, v) => (v?.type === 'Buffer' ? Buffer.from(v.data).toString('hex') : v),
      )}`;
      let sig = this.memo.get(memoKey);
      if (!sig)
        this.memo.set(
          memoKey,
          (sig = signRRset(
            this.zone,
            { name: first.name, type: first.type, ttl: Math.min(...recs.map((r) => r.ttl)), records: recs },
            key,
            w,
          )),
        );
      sigs.push(sig);
    }
    return [...list, ...sigs];
  }
}
