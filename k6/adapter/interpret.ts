// Turns one k6 run (exit code, log, summary) into outcomes: one per threshold, one per k6 check, one for the run.
// Pure: the adapter's process handling and the fixture tests feed it the same facts.
import type { Status } from '../../core/result.ts';
import { thresholdKeys } from '../contract.ts';
import { exitMeaning } from './exit-codes.ts';
import { iterationExceptions, otherErrors, parseK6Log } from './logs.ts';
import { allChecks, parseSummary } from './summary.ts';
import type { K6Summary } from './summary.ts';

export interface K6RunSpec {
  /** k6:connection-sanity:www2 */
  idPrefix: string;
  /** "connection-sanity on www2", for titles and messages. */
  label: string;
  /** The thresholds the harness set (metric → expressions); each must come back evaluated. */
  thresholds: Record<string, string[]>;
  /** The k6 check names the script makes; each must come back counted. */
  checks: string[];
}

export interface K6RunFacts {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stopped: boolean;
  /** Why the harness stopped it (deadline, interrupted run), when it did. */
  stopReason?: string;
  spawnError?: string;
  stderr: string;
  summaryText?: string;
  summaryFile: string;
}

export interface K6Outcome {
  id: string;
  title: string;
  status: Exclude<Status, 'skipped'>;
  message: string;
  details: Record<string, unknown>;
}

export const runId = (spec: K6RunSpec) => `${spec.idPrefix}:run`;
export const thresholdId = (spec: K6RunSpec, key: string) => `${spec.idPrefix}:threshold:${key}`;
export const checkId = (spec: K6RunSpec, name: string) => `${spec.idPrefix}:check:${name}`;

export function expectedIds(spec: K6RunSpec): string[] {
  return [runId(spec), ...thresholdKeys(spec.thresholds).map((t) => thresholdId(spec, t.key)), ...spec.checks.map((c) => checkId(spec, c))];
}

