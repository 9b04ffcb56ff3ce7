// Expected records: from config (dns.records) and/or a BIND zone file, grouped into RRsets by name and type.
import type { RecordConfig } from './config.ts';
import type { ZoneEntry } from './zonefile.ts';
import { parseZoneText, ZoneFileError } from './zonefile.ts';
import { normName } from './wire.ts';

export interface ExpectedRecord {
  /** Fully qualified, lowercase, no trailing dot. */
  name: string;
  type: string;
  /** Canonical values, sorted; empty → "whatever the old provider serves". */
  values: string[];
  ttl?: number;
  proxied: boolean;
  /** Where it was declared: "invoicecloud.test.zone:14" or "dns.records[2]". */
  source: string;
}

export class RecordConfigError extends Error {
  override readonly name = 'RecordConfigError';
}

const key = (name: string, type: string) => `${name} ${type}`;

export function absoluteName(name: string, zone: string): string {
  if (name === '@') return normName(zone);
  if (name.endsWith('.')) return normName(name);
  const z = normName(zone);
  return normName(z ? `${name}.${z}` : name);
}

/** Groups zone entries into RRsets; SOA and the apex NS set belong to the provider, not to the zone's content. */
export function expectedFromZone(entries: readonly ZoneEntry[], zone: string, file: string): ExpectedRecord[] {
  const apex = normName(zone);
  const sets = new Map<string, ExpectedRecord>();
  for (const e of entries) {
    if (e.type === 'SOA' || (e.type === 'NS' && e.name === apex)) continue;
    const k = key(e.name, e.type);
    const set = sets.get(k) ?? { name: e.name, type: e.type, values: [], ttl: e.ttl, proxied: false, source: `${file}:${e.line}` };
    if (!set.values.includes(e.text)) set.values.push(e.text);
    set.ttl = Math.min(set.ttl ?? e.ttl, e.ttl);
    set.proxied ||= e.proxied;
    sets.set(k, set);
  }
  return [...sets.values()].map((s) => ({ ...s, values: s.values.sort() }));
}

/** Config records; each value is parsed as zone-file data so both sources compare the same way. */
export function expectedFromConfig(records: readonly RecordConfig[], zone: string): ExpectedRecord[] {
  return records.map((r, i) => {
    const name = absoluteName(r.name, zone);
    let values: string[] = [];
    try {
      values = r.values.map(
        (v) => parseZoneText(`${name}. 300 IN ${r.type} ${v}`, { origin: zone, file: `dns.records[${i}]` }).entries[0]?.text ?? '',
      );
    } catch (e) {
      const problem = e instanceof ZoneFileError ? e.message.replace(/:\d+: /, ': ') : (e as Error).message;
      throw new RecordConfigError(`${problem} (fix dns.records[${i}] in the config)`);
    }
    return { name, type: r.type, values: values.sort(), proxied: r.proxied, source: `dns.records[${i}]` };
  });
}

/** Config records win over zone-file ones for the same name and type; `proxied` names are marked. */
export function mergeExpected(
  fromZone: readonly ExpectedRecord[],
  fromConfig: readonly ExpectedRecord[],
  proxiedNames: readonly string[],
  zone: string,
): ExpectedRecord[] {
  const proxied = new Set(proxiedNames.map((n) => absoluteName(n, zone)));
  const merged = new Map<string, ExpectedRecord>();
  for (const r of [...fromZone, ...fromConfig]) merged.set(key(r.name, r.type), r);
  return [...merged.values()].map((r) => (proxied.has(r.name) && ['A', 'AAAA', 'CNAME'].includes(r.type) ? { ...r, proxied: true } : r));
}

export type MailRole = 'mx' | 'spf' | 'dkim' | 'dmarc';

/** Mail records are checked by the mail checks, not by parity (one fault, one failing check). */
export function mailRole(r: { name: string; type: string }, zone: string): MailRole | undefined {
  const apex = normName(zone);
  if (r.type === 'MX' && r.name === apex) return 'mx';
  if (r.type === 'TXT' && r.name === apex) return 'spf';
  if (r.type === 'TXT' && r.name.endsWith(`._domainkey.${apex}`)) return 'dkim';
  if (r.type === 'TXT' && r.name === `_dmarc.${apex}`) return 'dmarc';
  return undefined;
}
