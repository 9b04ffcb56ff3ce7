// Canonical DNSSEC wire form (RFC 4034 6.1–6.3): lowercase uncompressed names, RDATA as dns-packet encodes it with
// embedded names lowercased, RRs sorted by RDATA. RRSIGs are computed over exactly these bytes.
import * as dnsPacket from 'dns-packet';
import { canonicalNameWire } from './dnssec.ts';
import { normName } from './wire.ts';

interface RdataCodec {
  encode(data: unknown): Buffer;
}
interface QuestionCodec {
  encode(q: { name: string; type: string; class: string }, buf: Buffer, offset: number): unknown;
}
const packet = dnsPacket as unknown as { record(type: string): RdataCodec; question: QuestionCodec };

/** The 16-bit type code of a type name (A → 1, DNSKEY → 48). */
export function typeCode(type: string): number {
  const buf = Buffer.alloc(5); // root name (1 byte), type, class
  packet.question.encode({ name: '.', type, class: 'IN' }, buf, 0);
  return buf.readUInt16BE(1);
}

const lower = (v: unknown) => normName(String(v));
const withLowerNames = (type: string, data: unknown): unknown => {
  const d = data as Record<string, unknown>;
  switch (type) {
    case 'NS':
    case 'CNAME':
    case 'PTR':
    case 'DNAME':
      return lower(data);
    case 'MX':
      return { ...d, exchange: lower(d.exchange) };
    case 'SRV':
      return { ...d, target: lower(d.target) };
    case 'SOA':
      return { ...d, mname: lower(d.mname), rname: lower(d.rname) };
    default:
      return data;
  }
};

/** RDATA in canonical form (without its length prefix). */
export function canonicalRdata(type: string, data: unknown): Buffer {
  return packet.record(type).encode(withLowerNames(type, data)).subarray(2);
}

export interface RRsetForSig {
  name: string;
  type: string;
  records: { data: unknown }[];
}

/** RR(1) | RR(2) | … for the signature: owner | type | class IN | original TTL | RDLENGTH | RDATA, sorted by RDATA. */
export function canonicalRRset(owner: string, set: RRsetForSig, originalTtl: number): Buffer {
  const ownerWire = canonicalNameWire(owner);
  const rdatas = [...new Map(set.records.map((r) => canonicalRdata(set.type, r.data)).map((b) => [b.toString('hex'), b])).values()].sort(
    Buffer.compare,
  );
  return Buffer.concat(
    rdatas.map((rd) => {
      const head = Buffer.alloc(10);
      head.writeUInt16BE(typeCode(set.type), 0);
      head.writeUInt16BE(1, 2);
      head.writeUInt32BE(originalTtl >>> 0, 4);
      head.writeUInt16BE(rd.length, 8);
      return Buffer.concat([ownerWire, head, rd]);
    }),
  );
}
