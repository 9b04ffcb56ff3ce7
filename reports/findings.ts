// What each check means for the decision (blocking, new, pre-existing, flaky, broken), shared by every reporter.
import type { ReportedCheck } from './checks.ts';
import { splitExcuse, targetLabel } from './checks.ts';
import type { RunView } from './run-folder.ts';

/**
 * blocking-failed / blocking-broken: a critical check that failed or could not be checked (drives the verdict);
 * pre-existing / new: a non-blocking failure the baseline run had the same way / did not have;
 * warning: a non-blocking failure with no baseline to compare; broken: not blocking and could not be checked.
 */
export type Finding =
  | 'blocking-failed'
  | 'blocking-broken'
  | 'pre-existing'
  | 'new'
  | 'warning'
  | 'broken'
  | 'flaky'
  | 'passed'
  | 'skipped';

export const FINDING_TITLE: Record<Finding, string> = {
  'blocking-failed': 'Blocking: failed',
  'blocking-broken': 'Blocking: could not be checked',
  'pre-existing': 'Pre-existing: failed the same way at baseline',
  new: 'New: failed, not blocking',
  warning: 'Failed, not blocking',
  broken: 'Could not be checked, not blocking',
  flaky: 'Flaky: passed after a retry',
  passed: 'Passed',
  skipped: 'Skipped',
};

/**
 * A check blocks when it is critical (policy.severity / the plan): only then can it drive the verdict; a critical
 * failure the gate excused (pre-existing at baseline, tolerated at this step) did not drive it.
 */
export const blocks = (c: Pick<ReportedCheck, 'severity' | 'excused'>): boolean => c.severity === 'critical' && !c.excused;

/** `baseline` maps check id → the baseline run's result (the window's pre-maintenance run), when known. */
export function findingOf(c: ReportedCheck, baseline?: ReadonlyMap<string, Pick<ReportedCheck, 'status' | 'message'>>): Finding {
  if (c.status === 'passed') return c.flaky ? 'flaky' : 'passed';
  if (c.status === 'skipped') return 'skipped';
  if (c.excused) return c.excused === 'pre-existing' ? 'pre-existing' : 'warning';
  if (blocks(c)) return c.status === 'failed' ? 'blocking-failed' : 'blocking-broken';
  const before = baseline?.get(c.id);
  if (before && before.status === c.status && before.message === c.message) return 'pre-existing';
  if (c.status === 'broken') return 'broken';
  return baseline ? 'new' : 'warning';
}

export function baselineOf(run: RunView | undefined): Map<string, Pick<ReportedCheck, 'status' | 'message'>> | undefined {
  return run ? new Map(run.checks.map((c) => [c.id, { status: c.status, message: c.message }])) : undefined;
}

const STATUS_WORDS: Record<ReportedCheck['status'], string> = {
  passed: 'passed',
  failed: 'failed',
  broken: 'could not be checked',
  skipped: 'skipped',
};

/** "IC-Web3 www — Direct HTTPS … — failed: HTTP 500": where, what, and what happened, in words. */
export function plainLine(c: ReportedCheck): string {
  const where = targetLabel(c);
  const what = c.missing ? 'no result was recorded' : STATUS_WORDS[c.status];
  const title = c.title && c.title !== c.id ? c.title : c.id;
  const message = c.message && !c.missing ? `: ${c.message}` : '';
  return `${where ? `${where} — ` : ''}${title} — ${what}${message}`;
}

/** One line of the gate (`id status: message`) matched back to its check, or the line itself (run-level notes). */
export interface ReasonLine {
  text: string;
  checks: ReportedCheck[];
}

/** Gate lines in their order, lines sharing one cause (status + message) folded into one with all their checks. */
export function reasonLines(lines: readonly string[], checks: readonly ReportedCheck[]): ReasonLine[] {
  const byLine = new Map(checks.map((c) => [`${c.id} ${c.status}: ${c.message ?? c.title}`, c]));
  const out: ReasonLine[] = [];
  const byCause = new Map<string, ReasonLine>();
  const excuses = new Map<ReasonLine, string>();
  for (const full of lines) {
    // an excused failure's line ends with the gate's reason: it is still the check's line, said in words with it
    const { line, why } = splitExcuse(full);
    const check = byLine.get(line) ?? byLine.get(full);
    if (!check) {
      out.push({ text: full, checks: [] });
      continue;
    }
    const note = check === byLine.get(full) ? undefined : why;
    const cause = `${check.status}\u0000${check.missing ? 'missing' : (check.message ?? '')}\u0000${note ?? ''}`;
    const seen = byCause.get(cause);
    if (seen) {
      seen.checks.push(check);
      continue;
    }
    const entry = { text: plainLine(check), checks: [check] };
    if (note) excuses.set(entry, note);
    byCause.set(cause, entry);
    out.push(entry);
  }
  for (const entry of out) {
    const [first, ...rest] = entry.checks;
    if (first && rest.length) {
      const what = first.missing ? 'no result was recorded' : `${STATUS_WORDS[first.status]}${first.message ? `: ${first.message}` : ''}`;
      entry.text = `${entry.checks.length} checks — ${what}`;
    }
    const note = excuses.get(entry);
    if (note) entry.text += ` (${note})`;
  }
  return out;
}
