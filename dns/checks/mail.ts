// Mail records: MX, SPF (with the mail provider's include), DKIM at each selector, DMARC — present at the new
// provider and equal to the old one. Mail is only tested after the window, so DNS is where it is caught first.
import type { ProbeResult } from '../../core/probe.ts';
import { failed, passed } from '../../core/probe.ts';
import type { DnsTargets } from '../targets.ts';
import type { Asked } from '../answer.ts';
import { askAll, evidence, firstFailure, sameValues, unanswered } from '../answer.ts';

export type MailCheck = { kind: 'mx' } | { kind: 'spf' } | { kind: 'dmarc' } | { kind: 'dkim'; selector: string };

const unquote = (v: string): string => {
  try {
    return String(JSON.parse(v));
  } catch {
    return v;
  }
};

export function mailQuestion(t: DnsTargets, c: MailCheck): { name: string; type: string; label: string } {
  if (c.kind === 'mx') return { name: t.zone, type: 'MX', label: 'MX' };
  if (c.kind === 'spf') return { name: t.zone, type: 'TXT', label: 'SPF' };
  if (c.kind === 'dmarc') return { name: `_dmarc.${t.zone}`, type: 'TXT', label: 'DMARC' };
  return { name: `${c.selector}._domainkey.${t.zone}`, type: 'TXT', label: `DKIM (selector ${c.selector})` };
}

/** The values of the RRset that matter for this check (SPF: the v=spf1 string among the apex TXT records). */
function relevant(c: MailCheck, values: readonly string[]): string[] {
  const text = values.map(unquote);
  if (c.kind === 'spf') return text.filter((v) => /^v=spf1(\s|$)/i.test(v));
  if (c.kind === 'dmarc') return text.filter((v) => /^v=DMARC1/i.test(v));
  if (c.kind === 'dkim') return text.filter((v) => /(^|;)\s*p=/.test(v));
  return [...values];
}

const agreedValues = (asked: readonly Asked[], c: MailCheck) => asked.map((a) => (a.ok ? relevant(c, a.set.values) : []));

export async function checkMail(t: DnsTargets, c: MailCheck, signal: AbortSignal): Promise<ProbeResult> {
  const q = mailQuestion(t, c);
  const { old: oldP, new: newP } = t.providers;
  const [oldAsked, newAsked] = await Promise.all([
    askAll(oldP.servers, q.name, q.type, t.query, signal, true),
    askAll(newP.servers, q.name, q.type, t.query, signal, true),
  ]);
  const details: Record<string, unknown> = {
    record: `${q.name} ${q.type}`,
    check: q.label,
    old: evidence(oldAsked),
    new: evidence(newAsked),
  };
  const newFail = firstFailure(newAsked);
  if (newFail) return unanswered(newFail, details);
  // The old provider is the reference; once it cannot be asked (zone removed at GoDaddy), the declared records are.
  const oldFail = firstFailure(oldAsked);
  const declared = t.records.find((r) => r.name === q.name && r.type === q.type);
  if (oldFail && !declared) return unanswered(oldFail, details);
  const oldSets = oldFail ? [relevant(c, declared?.values ?? [])] : agreedValues(oldAsked, c);
  const oldName = oldFail ? `${declared?.source} (${oldP.name} did not answer: ${oldFail.message})` : oldP.name;
  const newSets = agreedValues(newAsked, c);
  const oldV = oldSets[0] ?? [];
  const show = (v: readonly string[]) => v.map((x) => (c.kind === 'mx' ? x : `"${x}"`)).join(', ');
  const bad = (code: string, message: string) => failed({ layer: 'assertion', code, message }, details);
  for (const [i, newV] of newSets.entries()) {
    const ns = newAsked[i]?.server.name ?? newP.name;
    if (!newV.length) {
      return bad(
        'DNS_MAIL_MISSING',
        `no ${q.label} record at ${newP.name} (${ns}) for ${q.name}${oldV.length ? ` (${oldName} has ${show(oldV)})` : ''}: mail from ${t.zone} will fail ${q.label} checks after the move; add the ${q.type} record at ${newP.name}`,
      );
    }
    if (c.kind === 'spf' && newV.length > 1)
      return bad(
        'DNS_SPF_MULTIPLE',
        `${newP.name} (${ns}) serves ${newV.length} SPF records for ${q.name} (${show(newV)}): receivers treat that as a permanent error (RFC 7208 4.5); merge them into one`,
      );
    if (c.kind === 'spf' && !newV.some((v) => v.toLowerCase().includes(`include:${t.mail.spfInclude.toLowerCase()}`))) {
      return bad(
        'DNS_SPF_INCLUDE',
        `the SPF record at ${newP.name} for ${q.name} (${show(newV)}) lacks include:${t.mail.spfInclude}: mail sent through the mail provider will fail SPF; add the include`,
      );
    }
    if (!oldV.length) continue;
    if (!sameValues([...newV].sort(), [...oldV].sort()))
      return bad(
        'DNS_MAIL_DIFFERS',
        `${q.label} for ${q.name} differs: ${newP.name} (${ns}) has ${show(newV)}, ${oldName} has ${show(oldV)}; copy the record from ${oldP.name}`,
      );
  }
  if (!oldV.length)
    return passed(
      details,
      `${q.label} for ${q.name} present at ${newP.name} (${show(newSets[0] ?? [])}); ${oldName} has none to compare with`,
    );
  return passed(details, `${q.label} for ${q.name} present at ${newP.name} and equal to ${oldName}: ${show(oldV)}`);
}
