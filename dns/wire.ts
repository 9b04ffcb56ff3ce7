// DNS wire format on dns-packet: a strict structural walk first (dns-packet trusts counts and lengths), then decode.
// Every malformed packet becomes a reason string, never an exception.
import * as dnsPacket from 'dns-packet';

export interface DnsRecord {
  /** Lowercase, no trailing dot ('' is the root). */
  name: string;
  type: string;
  class: string;
  ttl: number;
  data: unknown;
}

export interface DnsQuestion {
  name: string;
  type: string;
  class: string;
}

export interface DnsMessage {
  id: number;
  qr: boolean;
  opcode: string;
  aa: boolean;
  tc: boolean;
  rd: boolean;
  ra: boolean;
  /** Authentic Data: a validating resolver checked the answer's DNSSEC chain. */
  ad: boolean;
  rcode: string;
  questions: DnsQuestion[];
  answers: DnsRecord[];
  authorities: DnsRecord[];
  additionals: DnsRecord[];
  edns?: { udpPayloadSize: number; dnssecOk: boolean; ede: ExtendedError[] };
}

/** RFC 8914 extended DNS error (EDNS option 15): why a resolver answered SERVFAIL, in a code. */
export interface ExtendedError {
  code: number;
  text: string;
}

export type Decoded = { ok: true; message: DnsMessage } | { ok: false; reason: string };

const FLAG_AA = 1 << 10;
const FLAG_TC = 1 << 9;
const FLAG_RD = 1 << 8;
const FLAG_RA = 1 << 7;
const FLAG_AD = 1 << 5;
const OPTION_EDE = 15;
const FIXED_RDATA: Record<number, number> = { 1: 4, 28: 16 };
const MAX_MESSAGE = 65_535;

/** Lowercase and without the trailing dot: DNS names compare case-insensitively (RFC 4343). */
export function normName(name: string): string {
  const n = name.toLowerCase();
  return n === '.' ? '' : n.replace(/\.$/, '');
}

/** Walks a name, following only backward compression pointers; returns the offset after it or a reason. */
function walkName(buf: Buffer, start: number): number | string {
  let offset = start;
  let end = -1;
  let length = 0;
  let lowest = start;
  for (let hops = 0; hops < 128; hops++) {
    if (offset >= buf.length) return `name at byte ${start} runs past the end of the packet`;
    const len = buf[offset] ?? 0;
    if (len === 0) return end === -1 ? offset + 1 : end;
    if ((len & 0xc0) === 0xc0) {
      if (offset + 1 >= buf.length) return `compression pointer at byte ${offset} is cut off`;
      const target = buf.readUInt16BE(offset) & 0x3fff;
      if (target >= lowest) return `compression pointer at byte ${offset} points forward or loops (to ${target})`;
      if (end === -1) end = offset + 2;
      lowest = target;
      offset = target;
      continue;
    }
    if ((len & 0xc0) !== 0) return `label type 0x${len.toString(16)} at byte ${offset} is not supported`;
    length += len + 1;
    if (length > 255) return `name at byte ${start} is longer than 255 bytes`;
    if (offset + 1 + len > buf.length) return `label at byte ${offset} runs past the end of the packet`;
    offset += 1 + len;
  }
  return `name at byte ${start} has too many labels`;
}

interface Layout {
  header: { id: number; flags: number };
  questions: number[];
  /** [start, end) of each record: answers, then authorities, then additionals. */
  records: { start: number; end: number; section: 'answers' | 'authorities' | 'additionals' }[];
}

/** Checks counts, names and RDATA lengths against the packet's size before any decoding. */
export function checkStructure(buf: Buffer): Layout | string {
  if (buf.length < 12) return `packet is ${buf.length} bytes, shorter than the 12-byte DNS header`;
  if (buf.length > MAX_MESSAGE) return `packet is ${buf.length} bytes, larger than a DNS message can be`;
  const [qd = 0, an = 0, ns = 0, ar = 0] = [4, 6, 8, 10].map((o) => buf.readUInt16BE(o));
  const layout: Layout = { header: { id: buf.readUInt16BE(0), flags: buf.readUInt16BE(2) }, questions: [], records: [] };
  let offset = 12;
  for (let i = 0; i < qd; i++) {
    const next = walkName(buf, offset);
    if (typeof next === 'string') return `question ${i + 1}: ${next}`;
    if (next + 4 > buf.length) return `question ${i + 1} is cut off at byte ${next}`;
    layout.questions.push(offset);
    offset = next + 4;
  }
  for (let i = 0; i < an + ns + ar; i++) {
    const next = walkName(buf, offset);
    if (typeof next === 'string') return `record ${i + 1}: ${next}`;
    if (next + 10 > buf.length) return `record ${i + 1} header is cut off at byte ${next}`;
    const type = buf.readUInt16BE(next);
    const rdlength = buf.readUInt16BE(next + 8);
    if (next + 10 + rdlength > buf.length) return `record ${i + 1} data (${rdlength} bytes) runs past the end of the packet`;
    const fixed = FIXED_RDATA[type];
    if (fixed !== undefined && rdlength !== fixed) return `record ${i + 1} (type ${type}) has ${rdlength} data bytes, expected ${fixed}`;
    const section = i < an ? 'answers' : i < an + ns ? 'authorities' : 'additionals';
    layout.records.push({ start: offset, end: next + 10 + rdlength, section });
    offset = next + 10 + rdlength;
  }
  if (offset !== buf.length) return `${buf.length - offset} unexpected bytes after the last record`;
  return layout;
}

interface Codec {
  decode(buf: Buffer, offset: number): Record<string, unknown>;
}
const codecs = dnsPacket as unknown as { answer: Codec & { decode: { bytes: number } }; question: Codec };

