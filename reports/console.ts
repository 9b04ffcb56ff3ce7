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

export function finalBlock(s: Summary, runDir: string, exitCode: number): string {
  const lines = [
    '',
    `phase ${s.phase} · window ${s.window} · env ${s.env}${s.interrupted ? ' · INTERRUPTED' : ''}`,
    `verdict: ${s.verdict.toUpperCase()} (exit ${exitCode})`,
    `action:  ${s.action ?? '-'}`,
    'reasons:',
    ...s.reasons.map((r) => `  - ${r}`),
    ...(s.warnings?.length ? ['warnings (not blocking):', ...s.warnings.map((w) => `  - ${w}`)] : []),
    `counts:  ${s.counts.passed} passed, ${s.counts.failed} failed, ${s.counts.broken} broken, ${s.counts.skipped} skipped`,
    `results: ${runDir}`,
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
