// --apply: carries out the verdict's action where it can be automated. Only "restore the maintenance page"
// is, and only against the lab's control API; in production it prints the manual step instead.
import type { Summary } from './result.ts';
import type { HarnessConfig } from './config/schema.ts';

export interface ApplyOutcome {
  applied: boolean;
  lines: string[];
}

export async function applyAction(summary: Summary, config: HarnessConfig, controlUrl: string | undefined): Promise<ApplyOutcome> {
  const restore = summary.phase === 'post-window' && summary.verdict !== 'go';
  if (!restore) return { applied: false, lines: [`--apply: nothing to do for ${summary.phase} with verdict ${summary.verdict}`] };
  const hosts = config.estate.hosts.filter((h) => h.maintenancePage).map((h) => h.key);
  if (summary.env !== 'lab' || !controlUrl) {
    return { applied: false, lines: [`--apply: restoring the maintenance page is not automated for env ${summary.env}; put it back by hand on ${hosts.join(', ')} (App Gateway ${config.estate.gateway.name})`] };
  }
  const lines: string[] = [];
  let applied = true;
  for (const host of hosts) {
    const res = await fetch(new URL(`/maintenance/${host}/on`, controlUrl), { method: 'POST', signal: AbortSignal.timeout(5_000) }).catch((err: Error) => err);
    if (res instanceof Error || !res.ok) {
      applied = false;
      lines.push(`--apply: could not put the maintenance page up on ${host}: ${res instanceof Error ? res.message : `HTTP ${res.status}`}`);
    } else lines.push(`--apply: maintenance page put back up on ${host} (lab)`);
  }
  return { applied, lines };
}