function record(r: Record<string, unknown>): DnsRecord {
  return {
    name: normName(String(r.name ?? '')),
    type: String(r.type),
    class: String(r.class ?? 'IN'),
    ttl: Number(r.ttl ?? 0),
    data: r.data,
  };
}

/** EDE options out of dns-packet's decoded OPT options: 2-byte INFO-CODE, then UTF-8 EXTRA-TEXT. */
function extendedErrors(options: unknown): ExtendedError[] {
  if (!Array.isArray(options)) return [];
  return options.flatMap((o: { code?: number; data?: Buffer }) =>
    o.code === OPTION_EDE && Buffer.isBuffer(o.data) && o.data.length >= 2
      ? [{ code: o.data.readUInt16BE(0), text: o.data.subarray(2).toString('utf8').replace(/\0+$/, '') }]
      : [],
  );
}

/** An EDE option for the lab's answers (dns-packet encodes an option given as code + raw data). */
export function edeOption(e: ExtendedError): { code: number; data: Buffer } {
  const data = Buffer.concat([Buffer.alloc(2), Buffer.from(e.text, 'utf8')]);
  data.writeUInt16BE(e.code, 0);
  return { code: OPTION_EDE, data };
}

const RCODE_NAMES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];
const OPCODE_NAMES = ['QUERY', 'IQUERY', 'STATUS'];

/** Decodes record by record at the offsets the structural walk found, so a record's data can never spill over. */
export function decodeMessage(buf: Buffer): Decoded {
  const layout = checkStructure(buf);
  if (typeof layout === 'string') return { ok: false, reason: layout };
  const flags = layout.header.flags;
  const message: DnsMessage = {
    id: layout.header.id,
    qr: (flags & 0x8000) !== 0,
    opcode: OPCODE_NAMES[(flags >> 11) & 0xf] ?? `OPCODE_${(flags >> 11) & 0xf}`,
    aa: (flags & FLAG_AA) !== 0,
    tc: (flags & FLAG_TC) !== 0,
    rd: (flags & FLAG_RD) !== 0,
    ra: (flags & FLAG_RA) !== 0,
    ad: (flags & FLAG_AD) !== 0,
    rcode: RCODE_NAMES[flags & 0xf] ?? `RCODE_${flags & 0xf}`,
    questions: [],
    answers: [],
    authorities: [],
    additionals: [],
  };
  try {
    for (const at of layout.questions) {
      const q = codecs.question.decode(buf, at);
      message.questions.push({ name: normName(String(q.name)), type: String(q.type), class: String(q.class) });
    }
    for (const [i, r] of layout.records.entries()) {
      const raw = codecs.answer.decode(buf, r.start);
      if (codecs.answer.decode.bytes !== r.end - r.start)
        return { ok: false, reason: `record ${i + 1} (${String(raw.type)}) data does not fill its declared length` };
      if (raw.type === 'OPT') {
        if (r.section !== 'additionals') return { ok: false, reason: `record ${i + 1}: an OPT record outside the additional section` };
        message.edns = { udpPayloadSize: Number(raw.udpPayloadSize), dnssecOk: raw.flag_do === true, ede: extendedErrors(raw.options) };
        continue;
      }
      message[r.section].push(record(raw));
    }
  } catch (err) {
    return { ok: false, reason: `undecodable record data: ${(err as Error).message}` };
  }
  return { ok: true, message };
}

export interface QuerySpec {
  id: number;
  name: string;
  type: string;
  recursionDesired: boolean;
  /** EDNS(0) payload size advertised; 0 leaves EDNS out. */
  ednsBufferSize: number;
  dnssecOk?: boolean;
}

export function encodeQuery(q: QuerySpec): Buffer {
  const packet = {
    type: 'query',
    id: q.id,
    flags: q.recursionDesired ? dnsPacket.RECURSION_DESIRED : 0,
    questions: [{ type: q.type, name: q.name, class: 'IN' }],
    additionals:
      q.ednsBufferSize > 0
        ? [{ type: 'OPT', name: '.', udpPayloadSize: q.ednsBufferSize, flags: q.dnssecOk ? dnsPacket.DNSSEC_OK : 0 }]
        : [],
  };
  return dnsPacket.encode(packet as unknown as dnsPacket.Packet);
}

/** Encodes any packet dns-packet knows (the lab's answers); the caller builds the object. */
export function encodePacket(packet: Record<string, unknown>): Buffer {
  return dnsPacket.encode(packet as unknown as dnsPacket.Packet);
}

export const FLAGS = {
  AA: dnsPacket.AUTHORITATIVE_ANSWER,
  TC: dnsPacket.TRUNCATED_RESPONSE,
  RD: dnsPacket.RECURSION_DESIRED,
  RA: dnsPacket.RECURSION_AVAILABLE,
  DO: dnsPacket.DNSSEC_OK,
} as const;

export const RCODES: Record<string, number> = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 };

/** The answer belongs to our query: same ID, a response, exactly our question (names case-insensitive). */
export function matchesQuery(message: DnsMessage, q: { id: number; name: string; type: string }): string | undefined {
  if (!message.qr) return 'the packet is a query, not a response';
  if (message.id !== q.id) return `answer ID ${message.id} is not the query ID ${q.id}`;
  const question = message.questions[0];
  if (message.questions.length !== 1 || !question) return `answer carries ${message.questions.length} questions instead of ours`;
  if (question.name !== normName(q.name) || question.type !== q.type.toUpperCase() || question.class !== 'IN') {
    return `answer is for ${question.name || '.'} ${question.type} ${question.class}, not ${normName(q.name)} ${q.type}`;
  }
  return undefined;
}
