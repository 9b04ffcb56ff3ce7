// An authoritative zone held in memory: answers, CNAME chains, NODATA / NXDOMAIN with the SOA, referrals with glue,
// and Cloudflare-style apex CNAME flattening (the apex answers A/AAAA with the target's addresses).
import type { LabAnswer, LabQuestion } from './server.ts';
import { normName } from '../../dns/wire.ts';

export interface LabRecord {
  name: string;
  type: string;
  ttl: number;
  data: unknown;
}

export interface ZoneOptions {
  /** Cloudflare: the apex is a CNAME to this name, answered as its A/AAAA ("CNAME flattening"). */
  flattenApexTo?: string;
}

const under = (name: string, zone: string) => name === zone || zone === '' || name.endsWith(`.${zone}`);
const rr = (r: LabRecord, name = r.name) => ({ name, type: r.type, ttl: r.ttl, class: 'IN', data: r.data });

export class AuthZone {
  readonly origin: string;
  private readonly byName = new Map<string, LabRecord[]>();

  constructor(
    origin: string,
    records: readonly LabRecord[],
    private readonly opts: ZoneOptions = {},
  ) {
    this.origin = normName(origin);
    for (const r of records) {
      const name = normName(r.name);
      this.byName.set(name, [...(this.byName.get(name) ?? []), { ...r, name }]);
    }
  }

  records(name: string, type?: string): LabRecord[] {
    return (this.byName.get(normName(name)) ?? []).filter((r) => type === undefined || r.type === type);
  }

  private soa(): Record<string, unknown>[] {
    return this.records(this.origin, 'SOA').map((r) =>
      rr({ ...r, ttl: Math.min(r.ttl, Number((r.data as { minimum?: number }).minimum ?? r.ttl)) }),
    );
  }

  private exists(name: string): boolean {
    if (this.byName.has(name)) return true;
    for (const n of this.byName.keys()) if (n.endsWith(`.${name}`)) return true; // empty non-terminal
    return false;
  }

  /** The closest delegation point strictly below the apex on the way to `name`. */
  private cut(name: string): string | undefined {
    const labels = name.split('.');
    for (let i = 0; i < labels.length; i++) {
      const candidate = labels.slice(i).join('.');
      if (candidate === this.origin || !under(candidate, this.origin)) return undefined;
      if (this.records(candidate, 'NS').length) return candidate;
    }
    return undefined;
  }

  private glue(nsRecords: readonly LabRecord[]): Record<string, unknown>[] {
    return nsRecords.flatMap((ns) => [...this.records(String(ns.data), 'A'), ...this.records(String(ns.data), 'AAAA')].map((r) => rr(r)));
  }

  answer(q: LabQuestion): LabAnswer {
    let name = normName(q.name);
    const type = q.type.toUpperCase();
    if (!under(name, this.origin)) return { rcode: 'REFUSED' };
    const cut = this.cut(name);
    // The DS of a child lives on the parent's side of the cut; everything else below it is referred.
    if (cut && !(type === 'DS' && name === cut)) {
      const ns = this.records(cut, 'NS');
      return { rcode: 'NOERROR', aa: false, authorities: ns.map((r) => rr(r)), additionals: this.glue(ns) };
    }
    const answers: Record<string, unknown>[] = [];
    for (let hops = 0; hops < 8; hops++) {
      if (
        name === this.origin &&
        this.opts.flattenApexTo &&
        type !== 'SOA' &&
        type !== 'NS' &&
        type !== 'DNSKEY' &&
        !this.records(name, type).length
      ) {
        if (type !== 'A' && type !== 'AAAA') return { rcode: 'NOERROR', aa: true, answers, authorities: this.soa() };
        const target = this.records(this.opts.flattenApexTo, type);
        answers.push(...target.map((r) => rr({ ...r, ttl: Math.min(r.ttl, 300) }, name)));
        return { rcode: 'NOERROR', aa: true, answers, ...(target.length ? {} : { authorities: this.soa() }) };
      }
      const exact = this.records(name, type);
      if (exact.length)
        return {
          rcode: 'NOERROR',
          aa: true,
          answers: [...answers, ...exact.map((r) => rr(r))],
          ...(type === 'NS' ? { additionals: this.glue(exact) } : {}),
        };
      const cname = this.records(name, 'CNAME')[0];
      if (cname && type !== 'CNAME') {
        answers.push(rr(cname));
        name = normName(String(cname.data));
        if (!under(name, this.origin) || this.cut(name)) return { rcode: 'NOERROR', aa: true, answers };
        continue;
      }
      if (this.exists(name)) return { rcode: 'NOERROR', aa: true, answers, authorities: this.soa() };
      return { rcode: answers.length ? 'NOERROR' : 'NXDOMAIN', aa: true, answers, authorities: this.soa() };
    }
    return { rcode: 'SERVFAIL' };
  }
}
