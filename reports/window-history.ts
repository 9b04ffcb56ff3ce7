// Allure history across windows: one point per window and environment, in window order, so a check that fails every
// month shows it in its trend. Rebuilding a window's report replaces that window's point instead of adding another.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** The report name a window report carries; its history point is found by it. */
export const windowReportName = (date: string, env: string): string => `Maintenance window ${date} · ${env}`;

const NAME = /^Maintenance window (\d{4}-\d{2}-\d{2}) · (.+)$/;

interface Point {
  name?: unknown;
  timestamp?: unknown;
}

/** The file's lines with their parsed point (null for a line that is not one of ours, kept as it is). */
async function readLines(file: string): Promise<{ text: string; window?: string; env?: string; timestamp: number }[]> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return '';
    throw err;
  });
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((line) => {
      let point: Point;
      try {
        point = JSON.parse(line) as Point;
      } catch {
        return { text: line, timestamp: 0 }; // not ours to judge: kept, never shown
      }
      const m = typeof point.name === 'string' ? NAME.exec(point.name) : null;
      const timestamp = typeof point.timestamp === 'number' ? point.timestamp : 0;
      return m ? { text: line, window: m[1]!, env: m[2]!, timestamp } : { text: line, timestamp };
    });
}

/**
 * Writes `stage` with the points Allure should show as this window's history: the same environment's earlier
 * windows, oldest first. Returns how many.
 */
export async function stageHistory(file: string, stage: string, date: string, env: string): Promise<number> {
  const earlier = (await readLines(file)).filter((l) => l.env === env && l.window !== undefined && l.window < date);
  await mkdir(dirname(stage), { recursive: true });
  await writeFile(stage, earlier.map((l) => `${l.text}\n`).join(''), 'utf8');
  return earlier.length;
}

/**
 * Takes the point Allure appended to `stage` (this window's), dates it at `at` (the window's runbook time, so points
 * order by window rather than by when a report was rebuilt) and puts it into `file` in place of any earlier point of
 * the same window and environment.
 */
export async function commitHistory(file: string, stage: string, date: string, env: string, at: number): Promise<void> {
  const staged = await readLines(stage);
  const mine = staged.at(-1);
  await rm(stage, { force: true });
  if (!mine || mine.window !== date || mine.env !== env)
    throw new Error(`allure wrote no history point for window ${date} (${env}) into ${stage}`);
  const point = { ...(JSON.parse(mine.text) as Record<string, unknown>), timestamp: at };
  const others = (await readLines(file)).filter((l) => !(l.window === date && l.env === env));
  const lines = [...others, { text: JSON.stringify(point), timestamp: at }].sort((a, b) => a.timestamp - b.timestamp);
  const tmp = `${file}.${process.pid}.tmp`;
  await mkdir(dirname(file), { recursive: true });
  await writeFile(tmp, lines.map((l) => `${l.text}\n`).join(''), 'utf8');
  await rename(tmp, file);
}
