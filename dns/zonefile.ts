// Reads a BIND-format zone file the way GoDaddy exports it ($ORIGIN, "@ 600 IN A …", multi-line SOA, quoted TXT).
// A record may be marked proxied by a trailing comment: "; cf_tags=cf-proxied:true" (Cloudflare's export) or "; proxied".
import { readFileSync } from 'node:fs';
import { normName } from './wire.ts';
import { canonicalFromPacket, packetDataFromText, ZONE_TYPES } from './rdata.ts';

export interface ZoneEntry {
  /** Fully qualified, lowercase, no trailing dot. */
  name: string;
  type: string;
  ttl: number;
  /** What dns-packet encodes (the lab serves it). */
  data: unknown;
  /** Canonical text the checks compare. */
  text: string;
  proxied: boolean;
  line: number;
}

export class ZoneFileError extends Error {
  override readonly name = 'ZoneFileError';
  constructor(
    readonly file: string,
    readonly line: number,
    problem: string,
  ) {
    super(`${file}:${line}: ${problem}`);
  }
}

interface LogicalLine {
  line: number;
  ownerOmitted: boolean;
  tokens: string[];
  /** Which tokens were quoted (TXT strings may look like anything). */
  quoted: boolean[];
  /** Each token's bytes: \DDD escapes are bytes (RFC 1035 5.1), as BIND and Knot read them, not Latin-1 characters. */
  bytes: Buffer[];
  comment: string;
}

/** Splits the text into logical lines: joins ( … ) across lines, drops comments but keeps their text. */
function logicalLines(text: string, file: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  let current: LogicalLine | undefined;
  let depth = 0;
  const lines = text.split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    const lineNo = i + 1;
    if (depth === 0) current = { line: lineNo, ownerOmitted: /^[ \t]/.test(raw), tokens: [], quoted: [], bytes: [], comment: '' };
    const cur = current as LogicalLine;
    let pos = 0;
    while (pos < raw.length) {
      const ch = raw[pos] as string;
      if (ch === ' ' || ch === '\t') pos += 1;
      else if (ch === ';') {
        cur.comment += raw.slice(pos + 1) + ' ';
        break;
      } else if (ch === '(') {
        depth += 1;
        pos += 1;
      } else if (ch === ')') {
        if (depth === 0) throw new ZoneFileError(file, lineNo, '")" without a matching "("');
        depth -= 1;
        pos += 1;
      } else if (ch === '"') {
        const parts: Buffer[] = [];
        pos += 1;
        for (;;) {
          if (pos >= raw.length) throw new ZoneFileError(file, lineNo, 'a quoted string is not closed on this line; add the closing "');
          const c = raw[pos] as string;
          if (c === '"') break;
          if (c === '\\') {
            const digits = /^\d{3}/.exec(raw.slice(pos + 1));
            const byte = digits ? Number(digits[0]) : undefined;
            if (byte !== undefined && byte > 255)
              throw new ZoneFileError(file, lineNo, `the escape \\${digits?.[0]} is not a byte (\\000 to \\255)`);
            const ch = String.fromCodePoint(raw.codePointAt(pos + 1) ?? 0);
            parts.push(byte !== undefined ? Buffer.from([byte]) : Buffer.from(raw[pos + 1] === undefined ? '' : ch, 'utf8'));
            pos += digits ? 4 : 1 + ch.length;
          } else {
            const ch = String.fromCodePoint(raw.codePointAt(pos) ?? 0);
            parts.push(Buffer.from(ch, 'utf8'));
            pos += ch.length;
          }
        }
        pos += 1;
        const bytes = Buffer.concat(parts);
        cur.tokens.push(bytes.toString('utf8'));
        cur.quoted.push(true);
        cur.bytes.push(bytes);
      } else {
        const m = /^[^\s;()"]+/.exec(raw.slice(pos));
        const token = m?.[0] ?? ch;
        cur.tokens.push(token);
        cur.quoted.push(false);
        cur.bytes.push(Buffer.from(token, 'utf8'));
        pos += token.length;
      }
    }
    if (depth === 0 && cur.tokens.length) out.push(cur);
  }
  if (depth !== 0 && current) throw new ZoneFileError(file, current.line, '"(" is never closed; add the matching ")"');
  return out;
}

function txtData(strings: readonly Buffer[]): Buffer[] {
  if (!strings.length) throw new Error('TXT needs at least one quoted string');
  if (strings.some((b) => b.length > 255)) throw new Error('a TXT string is longer than 255 bytes; split it into several quoted strings');
  return strings.map((b) => Buffer.from(b));
}

const TTL_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

