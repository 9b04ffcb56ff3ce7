// JSON assertions of the declarative API check: every value a path reaches must satisfy the operator (at least one
// must be reached), or `count` bounds how many are reached. Failures say where, what was found and what was expected.
import { z } from 'zod';
import { evaluate, parsePath, PathError } from './json-path.ts';

const JsonPath = z
  .string()
  .min(1)
  .superRefine((p, ctx) => {
    try {
      parsePath(p);
    } catch (err) {
      if (err instanceof PathError) ctx.addIssue({ code: 'custom', message: err.message });
      else throw err;
    }
  });

export const Assertion = z
  .strictObject({
    path: JsonPath,
    op: z.enum(['equals', 'notEquals', 'in', 'matches', 'exists', 'absent', 'count']),
    value: z.unknown().optional(),
    /** count: how many values the path must reach. */
    min: z.number().int().min(0).optional(),
    max: z.number().int().min(0).optional(),
    /** Path (relative to the element the first [*] or filter picked) naming it in messages: metadata.name. */
    label: JsonPath.optional(),
    /** What the on-call engineer does when this fails, appended to the message. */
    fix: z.string().min(1).max(300).optional(),
  })
  .superRefine((a, ctx) => {
    const needsValue = ['equals', 'notEquals', 'in', 'matches'].includes(a.op);
    if (needsValue && a.value === undefined) ctx.addIssue({ code: 'custom', path: ['value'], message: `op ${a.op} needs a value` });
    if (a.op === 'in' && !Array.isArray(a.value)) ctx.addIssue({ code: 'custom', path: ['value'], message: 'op in needs an array' });
    if (a.op === 'matches') {
      try {
        new RegExp(String(a.value));
      } catch {
        ctx.addIssue({ code: 'custom', path: ['value'], message: 'op matches needs a valid regular expression' });
      }
    }
    if (a.op === 'count' && a.min === undefined && a.max === undefined)
      ctx.addIssue({ code: 'custom', path: ['min'], message: 'op count needs min and/or max' });
  });
export type Assertion = z.output<typeof Assertion>;

/** A value as shown in a message: short, or hidden when the check is marked sensitive. */
export function show(v: unknown, sensitive: boolean): string {
  if (sensitive) return '(value hidden)';
  const s = v === undefined ? 'undefined' : JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

const deepEqual = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function holds(a: Assertion, v: unknown): boolean {
  switch (a.op) {
    case 'equals':
      return deepEqual(v, a.value);
    case 'notEquals':
      return !deepEqual(v, a.value);
    case 'in':
      return (a.value as unknown[]).some((x) => deepEqual(v, x));
    case 'matches':
      return typeof v === 'string' && new RegExp(String(a.value)).test(v);
    case 'exists':
      return v !== null && v !== undefined;
    default:
      return true;
  }
}

const expected = (a: Assertion, sensitive: boolean) =>
  a.op === 'equals'
    ? show(a.value, sensitive)
    : a.op === 'notEquals'
      ? `anything but ${show(a.value, sensitive)}`
      : a.op === 'in'
        ? `one of ${show(a.value, sensitive)}`
        : a.op === 'matches'
          ? `to match /${String(a.value)}/`
          : 'a value';

/** Problems with `body` under assertion `a`, one line each (empty when it holds). */
export function check(body: unknown, a: Assertion, sensitive = false): string[] {
  const found = evaluate(body, parsePath(a.path));
  const fix = a.fix ? ` — ${a.fix}` : '';
  if (a.op === 'absent') return found.length ? [`${a.path} is present (${found.length} value(s)), expected absent${fix}`] : [];
  if (a.op === 'count') {
    const n = found.length;
    if ((a.min !== undefined && n < a.min) || (a.max !== undefined && n > a.max)) {
      const range =
        a.min !== undefined && a.max !== undefined ? `${a.min}..${a.max}` : a.min !== undefined ? `at least ${a.min}` : `at most ${a.max}`;
      return [`${a.path} matched ${n} value(s), expected ${range}${fix}`];
    }
    return [];
  }
  if (!found.length) return [`nothing at ${a.path} (expected ${expected(a, sensitive)})${fix}`];
  const labelPath = a.label ? parsePath(a.label) : undefined;
  const bad = found.filter((f) => !holds(a, f.value));
  if (!bad.length) return [];
  const where = (f: (typeof bad)[number]) => {
    const name = labelPath && f.element !== undefined ? evaluate(f.element, labelPath)[0]?.value : undefined;
    return name !== undefined ? `${String(name)}: ${f.at}` : f.at;
  };
  const listed = bad.slice(0, 5).map((f) => `${where(f)} is ${show(f.value, sensitive)}`);
  const more = bad.length > 5 ? ` (and ${bad.length - 5} more)` : '';
  return [`${listed.join('; ')}${more}, expected ${expected(a, sensitive)}${fix}`];
}
