// A step may require earlier steps to have passed in the same window (web6-10 after web1-5 …).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Step } from './window/schema.ts';

export interface RequirementCheck {
  ok: boolean;
  /** One line per required phase: which run was looked for and what was found. */
  lines: string[];
}

export function checkRequirements(phase: Pick<Step, 'requires'>, runsRoot: string, window: string, env: string): RequirementCheck {
  const lines: string[] = [];
  let ok = true;
  for (const req of phase.requires) {
    const dir = join(runsRoot, window, req);
    const runs = existsSync(dir) ? readdirSync(dir).sort().reverse() : [];
    const found = runs
      .map((r) => join(dir, r, 'summary.json'))
      .filter((f) => existsSync(f))
      .map((f) => ({
        f,
        s: JSON.parse(readFileSync(f, 'utf8')) as { verdict: string; env: string; partial?: unknown; applied?: { verdict: string } },
      }))
      // A partial run (--only) checked only some families: it never satisfies a requirement.
      .find(({ s }) => s.env === env && !s.partial);
    if (found && (found.s.applied?.verdict ?? found.s.verdict) === 'go') lines.push(`${req}: passed (${found.f})`);
    else {
      ok = false;
      lines.push(
        found
          ? `${req}: latest ${env} run in ${dir} has verdict ${found.s.verdict} (${found.f})`
          : `${req}: no ${env} run with a summary under ${dir}`,
      );
    }
  }
  return { ok, lines };
}
