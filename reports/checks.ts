// The list every reporter renders, each check flagged when it is the gate's broken stand-in for a missing result.
import type { CheckResult } from '../core/result.ts';
import type { RunView } from './run-folder.ts';

/** A result as reporters show it; `missing` marks a broken stand-in for a planned check that never reported. */
export type ReportedCheck = CheckResult & { missing: boolean };

export function reportedChecks(run: RunView): ReportedCheck[] {
  const missing = new Set(run.missing);
  return run.checks.map((c) => ({ ...c, missing: missing.has(c.id) }));
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
