// The window's baseline: the latest complete pre-maintenance run of the same window and environment. A later
// failure identical to one there is shown as pre-existing (core/gate.ts rule 4), never hidden.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from './errors.ts';
import { Summary, type CheckResult } from './result.ts';

export interface Baseline {
  run: string;
  checks: CheckResult[];
}

export const BASELINE_STEP = 'pre-maintenance';

function readSummary(dir: string): Summary | undefined {
  const file = join(dir, 'summary.json');
  if (!existsSync(file)) return undefined;
  const parsed = Summary.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  return parsed.success ? parsed.data : undefined;
}

/** --baseline=DIR names one; otherwise the latest complete pre-maintenance run under runs/<window>/. */
export function findBaseline(runsRoot: string, window: string, env: string, flag?: string): Baseline | undefined {
  if (flag === 'none') return undefined;
  if (flag !== undefined) {
    const dir = resolve(flag);
    const s = readSummary(dir);
    if (!s)
      throw new UsageError(
        `--baseline=${flag}: ${dir} holds no readable summary.json (pass a finished pre-maintenance run folder, or --baseline=none)`,
      );
    return { run: dir, checks: s.checks };
  }
  const root = join(runsRoot, window, BASELINE_STEP);
  if (!existsSync(root)) return undefined;
  for (const name of readdirSync(root).sort().reverse()) {
    const s = readSummary(join(root, name));
    if (s && s.env === env && !s.partial && !s.interrupted) return { run: join(root, name), checks: s.checks };
  }
  return undefined;
}
