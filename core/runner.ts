// Runs a plan: a concurrency limit, a deadline per check (AbortSignal), retries with backoff for
// dns/tcp-layer failures only, and every result handed to onResult the moment it is known.
import type { CheckResult } from './result.ts';
import { CheckResult as CheckResultSchema } from './result.ts';
import { RETRYABLE_LAYERS, type ProbeResult } from './probe.ts';
import type { BatchTask, CheckTask, Task } from './task.ts';
import { deadline, timerMs } from './deadline.ts';
import { setMaxListeners } from 'node:events';

export interface RunnerOptions {
  concurrency: number;
  backoffMs: number;
  runDir: string;
  /** Aborted on Ctrl-C: running checks end as broken "interrupted", unstarted ones are left out. */
  signal: AbortSignal;
  onResult: (result: CheckResult) => void;
  /** Called when each check or batch starts (the console's progress names the slowest running one). */
  onStart?: (check: { id: string; startedAt: number }) => void;
  /** Extra time a probe gets after its deadline to report before the runner gives up on it. */
  graceMs?: number;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(done, timerMs(ms));
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/** Resolves with the task's outcome, or with `fallback()` if it has not settled `limitMs` after start. */
function withBackstop<T>(work: Promise<T>, limitMs: number, fallback: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const backstop = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback()), timerMs(limitMs));
  });
  return Promise.race([work, backstop]).finally(() => clearTimeout(timer));
}

async function attempt(task: CheckTask, runSignal: AbortSignal, graceMs: number): Promise<ProbeResult> {
  const limit = deadline(runSignal, task.timeoutMs);
  const work = task.run(limit.signal).catch((err: unknown): ProbeResult => {
    const message = `harness error in ${task.id}: ${err instanceof Error ? err.message : String(err)}`;
    return { status: 'broken', message, failure: { layer: 'harness', code: 'HARNESS_ERROR', message } };
  });
  return withBackstop(work, task.timeoutMs + graceMs, () => {
    const message = `the check did not finish within ${task.timeoutMs} ms (+${graceMs} ms grace) and was abandoned`;
    return { status: 'broken', message, failure: { layer: 'harness', code: 'CHECK_TIMEOUT', message } } as ProbeResult;
  }).finally(() => limit.clear());
}

function isRetryable(r: ProbeResult): boolean {
  return r.status === 'failed' && r.failure !== undefined && RETRYABLE_LAYERS.has(r.failure.layer) && r.failure.code !== 'TIMEOUT';
}

export async function runCheck(task: CheckTask, opts: RunnerOptions): Promise<CheckResult> {
  const startedAt = new Date();
  const t0 = performance.now();
  const history: { status: string; code?: string; message?: string }[] = [];
  let outcome: ProbeResult;
  let attempts = 0;
  for (;;) {
    attempts += 1;
    outcome = await attempt(task, opts.signal, opts.graceMs ?? 1_000);
    history.push({
      status: outcome.status,
      ...(outcome.failure ? { code: outcome.failure.code } : {}),
      ...(outcome.message ? { message: outcome.message } : {}),
    });
    if (opts.signal.aborted || !isRetryable(outcome) || attempts > task.retries) break;
    await sleep(opts.backoffMs * 2 ** (attempts - 1), opts.signal);
  }
  if (opts.signal.aborted && outcome.status !== 'passed') {
    const message = 'interrupted before the check finished (the run was stopped)';
    outcome = { status: 'broken', message, failure: { layer: 'harness', code: 'INTERRUPTED', message } };
  }
  const details: Record<string, unknown> = { ...(outcome.details ?? {}) };
  if (outcome.failure) details.failure = outcome.failure;
  if (attempts > 1) details.attemptHistory = history;
  return {
    id: task.id,
    kind: task.kind,
    title: task.title,
    target: task.target,
    severity: task.severity,
    status: outcome.status,
    attempts,
    flaky: outcome.status === 'passed' && attempts > 1,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - t0),
    ...(outcome.message ? { message: outcome.message } : {}),
    ...(Object.keys(details).length ? { details } : {}),
  };
}

function brokenFor(task: Task, id: string, startedAt: Date, t0: number, message: string): CheckResult {
  return {
    id,
    kind: task.kind,
    title: id === task.id ? task.title : id,
    target: task.target,
    severity: task.severity,
    status: 'broken',
    attempts: 1,
    flaky: false,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - t0),
    message,
  };
}

async function runBatch(task: BatchTask, opts: RunnerOptions): Promise<void> {
  const startedAt = new Date();
  const t0 = performance.now();
  const seen = new Set<string>();
  let open = true;
  const limit = deadline(opts.signal, task.timeoutMs);
  const signal = limit.signal;
  const emit = (r: CheckResult) => {
    if (!open) return; // late results after the backstop would contradict what was already written
    const parsed = CheckResultSchema.parse(r);
    seen.add(parsed.id);
    opts.onResult(parsed);
  };
  const failure = await withBackstop(
    task.run({ signal, runDir: opts.runDir, emit }).then(
      () => undefined,
      (err: unknown) => (err instanceof Error ? err.message : String(err)),
    ),
    task.timeoutMs + (opts.graceMs ?? 1_000),
    () => `did not finish within ${task.timeoutMs} ms`,
  );
  limit.clear();
  open = false;
  const why = opts.signal.aborted
    ? 'interrupted before it finished (the run was stopped)'
    : failure
      ? `${task.title}: ${failure}`
      : `${task.title} ended without reporting this check`;
  for (const id of task.expected) if (!seen.has(id)) opts.onResult(brokenFor(task, id, startedAt, t0, why));
  if (seen.size === 0 && !task.expected.length)
    opts.onResult(brokenFor(task, task.id, startedAt, t0, failure ? why : `${task.title} reported no results`));
  else if (failure && !task.expected.length) opts.onResult(brokenFor(task, `${task.id}:run`, startedAt, t0, why));
}

/** Runs every task with at most `concurrency` at once; resolves with the results in completion order. */
export async function runTasks(tasks: readonly Task[], opts: RunnerOptions): Promise<CheckResult[]> {
  // Every running check chains its deadline to the run's signal (and unhooks when it ends).
  setMaxListeners(Math.max(10, opts.concurrency * 2 + 10), opts.signal);
  const results: CheckResult[] = [];
  const onResult = (r: CheckResult) => {
    results.push(r);
    opts.onResult(r);
  };
  const inner = { ...opts, onResult };
  let next = 0;
  const worker = async () => {
    while (next < tasks.length && !opts.signal.aborted) {
      const task = tasks[next++]!;
      opts.onStart?.({ id: task.id, startedAt: Date.now() });
      if (task.type === 'check') onResult(await runCheck(task, inner));
      else await runBatch(task, inner);
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency, tasks.length) }, worker));
  return results;
}
