// Turns one k6 run (exit code, log, summary) into outcomes: one per threshold, one per k6 check, one for the run.
// Pure: the adapter's process handling and the fixture tests feed it the same facts.
import type { Status } from '../../core/result.ts';
import { thresholdKeys } from '../contract.ts';
import { exitMeaning } from './exit-codes.ts';
import { causesOf, describeCauses, forHost } from './causes.ts';
import type { Causes } from './causes.ts';
import { iterationExceptions, otherErrors, parseK6Log } from './logs.ts';
import { interruption } from './interrupted.ts';
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
  /** Check name → the FQDN it requests, so a check names its own host's failures (absent: the run's). */
  checkHosts?: Record<string, string>;
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

/** Samples behind a metric: a Rate's passes + fails, a Trend's or Counter's count; a Trend summarised without
 *  `count` and all zero is taken as empty (no real response takes 0 ms). undefined: cannot tell (gauges). */
export function sampleCount(m: K6Summary['metrics'][string]): number | undefined {
  const v = m.values;
  if (m.type === 'rate') return (v.passes ?? 0) + (v.fails ?? 0);
  if (m.type === 'counter') return v.count;
  if (m.type === 'trend') return v.count ?? (Object.values(v).every((x) => x === 0) ? 0 : undefined);
  return undefined;
}

/** Sub-metrics the scripts declare only to see causes (`http_reqs{error_code:N}`): not thresholds of the harness. */
const OBSERVATION = /^http_reqs\{(error_code|status):\d+\}$/;

const withCause = (message: string, causes: string) => (causes ? `${message} — ${causes}` : message);

function thresholdOutcomes(spec: K6RunSpec, summary: K6Summary | undefined, notEvaluated: string, causes: Causes): K6Outcome[] {
  const wanted = new Map(Object.entries(spec.thresholds).map(([m, e]) => [m, [...e]]));
  for (const [metric, m] of Object.entries(summary?.metrics ?? {})) {
    if (OBSERVATION.test(metric) && !wanted.has(metric)) continue;
    const exprs = wanted.get(metric) ?? [];
    for (const e of Object.keys(m.thresholds ?? {})) if (!exprs.includes(e)) exprs.push(e);
    if (exprs.length) wanted.set(metric, exprs);
  }
  const said = describeCauses(causes);
  const causeDetails = said ? { causes } : {};
  return thresholdKeys(Object.fromEntries(wanted)).map(({ metric, expression, key }) => {
    const id = thresholdId(spec, key);
    const title = `k6 ${spec.label}: threshold ${metric} ${expression}`;
    const m = summary?.metrics[metric];
    const verdict = m?.thresholds?.[expression];
    if (!summary)
      return {
        id,
        title,
        status: 'broken',
        message: `threshold ${metric} ${expression} not evaluated: ${notEvaluated}`,
        details: { metric, expression },
      };
    if (!m || !verdict) {
      return {
        id,
        title,
        status: 'broken',
        message: withCause(`threshold ${metric} ${expression} not evaluated: k6 reported no samples for ${metric}`, said),
        details: { metric, expression, noData: true, ...causeDetails },
      };
    }
    // k6 writes a threshold on an empty metric as ok: true (a Rate whatever its expression): no data is never a pass.
    if (sampleCount(m) === 0 && m.type !== 'counter') {
      return {
        id,
        title,
        status: 'broken',
        message: withCause(
          `no data: k6 recorded no samples for ${metric}, so ${expression} was not evaluated (k6 reports it ok: ${verdict.ok})`,
          said,
        ),
        details: { metric, expression, observed: null, samples: 0, ok: verdict.ok, noData: true, ...causeDetails },
      };
    }
    const parsed = EXPR.exec(expression);
    const agg = parsed?.[1];
    const observed = agg !== undefined ? m.values[agg] : undefined;
    const limit = parsed ? `${expression.replace(/\s+/g, '')}${m.contains === 'time' ? ' ms' : ''}` : expression;
    const seen =
      observed === undefined
        ? `${agg ?? expression} is not in the summary`
        : `${agg} was ${fmt(observed, m.contains)}${agg === 'rate' ? rateCounts(metric, m.values) : ''}`;
    const samples = sampleCount(m);
    const details = {
      metric,
      expression,
      observed: observed ?? null,
      limit: parsed ? Number(parsed[3]) : null,
      ok: verdict.ok,
      ...(samples !== undefined ? { samples } : {}),
    };
    return verdict.ok
      ? { id, title, status: 'passed', message: `${metric}: ${seen}, within ${limit}`, details }
      : {
          id,
          title,
          status: 'failed',
          message: withCause(`threshold crossed on ${metric}: ${seen}, limit ${limit}`, said),
          details: { ...details, ...causeDetails },
        };
  });
}

