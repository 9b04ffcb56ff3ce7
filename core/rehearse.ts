// A rehearsal: the whole window played on one estate in runbook order, each step's run in its own folder under
// one window folder, stopping where the runbook would stop (the first step that is not go).
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import type { HarnessConfig } from './config/schema.ts';
import type { AnyKind } from './kind.ts';
import type { Summary } from './result.ts';
import { runStep } from './run.ts';
import { windowSchedule } from './schedule.ts';
import type { EstateSource } from './source.ts';
import type { WindowDef } from './window/schema.ts';

export interface TimelineRow {
  step: string;
  title: string;
  et: string;
  ist: string;
  /** The step's verdict (after --apply when it applied), or "not run" past the stop. */
  verdict: Summary['verdict'] | 'not run';
  run?: string;
  startedAt?: string;
  finishedAt?: string;
  reasons?: string[];
}

export interface RehearsalOptions {
  config: HarnessConfig;
  kinds: readonly AnyKind[];
  window: WindowDef;
  windowFile: string;
  /** One estate carried from step to step (the lab started once). */
  source: EstateSource;
  outDir: string;
  signal: AbortSignal;
  /** After each step (the rehearsal posts it to the lab's Slack receiver here). */
  onStep?: (row: TimelineRow, summary: Summary) => void | Promise<void>;
}

export async function rehearseWindow(o: RehearsalOptions): Promise<{ rows: TimelineRow[]; stoppedAt?: string }> {
  const times = new Map(windowSchedule(o.window).map((r) => [r.phase, r]));
  const rows: TimelineRow[] = o.window.steps.map((s) => ({
    step: s.id,
    title: s.title,
    et: times.get(s.id)!.et,
    ist: times.get(s.id)!.ist,
    verdict: 'not run',
  }));
  let stoppedAt: string | undefined;
  for (const [i, step] of o.window.steps.entries()) {
    if (o.signal.aborted) break;
    const run = join(o.outDir, step.id);
    const summary = await runStep({
      config: o.config,
      kinds: o.kinds,
      source: o.source,
      step,
      window: o.window.date,
      windowFile: o.windowFile,
      outDir: run,
      signal: o.signal,
    });
    const verdict = summary.applied?.verdict ?? summary.verdict;
    rows[i] = { ...rows[i]!, verdict, run, startedAt: summary.startedAt, finishedAt: summary.finishedAt, reasons: summary.reasons };
    await o.onStep?.(rows[i]!, summary);
    writeTimeline(o.outDir, o.window, rows);
    if (verdict !== 'go') {
      stoppedAt = step.id;
      break;
    }
  }
  writeTimeline(o.outDir, o.window, rows, stoppedAt);
  return { rows, ...(stoppedAt ? { stoppedAt } : {}) };
}

/** timeline.json for tools and timeline.txt for people, rewritten after every step. */
function writeTimeline(dir: string, window: WindowDef, rows: readonly TimelineRow[], stoppedAt?: string): void {
  writeFileSync(
    join(dir, 'timeline.json'),
    `${JSON.stringify({ window: window.date, title: window.title, stoppedAt: stoppedAt ?? null, steps: rows }, null, 2)}\n`,
  );
  const text = rows.map(
    (r) =>
      `${r.step.padEnd(20)} ${r.et.padEnd(26)} ${r.ist.padEnd(28)} ${r.verdict.toUpperCase()}${r.reasons && r.verdict !== 'go' ? `  ${r.reasons[0] ?? ''}` : ''}`,
  );
  writeFileSync(
    join(dir, 'timeline.txt'),
    `window ${window.date}: ${window.title}${stoppedAt ? ` — stopped at ${stoppedAt}` : ''}\n${'step'.padEnd(20)} ${'ET'.padEnd(26)} ${'IST'.padEnd(28)} verdict\n${text.join('\n')}\n`,
  );
}