function parseTtl(token: string): number | undefined {
  if (/^\d+$/.test(token)) return Number(token);
  if (!/^(\d+[smhdw])+$/i.test(token)) return undefined;
  let total = 0;
  for (const m of token.toLowerCase().matchAll(/(\d+)([smhdw])/g)) total += Number(m[1]) * (TTL_UNITS[m[2] as string] ?? 0);
  return total;
}

const CLASSES = new Set(['IN', 'CH', 'HS', 'CS']);
const isProxiedComment = (c: string) => /cf-proxied:true/i.test(c) || /(^|[\s,;])proxied(\s|$)/i.test(c);

export interface ParseOptions {
  /** Origin when the file has no $ORIGIN (the zone's name). */
  origin?: string;
  file?: string;
  /** Default TTL when neither $TTL nor the record gives one. */
  defaultTtl?: number;
}

export function parseZoneText(text: string, opts: ParseOptions = {}): { origin: string; entries: ZoneEntry[] } {
  const file = opts.file ?? '(zone text)';
  let origin = opts.origin !== undefined ? normName(opts.origin) : undefined;
  let defaultTtl = opts.defaultTtl ?? 3600;
  let lastOwner: string | undefined;
  const entries: ZoneEntry[] = [];
  for (const l of logicalLines(text, file)) {
    const err = (problem: string): never => {
      throw new ZoneFileError(file, l.line, problem);
    };
    const needOrigin = (): string => origin ?? err('a relative name needs $ORIGIN; add "$ORIGIN example.com." at the top');
    const absolute = (n: string): string => {
      if (n === '@') return needOrigin();
      if (n.endsWith('.')) return normName(n);
      const o = needOrigin();
      return o ? `${n.toLowerCase()}.${o}` : n.toLowerCase();
    };
    const first = l.tokens[0] as string;
    if (!l.ownerOmitted && first.startsWith('$')) {
      const directive = first.toUpperCase();
      if (directive === '$ORIGIN') {
        const value = l.tokens[1] ?? err('$ORIGIN needs a name, e.g. "$ORIGIN example.com."');
        if (!value.endsWith('.')) err(`$ORIGIN ${value} must be absolute; write "${value}."`);
        origin = normName(value);
      } else if (directive === '$TTL') {
        defaultTtl = parseTtl(l.tokens[1] ?? '') ?? err(`$TTL "${l.tokens[1] ?? ''}" is not a TTL (seconds, or 1h30m)`);
      } else err(`directive ${first} is not supported (only $ORIGIN and $TTL); inline the included records`);
      continue;
    }
    const tokens = l.tokens.slice();
    const quoted = l.quoted.slice();
    const bytes = l.bytes.slice();
    let owner: string;
    if (l.ownerOmitted)
      owner = lastOwner ?? err('this record has no owner name and no record comes before it; start the line with the name');
    else {
      owner = absolute(tokens.shift() as string);
      quoted.shift();
      bytes.shift();
    }
    let ttl: number | undefined;
    let type: string | undefined;
    while (tokens.length && !type) {
      const t = tokens.shift() as string;
      quoted.shift();
      bytes.shift();
      const asTtl = parseTtl(t);
      if (asTtl !== undefined && ttl === undefined) ttl = asTtl;
      else if (CLASSES.has(t.toUpperCase())) {
        if (t.toUpperCase() !== 'IN') err(`class ${t} is not supported; public zones are class IN`);
      } else type = t.toUpperCase();
    }
    if (!type) err(`the record for ${owner || '.'} has no type; expected "name [ttl] [IN] TYPE data"`);
    const rtype = type as string;
    if (!(ZONE_TYPES as readonly string[]).includes(rtype))
      err(`record type ${rtype} is not supported (supported: ${ZONE_TYPES.join(', ')})`);
    if (rtype !== 'TXT' && rtype !== 'CAA' && quoted.some(Boolean)) err(`${rtype} data must not be quoted`);
    let data: unknown;
    try {
      // TXT strings are bytes; \DDD escapes decoded above are bytes, whatever UTF-8 they form.
      data = rtype === 'TXT' ? txtData(bytes) : packetDataFromText(rtype, tokens, absolute);
    } catch (e) {
      err((e as Error).message);
    }
    lastOwner = owner;
    entries.push({
      name: owner,
      type: rtype,
      ttl: ttl ?? defaultTtl,
      data,
      text: canonicalFromPacket(rtype, data),
      proxied: isProxiedComment(l.comment),
      line: l.line,
    });
  }
  return { origin: origin ?? '', entries };
}

export function loadZoneFile(path: string, opts: Omit<ParseOptions, 'file'> = {}): { origin: string; entries: ZoneEntry[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ZoneFileError(
      path,
      0,
      `cannot read the zone file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); check dns.zoneFile`,
    );
  }
  return parseZoneText(text, { ...opts, file: path });
}
