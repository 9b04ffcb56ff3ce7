// What --apply did, in one line for every reporter: the operation, who carried it out, the re-check, the verdict after.
import type { RunView } from './run-folder.ts';

export function appliedLine(a: NonNullable<RunView['applied']>): string {
  const op = `${a.operation.op} ${a.operation.turn} for ${a.operation.hosts.join(', ') || 'no host'}`;
  const recheck = a.recheck
    ? `; re-check ${a.recheck.verdict.toUpperCase()}${a.recheck.verdict === 'go' ? '' : `: ${a.recheck.reasons.join('; ')}`}`
    : '';
  return `${op} by ${a.by}: ${a.ok ? 'done' : 'FAILED'} (${a.detail})${recheck}; verdict after --apply ${a.verdict.toUpperCase()}`;
}
