// RFC 8914 extended DNS error codes: a resolver's SERVFAIL says why (DNSSEC bogus, expired signature, no key…);
// the harness names that cause instead of guessing "the zone is not loaded".
import type { ExtendedError } from './wire.ts';

/** INFO-CODE → the RFC 8914 section 4 name. */
export const EDE_NAMES: Record<number, string> = {
  0: 'Other Error',
  1: 'Unsupported DNSKEY Algorithm',
  2: 'Unsupported DS Digest Type',
  3: 'Stale Answer',
  4: 'Forged Answer',
  5: 'DNSSEC Indeterminate',
  6: 'DNSSEC Bogus',
  7: 'Signature Expired',
  8: 'Signature Not Yet Valid',
  9: 'DNSKEY Missing',
  10: 'RRSIGs Missing',
  11: 'No Zone Key Bit Set',
  12: 'NSEC Missing',
  13: 'Cached Error',
  14: 'Not Ready',
  15: 'Blocked',
  16: 'Censored',
  17: 'Filtered',
  18: 'Prohibited',
  19: 'Stale NXDOMAIN Answer',
  20: 'Not Authoritative',
  21: 'Not Supported',
  22: 'No Reachable Authority',
  23: 'Network Error',
  24: 'Invalid Data',
};

/** Codes 1, 2 and 5–12 are DNSSEC validation failures (RFC 8914 4.2–4.13). */
export const isDnssecEde = (code: number) => (code >= 5 && code <= 12) || code === 1 || code === 2;

export function edeText(e: ExtendedError): string {
  return `EDE ${e.code} ${EDE_NAMES[e.code] ?? 'unassigned'}${e.text ? `: "${e.text}"` : ''}`;
}

/** What a SERVFAIL carrying these EDEs means for the operator: the cause, then what to look at. */
export function servfailCause(ede: readonly ExtendedError[]): string {
  if (!ede.length)
    return 'resolvers that pick this nameserver get no answer; check that the zone is active and loaded there (no extended DNS error given)';
  const shown = ede.map(edeText).join(', ');
  if (ede.some((e) => isDnssecEde(e.code)))
    return `DNSSEC validation failed (${shown}): the DS at the registrar and the provider's DNSKEY/RRSIGs do not form a valid chain; see dns:dnssec`;
  if (ede.some((e) => e.code === 22 || e.code === 23))
    return `the resolver could not reach the zone's nameservers (${shown}); check the delegation and that the nameservers answer`;
  return `the resolver gave the reason ${shown}`;
}