function checkOutcomes(
  spec: K6RunSpec,
  summary: K6Summary | undefined,
  notEvaluated: string,
  exceptions: string[],
  causes: Causes,
  cutOff: string,
): K6Outcome[] {
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
    const mine = forHost(causes, spec.checkHosts?.[name]);
    const said = describeCauses(mine);
    const causeDetails = said ? { causes: mine } : {};
    if (!summary) return { id, title, status: 'broken', message: `check "${name}" not evaluated: ${notEvaluated}`, details: {} };
    if (!c || c.passes + c.fails === 0) {
      const why = exceptions.length
        ? `iterations threw before reaching it (${exceptions[0]})`
        : cutOff
          ? cutOff
          : said
            ? 'no request got far enough to check it'
            : 'no iteration reached it';
      return {
        id,
        title,
        status: 'broken',
        message: withCause(`check "${name}" never ran: ${why}`, said),
        details: { passes: 0, fails: 0, noData: true, ...causeDetails },
      };
    }
    const total = c.passes + c.fails;
    return c.fails === 0
      ? { id, title, status: 'passed', message: `check "${name}" passed ${c.passes} of ${total} times`, details: c }
      : {
          id,
          title,
          status: 'failed',
          message: withCause(`check "${name}" failed ${c.fails} of ${total} times`, said),
          details: { ...c, ...causeDetails },
        };
  });
}

function crossed(summary: K6Summary): string[] {
  return Object.entries(summary.metrics).flatMap(([metric, m]) =>
    Object.entries(m.thresholds ?? {})
      .filter(([, t]) => !t.ok)
      .map(([e]) => `${metric} ${e}`),
  );
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
  const causes = causesOf(summary, log);
  const said = describeCauses(causes);
  const cut = summary ? interruption(summary, log) : undefined;

  let status: K6Outcome['status'];
  let message: string;
  if (facts.spawnError) [status, message] = ['broken', `k6 could not be started: ${facts.spawnError}`];
  else if (facts.stopped)
    [status, message] = [
      'broken',
      `k6 was stopped by the harness before it finished: ${facts.stopReason ?? 'its deadline passed or the run was interrupted'}; ${exitText}`,
    ];
  else if (exit.status) [status, message] = [exit.status, `${exitText}${because ? ` —${because.slice(1)}` : ''}`];
  else if (exceptions.length) {
    const n = exceptions.length;
    [status, message] = [
      'failed',
      `${n} iteration${n === 1 ? '' : 's'} threw an exception, which k6 logs without failing the run (${exitShort}): ${exceptions[0]}`,
    ];
  } else if (!read?.ok) [status, message] = ['broken', `${read?.reason ?? 'no summary'}; ${exitText}${because}`];
  else if (facts.exitCode === 99 && crossedNow.length === 0)
    [status, message] = [
      'failed',
      `${exitShort} (thresholds crossed) but the summary shows no crossed threshold: the result cannot be trusted`,
    ];
  else if (facts.exitCode === 0 && crossedNow.length > 0)
    [status, message] = ['failed', `${exitShort} although the summary shows crossed thresholds: ${crossedNow.join(', ')}`];
  else if (iterations === 0)
    [status, message] = ['failed', withCause(`no iteration completed (${exitShort}): ${cut?.text ?? 'the load never ran'}`, said)];
  else {
    const tail = crossedNow.length ? `; crossed: ${crossedNow.join(', ')} (see the threshold checks)` : '';
    const cutTail = cut ? `; ${cut.text}` : '';
    [status, message] = ['passed', `${exitShort}: ${iterations} iterations, ${requests} requests, no iteration errors${cutTail}${tail}`];
  }
  if (status !== 'passed' && said && !message.includes(said)) message = withCause(message, said);
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
      ...(cut ? { interrupted: cut } : {}),
      ...(said ? { causes } : {}),
    },
  };
  return [
    run,
    ...thresholdOutcomes(spec, summary, notEvaluated, causes),
    ...checkOutcomes(spec, summary, notEvaluated, exceptions, causes, cut && iterations === 0 ? cut.text : ''),
  ];
}
