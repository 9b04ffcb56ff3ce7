// The dns check kind: one CheckTask per delegation, record, resolver, mail record, DNSSEC and TTL check the
// window names; servers from the lab manifest in the lab, from config.dns elsewhere.
import { z } from 'zod';
import type { HarnessConfig } from '../core/config/schema.ts';
import { defineKind, type PlanContext } from '../core/kind.ts';
import type { CheckTask } from '../core/task.ts';
import { brokenTask } from '../core/task.ts';
import type { ResolvedEstate } from '../estate/model.ts';
import type { ProbeResult } from '../core/probe.ts';
import type { Target } from '../core/result.ts';
import type { DnsTargets } from './targets.ts';
import { dnsTargets } from './targets.ts';
import { mailRole } from './records.ts';
import { checkDelegation } from './checks/delegation.ts';
import { checkParity } from './checks/parity.ts';
import { checkResolver } from './checks/resolvers.ts';
import type { MailCheck } from './checks/mail.ts';
import { checkMail, mailQuestion } from './checks/mail.ts';
import { checkDnssec } from './checks/dnssec.ts';
import { apexNsRecord, checkTtl } from './checks/ttl.ts';

export const DnsCheckName = z.enum(['delegation', 'parity', 'resolvers', 'mail', 'dnssec', 'ttl']);
export type DnsCheckName = z.infer<typeof DnsCheckName>;

type Make = (id: string, title: string, target: Target, run: (signal: AbortSignal) => Promise<ProbeResult>) => CheckTask;

/** Where an operator writes the estate's nameservers: the untracked overlay (README "Pointing it at a real estate"). */
const OVERLAY_HINT = '; set it in harness.local.ts, the overlay beside the config file (docs/production.md §1)';

/** What each configured check needs before it can ask anything; a gap is a broken check naming the config key. */
function missing(t: DnsTargets, check: DnsCheckName): string | undefined {
  const where = t.source === 'lab' ? 'the lab manifest' : 'config.dns';
  if (check === 'delegation' && !t.parent.servers.length) return `${where} lists no parent nameservers (dns.parent.nameservers)`;
  if (check === 'dnssec' && !t.parent.servers.length) return `${where} lists no parent nameservers (dns.parent.nameservers)`;
  if (check === 'resolvers' && !t.resolvers.length) return `${where} lists no resolvers (dns.resolvers)`;
  if (['parity', 'mail', 'dnssec', 'delegation', 'resolvers'].includes(check) && !t.providers.new.servers.length)
    return `${where} lists no nameservers for the new provider (dns.providers.new.nameservers)`;
  if (['parity', 'mail', 'ttl', 'resolvers'].includes(check) && !t.providers.old.servers.length)
    return `${where} lists no nameservers for the old provider (dns.providers.old.nameservers)`;
  if ((check === 'parity' || check === 'ttl') && !t.records.length) return `no expected records: set dns.records or dns.zoneFile`;
  return undefined;
}

