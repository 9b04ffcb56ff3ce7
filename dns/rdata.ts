// One canonical text per record's data, whether it came off the wire or out of a zone file, so RRsets compare exactly.
import { isIPv4, isIPv6 } from 'node:net';
import { normName } from './wire.ts';

/** RFC 5952 form (lowercase, zeros compressed) so 2001:DB8:0::1 equals 2001:db8::1. */
export function canonicalIPv6(address: string): string {
  return new URL(`http://[${address}]/`).hostname.slice(1, -1);
}

function txtText(data: unknown): string {
  const parts = Array.isArray(data) ? data : [data];
  // SPF and DKIM split long values into several strings; receivers join them (RFC 7208 3.3).
  return JSON.stringify(parts.map((p) => (Buffer.isBuffer(p) ? p.toString('utf8') : String(p))).join(''));
}

const field = (data: unknown, key: string): unknown =>
  data && typeof data === 'object' ? (data as Record<string, unknown>)[key] : undefined;

/** Canonical text of a record's data as decoded by dns-packet. */
export function canonicalFromPacket(type: string, data: unknown): string {
  switch (type) {
    case 'A':
      return String(data);
    case 'AAAA':
      return isIPv6(String(data)) ? canonicalIPv6(String(data)) : String(data);
    case 'CNAME':
    case 'NS':
    case 'PTR':
    case 'DNAME':
      return normName(String(data));
    case 'MX':
      return `${Number(field(data, 'preference'))} ${normName(String(field(data, 'exchange')))}`;
    case 'TXT':
      return txtText(data);
    case 'SRV':
      return `${Number(field(data, 'priority'))} ${Number(field(data, 'weight'))} ${Number(field(data, 'port'))} ${normName(String(field(data, 'target')))}`;
    case 'CAA':
      return `${Number(field(data, 'flags') ?? 0)} ${String(field(data, 'tag')).toLowerCase()} ${JSON.stringify(String(field(data, 'value')))}`;
    case 'SOA':
      return ['mname', 'rname']
        .map((k) => normName(String(field(data, k))))
        .concat(['serial', 'refresh', 'retry', 'expire', 'minimum'].map((k) => String(field(data, k))))
        .join(' ');
    case 'DS':
      return `${Number(field(data, 'keyTag'))} ${Number(field(data, 'algorithm'))} ${Number(field(data, 'digestType'))} ${(field(data, 'digest') as Buffer | undefined)?.toString('hex').toUpperCase() ?? ''}`;
    case 'DNSKEY':
      return `${Number(field(data, 'flags'))} 3 ${Number(field(data, 'algorithm'))} ${(field(data, 'key') as Buffer | undefined)?.toString('base64') ?? ''}`;
    default:
      return Buffer.isBuffer(data) ? `\\# ${data.length} ${data.toString('hex')}` : JSON.stringify(data);
  }
}

/** A zone-file RDATA (tokens already split, quotes removed for TXT) → the dns-packet data the lab serves. */
export function packetDataFromText(type: string, tokens: readonly string[], absolute: (name: string) => string): unknown {
  const need = (n: number) => {
    if (tokens.length !== n)
      throw new Error(`${type} needs ${n} value${n === 1 ? '' : 's'}, found ${tokens.length}: "${tokens.join(' ')}"`);
  };
  const int = (t: string | undefined, what: string, max = 65_535) => {
    const n = Number(t);
    if (!/^\d+$/.test(t ?? '') || n > max) throw new Error(`${type} ${what} "${t ?? ''}" is not a number from 0 to ${max}`);
    return n;
  };
  switch (type) {
    case 'A':
      need(1);
      if (!isIPv4(tokens[0] ?? '')) throw new Error(`A record value "${tokens[0]}" is not an IPv4 address`);
      return tokens[0];
    case 'AAAA':
      need(1);
      if (!isIPv6(tokens[0] ?? '')) throw new Error(`AAAA record value "${tokens[0]}" is not an IPv6 address`);
      return canonicalIPv6(tokens[0] ?? '');
    case 'CNAME':
    case 'NS':
    case 'PTR':
      need(1);
      return absolute(tokens[0] ?? '');
    case 'MX':
      need(2);
      return { preference: int(tokens[0], 'preference'), exchange: absolute(tokens[1] ?? '') };
    case 'TXT':
      if (!tokens.length) throw new Error('TXT needs at least one quoted string');
      if (tokens.some((t) => Buffer.byteLength(t) > 255))
        throw new Error('a TXT string is longer than 255 bytes; split it into several quoted strings');
      return tokens.map((t) => Buffer.from(t, 'utf8'));
    case 'SRV':
      need(4);
      return {
        priority: int(tokens[0], 'priority'),
        weight: int(tokens[1], 'weight'),
        port: int(tokens[2], 'port'),
        target: absolute(tokens[3] ?? ''),
      };
    case 'CAA': {
      need(3);
      const tag = tokens[1] ?? '';
      if (!['issue', 'issuewild', 'iodef'].includes(tag)) throw new Error(`CAA tag "${tag}" is not issue, issuewild or iodef`);
      return { flags: int(tokens[0], 'flags', 255), tag, value: tokens[2] };
    }
    case 'SOA':
      need(7);
      return {
        mname: absolute(tokens[0] ?? ''),
        rname: absolute(tokens[1] ?? ''),
        serial: int(tokens[2], 'serial', 4_294_967_295),
        refresh: int(tokens[3], 'refresh', 4_294_967_295),
        retry: int(tokens[4], 'retry', 4_294_967_295),
        expire: int(tokens[5], 'expire', 4_294_967_295),
        minimum: int(tokens[6], 'minimum', 4_294_967_295),
      };
    default:
      throw new Error(`record type ${type} is not supported (supported: ${ZONE_TYPES.join(', ')})`);
  }
}

export const ZONE_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS', 'SOA', 'SRV', 'CAA', 'PTR'] as const;
