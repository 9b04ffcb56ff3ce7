// A synthetic run folder: every status, every check kind, nasty strings, optional summary / plan.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckKind, countStatuses } from '../../core/result.ts';
import type { CheckResult, Status, Summary } from '../../core/result.ts';

export const NASTY = `<script>alert("x&y")</script> ]]> 'quote' \u0001bell\u0008 tab\there\nnewline ünïcödé 😀 \uD800lone`;
const STATUSES: Status[] = ['passed', 'failed', 'broken', 'skipped'];

/** One check per (kind, status): 7 kinds × 4 statuses; the sanity/failed one carries the nasty strings. */
export function syntheticChecks(): CheckResult[] {
  const checks: CheckResult[] = [];
  for (const kind of CheckKind.options) {
    for (const [i, status] of STATUSES.entries()) {
      const nasty = kind === 'sanity' && status === 'failed';
      checks.push({
        id: `${kind}:IC-Web${i + 1}:www:/${nasty ? NASTY : ''}`,
        kind,
        title: nasty ? `title ${NASTY}` : `${kind} check ${status}`,
        target: kind === 'dns' ? { resolver: 'resolver-a', record: 'www.invoicecloud.test' } : { host: 'www', server: `IC-Web${i + 1}` },
        severity: (['critical', 'major', 'minor'] as const)[i % 3] ?? 'critical',
        status,
        attempts: status === 'passed' && kind === 'pool' ? 2 : 1,
        flaky: status === 'passed' && kind === 'pool',
        startedAt: '2025-06-22T04:00:00.000Z',
        durationMs: 1234 + i,
        ...(status === 'passed' ? {} : { message: nasty ? `message ${NASTY}` : `${kind} is ${status}: HTTP_STATUS 500 from IC-Web${i + 1}` }),
        ...(status === 'failed' || status === 'broken' ? { details: { code: 'HTTP_STATUS', status: 500, note: nasty ? NASTY : 'plain' } } : {}),
      });
    }
  }
  return checks;
}

export interface FixtureOptions {
  summary?: boolean;
  plan?: boolean;
  /** Ids planned but not in the results (missing → broken). */
  extraPlanned?: string[];
  /** Raw text appended to results.jsonl (a truncated last line …). */
  trailing?: string;
  checks?: CheckResult[];
}

export async function makeRunFolder(parent: string, opts: FixtureOptions = {}): Promise<{ dir: string; checks: CheckResult[]; summary: Summary }> {
  await mkdir(parent, { recursive: true });
  const dir = await mkdtemp(join(parent, 'run-'));
  const checks = opts.checks ?? syntheticChecks();
  const planned = [...checks.map((c) => c.id), ...(opts.extraPlanned ?? [])];
  const base = { window: '2025-06-22', phase: 'post-window', env: 'lab', startedAt: '2025-06-22T04:00:00.000Z' };
  if (opts.plan ?? true) await writeFile(join(dir, 'plan.json'), JSON.stringify({ ...base, planned }));
  await writeFile(join(dir, 'results.jsonl'), checks.map((c) => JSON.stringify(c) + '\n').join('') + (opts.trailing ?? ''));
  const summary: Summary = {
    ...base,
    finishedAt: '2025-06-22T04:05:00.000Z',
    verdict: 'no-go',
    action: 'restore the maintenance page on www, my, sso',
    reasons: checks.filter((c) => c.status === 'failed' || c.status === 'broken').map((c) => `${c.id}: ${c.message ?? c.status}`),
    counts: countStatuses(checks),
    checks,
    planned,
  };
  if (opts.summary ?? true) await writeFile(join(dir, 'summary.json'), JSON.stringify(summary, null, 2));
  return { dir, checks, summary };
}

export const TMP_ROOT = join(import.meta.dirname, '..', '..', '.tmp', 'reports-tests');