export function dnsTasksFor(check: DnsCheckName, t: DnsTargets, live: 'old' | 'new', make: Make): CheckTask[] {
  const ns = (p: 'old' | 'new') => t.providers[p].servers.map((s) => s.name).join(',');
  switch (check) {
    case 'delegation':
      return [
        make(
          'dns:delegation',
          `${t.zone} is delegated to ${t.providers[live].name}`,
          { record: `${t.zone} NS`, nameserver: t.parent.servers.map((s) => s.name).join(',') },
          (sig) => checkDelegation(t, live, sig),
        ),
      ];
    case 'parity':
      return t.records
        .filter((r) => !mailRole(r, t.zone))
        .map((r) =>
          make(
            `dns:parity:${r.name}:${r.type}`,
            `${r.name} ${r.type} is the same at ${t.providers.new.name} as at ${t.providers.old.name}${r.proxied ? ' (proxied)' : ''}`,
            { record: `${r.name} ${r.type}`, nameserver: `${ns('old')},${ns('new')}` },
            (sig) => checkParity(t, r, sig),
          ),
        );
    case 'resolvers':
      return t.resolvers.map((res) =>
        make(
          `dns:resolver:${res.name}`,
          `resolver ${res.name} gives ${t.providers[live].name}'s answers`,
          { resolver: res.name, record: t.zone },
          (sig) => checkResolver(t, res, live, sig),
        ),
      );
    case 'mail': {
      const checks: MailCheck[] = [
        ...(t.mail.mx ? [{ kind: 'mx' as const }] : []),
        { kind: 'spf' },
        ...t.mail.dkimSelectors.map((selector) => ({ kind: 'dkim' as const, selector })),
        ...(t.mail.dmarc ? [{ kind: 'dmarc' as const }] : []),
      ];
      return checks.map((c) => {
        const q = mailQuestion(t, c);
        const id = c.kind === 'dkim' ? `dns:mail:dkim:${c.selector}` : `dns:mail:${c.kind}`;
        return make(
          id,
          `${q.label} for ${t.zone} present at ${t.providers.new.name} and equal to ${t.providers.old.name}`,
          { record: `${q.name} ${q.type}`, nameserver: `${ns('old')},${ns('new')}` },
          (sig) => checkMail(t, c, sig),
        );
      });
    }
    case 'dnssec':
      return [
        make(
          'dns:dnssec',
          `DNSSEC validates from the DS at the parent through the delegated nameservers' keys and signatures`,
          { record: `${t.zone} DS`, nameserver: `${t.parent.servers.map((s) => s.name).join(',')},${ns(live)}` },
          (sig) => checkDnssec(t, live, sig),
        ),
      ];
    case 'ttl':
      // The apex NS set too: resolvers keep the old provider's NS set for its TTL after the flip (apexNsRecord).
      return [...t.records.filter((r) => !(r.type === 'CNAME' && r.name === t.zone)), apexNsRecord(t)].map((r) =>
        make(
          `dns:ttl:${r.name}:${r.type}`,
          `${r.name} ${r.type} TTL at ${t.providers.old.name} is at most ${t.ttlMaxSeconds} s`,
          { record: `${r.name} ${r.type}`, nameserver: ns('old') },
          (sig) => checkTtl(t, r, sig),
        ),
      );
  }
}

export const dnsKind = defineKind({
  id: 'dns',
  family: 'dns',
  summary: 'delegation, old-vs-new parity, resolvers, mail records, DNSSEC and TTL readiness of the zone being moved',
  params: z.strictObject({ checks: z.array(DnsCheckName).min(1) }),
  severity: 'critical',
  plan: (ctx: PlanContext<HarnessConfig, ResolvedEstate>, p, severity) => {
    const { step, config } = ctx;
    const base = { family: 'dns' as const, kind: 'dns' as const, severity };
    let targets: DnsTargets;
    try {
      targets = dnsTargets(ctx);
    } catch (err) {
      return [
        brokenTask(
          { ...base, id: 'dns:config', title: `dns checks for ${step.id}`, target: {} },
          `the dns checks cannot be planned: ${(err as Error).message}`,
        ),
      ];
    }
    const make: Make = (id, title, target, run) => ({
      ...base,
      type: 'check',
      id,
      title,
      target,
      timeoutMs: config.policy.timeouts.dnsMs,
      retries: config.policy.retries,
      run,
    });
    return p.checks.flatMap((check) => {
      const gap = missing(targets, check);
      if (gap)
        return [
          brokenTask(
            { ...base, id: `dns:${check}`, title: `dns ${check} checks`, target: {} },
            `the dns ${check} checks cannot run: ${gap}${targets.source === 'lab' ? '' : OVERLAY_HINT}`,
          ),
        ];
      return dnsTasksFor(check, targets, step.after.dnsProvider, make);
    });
  },
});
