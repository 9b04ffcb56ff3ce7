// Console reporter: a live line per finished check (a rewritten progress line in a terminal,
// plain lines in CI), then the final block with verdict, action and reasons.
import type { CheckResult, Summary } from '../core/result.ts';

export interface ConsoleOptions {
  out: NodeJS.WritableStream & { isTTY?: boolean };
  /** Plain lines, no colour, no carriage returns (CI, pipes). */
  plain: boolean;
}

const ICON: Record<CheckResult['status'], string> = { passed: 'ok  ', failed: 'FAIL', broken: 'BRKN', skipped: 'skip' };
const COLOR: Record<string, string> = { passed: '32', failed: '31', broken: '33', skipped: '90', go: '32', 'no-go': '31', inconclusive: '33' };

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
    `phase ${s.phase} · window ${s.window} · env ${s.env}${s.interrupted ? ' · INTERRUPTED' : ''}`,
    `verdict: ${s.verdict.toUpperCase()} (exit ${exitCode})`,
    `action:  ${s.action ?? '-'}`,
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

  constructor(private readonly opts: ConsoleOptions, private readonly total: number) {}

  private paint(code: string | undefined, text: string): string {
    return this.opts.plain || !code ? text : `\x1b[${code}m${text}\x1b[0m`;
  }

  onResult(r: CheckResult): void {
    this.done += 1;
    const line = this.paint(COLOR[r.status], checkLine(r));
    if (this.opts.plain) {
      this.opts.out.write(line + '\n');
      return;
    }
    this.opts.out.write(`${this.statusShown ? '\r\x1b[2K' : ''}${line}\n${this.paint('90', `… ${this.done}/${this.total} checks done`)}`);
    this.statusShown = true;
  }

  finish(s: Summary, runDir: string, exitCode: number): void {
    if (this.statusShown) this.opts.out.write('\r\x1b[2K');
    this.statusShown = false;
    const block = finalBlock(s, runDir, exitCode);
    this.opts.out.write(this.opts.plain ? block : block.replace(/verdict: (\S+)/, (_, v: string) => `verdict: ${this.paint(COLOR[v.toLowerCase()], v)}`));
  }
}