const EXPR = /^\s*([a-z]+|p\(\d+(?:\.\d+)?\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/;

function fmt(v: number, contains: string | undefined): string {
  const n = Number.isInteger(v) ? String(v) : v.toFixed(Math.abs(v) < 1 ? 4 : 2).replace(/\.?0+$/, '');
  return contains === 'time' ? `${n} ms` : contains === 'data' ? `${n} B` : n;
}

function rateCounts(metric: string, values: Record<string, number>): string {
  const { passes, fails } = values;
  if (passes === undefined || fails === undefined) return '';
  const total = passes + fails;
  if (metric.startsWith('http_req_failed')) return ` (${passes} of ${total} requests failed)`;
  if (metric.startsWith('checks')) return ` (${passes} of ${total} checks passed)`;
  return ` (${passes} of ${total} true)`;
}

function thresholdOutcomes(spec: K6RunSpec, summary: K6Summary | undefined, notEvaluated: string): K6Outcome[] {
  const wanted = new Map(Object.entries(spec.thresholds).map(([m, e]) => [m, [...e]]));
  for (const [metric, m] of Object.entries(summary?.metrics ?? {})) {
    const exprs = wanted.get(metric) ?? [];
    for (const e of Object.keys(m.thresholds ?? {})) if (!exprs.includes(e)) exprs.push(e);
    if (exprs.length) wanted.set(metric, exprs);
  }
  return thresholdKeys(Object.fromEntries(wanted)).map(({ metric, expression, key }) => {
    const id = thresholdId(spec, key);
    const title = `k6 ${spec.label}: threshold ${metric} ${expression}`;
    const m = summary?.metrics[metric];
    const verdict = m?.thresholds?.[expression];
    if (!summary) return { id, title, status: 'broken', message: `threshold ${metric} ${expression} not evaluated: ${notEvaluated}`, details: { metric, expression } };
    if (!m || !verdict) {
      return { id, title, status: 'broken', message: `threshold ${metric} ${expression} not evaluated: k6 reported no samples for ${metric}`, details: { metric, expression } };
    }
    const parsed = EXPR.exec(expression);
    const agg = parsed?.[1];
    const observed = agg !== undefined ? m.values[agg] : undefined;
    const limit = parsed ? `${expression.replace(/\s+/g, '')}${m.contains === 'time' ? ' ms' : ''}` : expression;
    const seen = observed === undefined ? `${agg ?? expression} is not in the summary` : `${agg} was ${fmt(observed, m.contains)}${agg === 'rate' ? rateCounts(metric, m.values) : ''}`;
    const details = { metric, expression, observed: observed ?? null, limit: parsed ? Number(parsed[3]) : null, ok: verdict.ok };
    return verdict.ok
      ? { id, title, status: 'passed', message: `${metric}: ${seen}, within ${limit}`, details }
      : { id, title, status: 'failed', message: `threshold crossed on ${metric}: ${seen}, limit ${limit}`, details };
  });
}

function checkOutcomes(spec: K6RunSpec, summary: K6Summary | undefined, notEvaluated: string, exceptions: string[]): K6Outcome[] {
  const counts = new Map<string, { passes: number; fails: number }>();
  for (const c of summary ? allChecks(summary.root_group) : []) {
    const prev = counts.get(c.name) ?? { passes: 0, fails: 0 };
    counts.set(c.name, { passes: prev.passes + c.passes, fails: prev.fails + c.fails });
  }
  const names = [...new Set([...spec.checks, ...counts.keys()])];
  return names.map((name) => {
    const id = checkId(spec, name);
    const title = `k6 ${spec.label}: check "${name}"`;
    const c = counts.get(name);
    if (!summary) return { id, title, status: 'broken', message: `check "${name}" not evaluated: ${notEvaluated}`, details: {} };
    if (!c) {
      const why = exceptions.length ? `iterations threw before reaching it (${exceptions[0]})` : 'no iteration reached it';
      return { id, title, status: 'broken', message: `check "${name}" never ran: ${why}`, details: { passes: 0, fails: 0 } };
    }
    const total = c.passes + c.fails;
    return c.fails === 0
      ? { id, title, status: 'passed', message: `check "${name}" passed ${c.passes} of ${total} times`, details: c }
      : { id, title, status: 'failed', message: `check "${name}" failed ${c.fails} of ${total} times`, details: c };
  });
}

function crossed(summary: K6Summary): string[] {
  return Object.entries(summary.metrics).flatMap(([metric, m]) => Object.entries(m.thresholds ?? {}).filter(([, t]) => !t.ok).map(([e]) => `${metric} ${e}`));
}

export function interpretK6Run(facts: K6RunFacts, spec: K6RunSpec): K6Outcome[] {
  const log = parseK6Log(facts.stderr);
  const exceptions = iterationExceptions(log);
  const errors = otherErrors(log);
  const exit = exitMeaning(facts.exitCode, facts.signal);
  const read = facts.spawnError || facts.stopped ? undefined : parseSummary(facts.summaryText, facts.summaryFile);
  const summary = read?.ok ? read.summary : undefined;
  const because = errors[0] ? `: ${errors[0]}` : '';
  const exitText = facts.exitCode === null ? exit.meaning : `k6 exited ${facts.exitCode}: ${exit.meaning}`;
  const exitShort = facts.exitCode === null ? exit.meaning : `k6 exited ${facts.exitCode}`;
  const iterations = summary?.metrics.iterations?.values.count ?? 0;
  const requests = summary?.metrics.http_reqs?.values.count ?? 0;
  const crossedNow = summary ? crossed(summary) : [];

  let status: K6Outcome['status'];
  let message: string;
  if (facts.spawnError) [status, message] = ['broken', `k6 could not be started: ${facts.spawnError}`];
  else if (facts.stopped) [status, message] = ['broken', `k6 was stopped by the harness before it finished: ${facts.stopReason ?? 'its deadline passed or the run was interrupted'}; ${exitText}`];
  else if (exit.status) [status, message] = [exit.status, `${exitText}${because ? ` —${because.slice(1)}` : ''}`];
  else if (exceptions.length) {
    const n = exceptions.length;
    [status, message] = ['failed', `${n} iteration${n === 1 ? '' : 's'} threw an exception, which k6 logs without failing the run (${exitShort}): ${exceptions[0]}`];
  } else if (!read?.ok) [status, message] = ['broken', `${read?.reason ?? 'no summary'}; ${exitText}${because}`];
  else if (facts.exitCode === 99 && crossedNow.length === 0) [status, message] = ['failed', `${exitShort} (thresholds crossed) but the summary shows no crossed threshold: the result cannot be trusted`];
  else if (facts.exitCode === 0 && crossedNow.length > 0) [status, message] = ['failed', `${exitShort} although the summary shows crossed thresholds: ${crossedNow.join(', ')}`];
  else if (iterations === 0) [status, message] = ['failed', `no iteration completed (${exitShort}): the load never ran`];
  else {
    const tail = crossedNow.length ? `; crossed: ${crossedNow.join(', ')} (see the threshold checks)` : '';
    [status, message] = ['passed', `${exitShort}: ${iterations} iterations, ${requests} requests, no iteration errors${tail}`];
  }
  const notEvaluated = summary ? '' : status === 'passed' ? 'no summary' : message;
  const run: K6Outcome = {
    id: runId(spec),
    title: `k6 ${spec.label}: run`,
    status,
    message,
    details: {
      exitCode: facts.exitCode,
      exitMeaning: exit.meaning,
      ...(facts.signal ? { signal: facts.signal } : {}),
      iterationErrors: exceptions.length,
      ...(exceptions.length ? { firstIterationErrors: exceptions.slice(0, 5) } : {}),
      ...(errors.length ? { errors: errors.slice(0, 5) } : {}),
      iterations,
      requests,
    },
  };
  return [run, ...thresholdOutcomes(spec, summary, notEvaluated), ...checkOutcomes(spec, summary, notEvaluated, exceptions)];
}
