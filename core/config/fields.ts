// Field types every config section shares: names, addresses, headers, regexes and bounded numbers, each saying what is valid.
import { isIP } from 'node:net';
import { z } from 'zod';
import { MAX_TIMER_MS } from '../deadline.ts';

/** One DNS label: letters, digits and inner dashes, at most 63 characters (RFC 1035). */
const LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

export function isHostName(s: string): boolean {
  if (s.length === 0 || s.length > 253) return false;
  return s.split('.').every((l) => LABEL.test(l));
}

/** A domain such as invoicecloud.com: labels only; no scheme, path, port, '#', spaces or trailing dot. */
export const DomainName = z
  .string()
  .max(253, 'a domain is at most 253 characters')
  .refine(isHostName, 'a domain such as invoicecloud.com: letters, digits, dashes and dots; no scheme, path, port or trailing dot');

/** A host label under the domain ("www", "eu.app"): labels only, never a full URL. */
export const HostLabel = z
  .string()
  .max(190, 'a label is at most 190 characters (the whole name must fit in 253)')
  .refine(isHostName, 'a host label such as www: letters, digits and dashes (dots between labels); no "#", spaces or trailing dot');

/** An address an operator fills in: an IPv4/IPv6 literal or a DNS name, never a URL. */
export const AddressText = z
  .string()
  .min(1)
  .max(253)
  .refine((s) => isIP(s) !== 0 || isHostName(s), 'an IP address (10.0.0.4, fd00::4) or a host name (web1.corp.example); not a URL');

/** An HTTP header name (RFC 9110 token). */
export const HeaderName = z
  .string()
  .max(128)
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "an HTTP header name such as x-served-by (not empty): letters, digits and !#$%&'*+.^_`|~-");

/** A URL path on the host: starts with '/', no spaces or fragment. */
export const UrlPath = z
  .string()
  .max(2048)
  .regex(/^\/[^\s#]*$/, 'a path starting with / (no spaces or #)');

/** The name of an environment variable. */
export const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'an environment variable name such as HARNESS_TEST_USER');

/** A regular expression that compiles (a broken one would make every check using it broken, never failed). */
export const RegexText = z
  .string()
  .min(1)
  .max(512, 'a regular expression of at most 512 characters')
  .superRefine((s, ctx) => {
    try {
      new RegExp(s);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${(err as Error).message}` });
    }
  });

/** A whole number of milliseconds between 1 and `max`, where `why` says why the bound is there. */
export function boundedMs(max: number, why: string) {
  if (max >= MAX_TIMER_MS) throw new Error(`bound ${max} ms is not below Node's timer limit`);
  return z.number().int().positive().max(max, `at most ${max} ms: ${why}`);
}

/** Names that must be unique in a list: one issue per repeat, at the repeat's own path. */
export function uniqueBy<T>(
  items: readonly T[],
  key: (t: T) => string,
  path: (i: number) => (string | number)[],
  what: string,
  ctx: z.RefinementCtx,
) {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const k = key(item).toLowerCase();
    const first = seen.get(k);
    if (first === undefined) seen.set(k, i);
    else
      ctx.addIssue({
        code: 'custom',
        path: path(i),
        message: `${what} "${key(item)}" is already used (${path(first).join('.')}); names must be unique`,
      });
  });
}
