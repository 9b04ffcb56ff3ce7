// Console reporter: a line per finished check, progress (done/total, the slowest running check) rewritten in place
// in a terminal and as an occasional plain line in CI, then the final block with verdict, action and reasons.
import type { CheckResult, Summary } from '../core/result.ts';

export interface ConsoleOptions {
  out: NodeJS.WritableStream & { isTTY?: boolean };
  /** Plain lines, no colour, no carriage returns (CI, pipes). */
  plain: boolean;
  /** Clock (tests); Date.now by default. */
  now?: () => number;
  /** How often the terminal's status line is redrawn (1 s); in plain mode a progress line every 30 s. */
  refreshMs?: number;
  plainEveryMs?: number;
}

/** "12/120 checks done · slowest running: k6:smoke-load:www (41 s)". */
export function progressLine(done: number, total: number, running: ReadonlyMap<string, number>, now: number): string {
  let slowest: [string, number] | undefined;
  for (const [id, at] of running) if (!slowest || at < slowest[1]) slowest = [id, at];
  const head = `${done}/${Math.max(total, done + running.size)} checks done`;
  return slowest ? `${head} · ${running.size} running, slowest: ${slowest[0]} (${Math.round((now - slowest[1]) / 1000)} s)` : head;
}

const ICON: Record<CheckResult['status'], string> = { passed: 'ok  ', failed: 'FAIL', broken: 'BRKN', skipped: 'skip' };
const COLOR: Record<string, string> = {
  passed: '32',
  failed: '31',
  broken: '33',
  skipped: '90',
  go: '32',
  'no-go': '31',
  inconclusive: '33',
};

export function checkLine(r: CheckResult): string {
  const flaky = r.flaky ? ' (flaky: passed on attempt ' + r.attempts + ')' : '';
  const why = r.status === 'passed' ? '' : `  ${r.message ?? ''}`;
  return `${ICON[r.status]} ${r.id} ${r.durationMs} ms${flaky}${why}`;
}

const MAX_LINES = 12;

/** Folds "id status: message" lines that share status and message, so one cause reads as one line. */
export function foldLines(lines: readonly string[], checks: readonly CheckResult[]): string[] {
  const groups = new Map<string, string[]>();
  for (const l of lines) {
    const c = checks.find((x) => l.startsWith(`${x.id} ${x.status}: `));
    const key = c ? l.slice(c.id.length + 1) : l;
    groups.set(key, [...(groups.get(key) ?? []), c ? c.id : '']);
  }
  const out = [...groups].map(([key, ids]) => {
    if (ids.length === 1) return ids[0] ? `${ids[0]} ${key}` : key;
    const shown = ids.slice(0, 3).join(', ') + (ids.length > 3 ? `, … (+${ids.length - 3} more)` : '');
    return `${ids.length} checks ${key}\n      ${shown}`;
  });
  return out.length > MAX_LINES ? [...out.slice(0, MAX_LINES), `… and ${out.length - MAX_LINES} more (see summary.json)`] : out;
}

export function finalBlock(s: Summary, runDir: string, exitCode: number): string {
  const lines = [
    '',
    `phase ${s.phase} · window ${s.window} · env ${s.env}${s.interrupted ? ' · INTERRUPTED' : ''}${s.partial ? ` · PARTIAL (--only=${s.partial.only.join(',')}: never satisfies a later step)` : ''}`,
    `verdict: ${s.verdict.toUpperCase()}${s.applied && s.applied.verdict !== s.verdict ? ` → ${s.applied.verdict.toUpperCase()} after --apply` : ''} (exit ${exitCode})`,
    `action:  ${s.action ?? '-'}`,
    ...(s.applied
      ? [
          `applied: ${s.applied.ok ? 'done' : 'FAILED'} by ${s.applied.by}: ${s.applied.detail}`,
          ...(s.applied.recheck
            ? [
                `recheck: ${s.applied.recheck.verdict.toUpperCase()}${s.applied.recheck.verdict === 'go' ? '' : ` — ${s.applied.recheck.reasons.join('; ')}`}`,
              ]
            : []),
        ]
      : []),
    ...(s.baseline ? [`baseline: ${s.baseline}`] : []),
    'reasons:',
    ...foldLines(s.reasons, s.checks).map((r) => `  - ${r}`),
    ...(s.warnings?.length ? ['warnings (not blocking):', ...foldLines(s.warnings, s.checks).map((w) => `  - ${w}`)] : []),
    `counts:  ${s.counts.passed} passed, ${s.counts.failed} failed, ${s.counts.broken} broken, ${s.counts.skipped} skipped`,
    `results: ${runDir}`,
    `report:  npm run report -- --run=${runDir}`,
  ];
  return lines.join('\n') + '\n';
}

