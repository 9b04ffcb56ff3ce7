// The list every reporter renders, each check flagged when it is the gate's broken stand-in for a missing result.
import type { CheckResult } from '../core/result.ts';
import type { RunView } from './run-folder.ts';

/**
 * A result as reporters show it; `missing` marks a broken stand-in for a planned check that never reported;
 * `excused` a critical failure the gate did not count (core/gate.ts rule 4): the baseline had it, or the step tolerates it.
 */
export type ReportedCheck = CheckResult & { missing: boolean; excused?: Excuse };

export type Excuse = 'pre-existing' | 'tolerated';

/** The gate's warning line for an excused check: `id status: message (pre-existing: …)` / `(tolerated at this step: …)`. */
const EXCUSES: [string, Excuse][] = [
  [' (pre-existing: ', 'pre-existing'],
  [' (tolerated at this step: ', 'tolerated'],
];

/** The check's line without the gate's excuse, and the excuse in words, when the line carries one. */
export function splitExcuse(line: string): { line: string; excuse?: Excuse; why?: string } {
  if (!line.endsWith(')')) return { line };
  for (const [marker, excuse] of EXCUSES) {
    const at = line.lastIndexOf(marker);
    if (at >= 0) return { line: line.slice(0, at), excuse, why: line.slice(at + 2, -1) };
  }
  return { line };
}

export function reportedChecks(run: RunView): ReportedCheck[] {
  const missing = new Set(run.missing);
  const excused = new Map<string, Excuse>();
  for (const w of run.findings) {
    const { line, excuse } = splitExcuse(w);
    if (excuse) excused.set(line, excuse);
  }
  return run.checks.map((c) => {
    const excuse = c.severity === 'critical' ? excused.get(`${c.id} ${c.status}: ${c.message ?? c.title}`) : undefined;
    return { ...c, missing: missing.has(c.id), ...(excuse ? { excused: excuse } : {}) };
  });
}

/** "IC-Web3 www" from the target, for names that a person scans. */
export function targetLabel(check: Pick<CheckResult, 'target'>): string {
  const t = check.target;
  return [t.server, t.host, t.resolver, t.nameserver, t.record].filter((v): v is string => Boolean(v)).join(' ');
}

export function groupByKind(checks: readonly ReportedCheck[]): Map<string, ReportedCheck[]> {
  const groups = new Map<string, ReportedCheck[]>();
  for (const c of checks) {
    const list = groups.get(c.kind) ?? [];
    list.push(c);
    groups.set(c.kind, list);
  }
  return groups;
}
