// The list every reporter renders: the run's results plus one broken entry per planned check with no result.
import { CheckKind } from '../core/result.ts';
import type { CheckResult } from '../core/result.ts';
import type { RunView } from './run-folder.ts';

/** A result as reporters show it; `kind` is a string because a missing check's kind is only inferred from its id. */
export type ReportedCheck = Omit<CheckResult, 'kind'> & { kind: string; missing: boolean };

/** Ids start with their kind ("sanity:IC-Web3:www:/"); anything else is grouped as "unknown". */
export function kindFromId(id: string): string {
  const prefix = id.split(':', 1)[0] ?? '';
  return CheckKind.safeParse(prefix).success ? prefix : 'unknown';
}

function missingCheck(id: string, run: RunView): ReportedCheck {
  return {
    id, kind: kindFromId(id), title: id, target: {}, severity: 'critical', status: 'broken',
    attempts: 0, flaky: false, startedAt: run.finishedAt ?? run.startedAt, durationMs: 0,
    message: run.hasSummary
      ? 'planned but no result was recorded: counted as broken'
      : 'planned but no result was recorded before the run stopped',
    missing: true,
  };
}

export function reportedChecks(run: RunView): ReportedCheck[] {
  return [...run.checks.map((c) => ({ ...c, missing: false })), ...run.missing.map((id) => missingCheck(id, run))];
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
