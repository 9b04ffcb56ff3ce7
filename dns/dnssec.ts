// DS ↔ DNSKEY matching (RFC 4034 5.1.4 and appendix B): key tag and digest over owner name + DNSKEY RDATA.
// The harness does not validate RRSIGs: it checks the chain link the registrar controls (DS → key).
import { createHash } from 'node:crypto';
import { normName } from './wire.ts';

export interface DnskeyData {
  flags: number;
  algorithm: number;
  key: Buffer;
}

export interface DsData {
  keyTag: number;
  algorithm: number;
  digestType: number;
  digest: Buffer;
}

export function dnskeyRdata(k: DnskeyData): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(k.flags, 0);
  head.writeUInt8(3, 2);
  head.writeUInt8(k.algorithm, 3);
  return Buffer.concat([head, k.key]);
}

/** RFC 4034 appendix B (algorithm 1 keys, long obsolete, are not supported). */
export function keyTag(k: DnskeyData): number {
  const rdata = dnskeyRdata(k);
  let ac = 0;
  for (let i = 0; i < rdata.length; i++) ac += i & 1 ? (rdata[i] ?? 0) : (rdata[i] ?? 0) << 8;
  ac += (ac >> 16) & 0xffff;
  return ac & 0xffff;
}

/** Owner name in canonical wire form: lowercase labels, root terminated. */
export function canonicalNameWire(name: string): Buffer {
  const labels = normName(name).split('.').filter(Boolean);
  return Buffer.concat([
    ...labels.map((l) => Buffer.concat([Buffer.from([Buffer.byteLength(l)]), Buffer.from(l, 'utf8')])),
    Buffer.from([0]),
  ]);
}

const DIGESTS: Record<number, string> = { 1: 'sha1', 2: 'sha256', 4: 'sha384' };

export function dsDigest(owner: string, k: DnskeyData, digestType: number): Buffer | undefined {
  const algo = DIGESTS[digestType];
  return algo ? createHash(algo).update(canonicalNameWire(owner)).update(dnskeyRdata(k)).digest() : undefined;
}

export function dsFor(owner: string, k: DnskeyData, digestType = 2): DsData {
  return { keyTag: keyTag(k), algorithm: k.algorithm, digestType, digest: dsDigest(owner, k, digestType) ?? Buffer.alloc(0) };
}

/** The key a DS points at, or why none does. */
export function matchDs(owner: string, ds: DsData, keys: readonly DnskeyData[]): { key: DnskeyData } | { problem: string } {
  const sameTag = keys.filter((k) => keyTag(k) === ds.keyTag && k.algorithm === ds.algorithm);
  if (!sameTag.length) return { problem: `no DNSKEY with key tag ${ds.keyTag} and algorithm ${ds.algorithm}` };
  if (!DIGESTS[ds.digestType]) return { problem: `digest type ${ds.digestType} is not one the harness can check (1, 2, 4)` };
  const key = sameTag.find((k) => dsDigest(owner, k, ds.digestType)?.equals(ds.digest));
  return key ? { key } : { problem: `a DNSKEY has key tag ${ds.keyTag} but its digest differs from the DS digest` };
}

export function dsText(ds: DsData): string {
  return `${ds.keyTag} ${ds.algorithm} ${ds.digestType} ${ds.digest.toString('hex').toUpperCase()}`;
}