export class ConsoleReporter {
  private done = 0;
  private statusShown = false;
  private readonly running = new Map<string, number>();
  /** A running batch (its id is not a planned check id) → how many of its planned checks have not reported yet. */
  private readonly batchLeft = new Map<string, number>();
  private readonly plannedIds: ReadonlySet<string>;
  private readonly total: number;
  private timer: NodeJS.Timeout | undefined;
  private lastPlain: number;
  private readonly now: () => number;

  /** `planned`: the plan's checks (plannedChecks(tasks)), or just their number; total = one per planned check. */
  constructor(
    private readonly opts: ConsoleOptions,
    planned: number | readonly { id: string }[],
  ) {
    this.now = opts.now ?? Date.now;
    this.lastPlain = this.now();
    this.total = typeof planned === 'number' ? planned : planned.length;
    this.plannedIds = new Set(typeof planned === 'number' ? [] : planned.map((p) => p.id));
  }

  private paint(code: string | undefined, text: string): string {
    return this.opts.plain || !code ? text : `\x1b[${code}m${text}\x1b[0m`;
  }

  private status(): string {
    return progressLine(this.done, this.total, this.running, this.now());
  }

  /** A check started (the runner's proposed onStart hook); lets the progress name the slowest running one. */
  onStart(id: string, at: number = this.now()): void {
    this.running.set(id, at);
    // A batch (k6, Playwright) reports under its id as a prefix; it runs until each of its planned checks has reported.
    if (this.plannedIds.size && !this.plannedIds.has(id))
      this.batchLeft.set(id, [...this.plannedIds].filter((p) => p.startsWith(`${id}:`)).length);
    if (!this.timer) {
      const every = this.opts.plain ? (this.opts.plainEveryMs ?? 30_000) : (this.opts.refreshMs ?? 1_000);
      this.timer = setInterval(() => this.tick(), Math.min(every, 1_000));
      this.timer.unref(); // progress never keeps the process alive
    }
  }

  /** Redraws the terminal's status line; in plain mode writes a progress line when plainEveryMs has passed. */
  tick(): void {
    if (!this.running.size) return;
    if (this.opts.plain) {
      if (this.now() - this.lastPlain < (this.opts.plainEveryMs ?? 30_000)) return;
      this.lastPlain = this.now();
      this.opts.out.write(`progress: ${this.status()}\n`);
      return;
    }
    this.opts.out.write(`${this.statusShown ? '\r\x1b[2K' : ''}${this.paint('90', `… ${this.status()}`)}`);
    this.statusShown = true;
  }

  onResult(r: CheckResult): void {
    this.done += 1;
    this.running.delete(r.id);
    for (const [batch, left] of this.batchLeft) {
      if (!r.id.startsWith(`${batch}:`)) continue;
      // a batch planned without a list of its checks (left 0) cannot be followed further: its first result ends its timer
      if (left <= 1) {
        this.batchLeft.delete(batch);
        this.running.delete(batch);
      } else this.batchLeft.set(batch, left - 1);
    }
    const line = this.paint(COLOR[r.status], checkLine(r));
    if (this.opts.plain) {
      this.opts.out.write(line + '\n');
      return;
    }
    this.opts.out.write(`${this.statusShown ? '\r\x1b[2K' : ''}${line}\n${this.paint('90', `… ${this.status()}`)}`);
    this.statusShown = true;
  }

  /** Stops the progress timer (finish calls it). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  finish(s: Summary, runDir: string, exitCode: number): void {
    this.stop();
    if (this.statusShown) this.opts.out.write('\r\x1b[2K');
    this.statusShown = false;
    const block = finalBlock(s, runDir, exitCode);
    this.opts.out.write(
      this.opts.plain ? block : block.replace(/verdict: (\S+)/, (_, v: string) => `verdict: ${this.paint(COLOR[v.toLowerCase()], v)}`),
    );
  }
}
