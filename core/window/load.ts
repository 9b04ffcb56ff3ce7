// Finds the window files (windows/YYYY-MM-DD.ts), chooses one (--window, else the one dated today or next,
// else the latest) and validates it against the registered kinds; every bad path named at once (exit 78).
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DateTime } from 'luxon';
import { ConfigError, formatIssues } from '../config/load.ts';
import { UsageError } from '../errors.ts';
import type { AnyKind } from '../kind.ts';
import { windowSchema, type WindowDef } from './schema.ts';

export const WINDOW_FILE = /^(\d{4}-\d{2}-\d{2})\.ts$/;

export interface WindowChoice {
  file: string;
  date: string;
  /** Said in the run's first line: which window and why. */
  why: string;
  /** The window is in the past and was taken only because no later one exists. */
  stale: boolean;
}

export function listWindows(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => WINDOW_FILE.test(f))
    .map((f) => f.slice(0, 10))
    .sort();
}

/** --window=DATE names a file; without it, the earliest window dated today or later, else the latest one. */
export function chooseWindow(dir: string, flag: string | undefined, today: string): WindowChoice {
  const dates = listWindows(dir);
  const names = dates.length ? dates.map((d) => join(dir, `${d}.ts`)).join(', ') : `none in ${dir}`;
  if (flag !== undefined) {
    if (!dates.includes(flag))
      throw new UsageError(`--window=${flag}: there is no window file ${join(dir, `${flag}.ts`)}; window files: ${names}`);
    return { file: join(dir, `${flag}.ts`), date: flag, why: 'given by --window', stale: false };
  }
  if (!dates.length) throw new UsageError(`no window files in ${dir}: write one (see README, "Writing next month's window")`);
  const next = dates.find((d) => d >= today);
  if (next)
    return {
      file: join(dir, `${next}.ts`),
      date: next,
      why: next === today ? 'dated today' : `the next window (today is ${today})`,
      stale: false,
    };
  const latest = dates[dates.length - 1]!;
  return {
    file: join(dir, `${latest}.ts`),
    date: latest,
    why: `the latest window file; none is dated today (${today}) or later`,
    stale: true,
  };
}

export function todayIn(zone: string, now = new Date()): string {
  return DateTime.fromJSDate(now).setZone(zone).toISODate()!;
}

export async function loadWindow(file: string, kinds: readonly AnyKind[]): Promise<WindowDef> {
  const path = resolve(file);
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(path).href)) as { default?: unknown };
  } catch (err) {
    throw new ConfigError(file, [`cannot be loaded: ${(err as Error).message}`]);
  }
  if (mod.default === undefined) throw new ConfigError(file, ['(root): the file must `export default defineWindow({...})`']);
  const parsed = windowSchema(kinds).safeParse(mod.default);
  // zod skips the order checks when a step is invalid; they are read from the raw file so all show at once.
  if (!parsed.success) throw new ConfigError(file, [...new Set([...formatIssues(parsed.error.issues), ...orderProblems(mod.default)])]);
  const named = WINDOW_FILE.exec(path.split('/').pop() ?? '')?.[1];
  if (named && named !== parsed.data.date)
    throw new ConfigError(file, [`date: the file is named ${named} but its date is ${parsed.data.date}`]);
  return parsed.data;
}

export function stepOf(window: WindowDef, id: string): WindowDef['steps'][number] {
  const step = window.steps.find((s) => s.id === id);
  if (!step) {
    const list = window.steps.map((s) => `  ${s.id.padEnd(18)} ${s.title}`).join('\n');
    throw new UsageError(`unknown phase "${id}" in window ${window.date}. Valid phases:\n${list}`);
  }
  return step;
}

/** Duplicate step ids and requirements that are not earlier steps, read from an unvalidated window. */
export function orderProblems(raw: unknown): string[] {
  const steps = (raw as { steps?: unknown } | null)?.steps;
  if (!Array.isArray(steps)) return [];
  const seen = new Set<string>();
  const problems: string[] = [];
  steps.forEach((s: { id?: unknown; requires?: unknown }, i) => {
    const id = typeof s?.id === 'string' ? s.id : undefined;
    if (id && seen.has(id)) problems.push(`steps.${i}.id: step id "${id}" is used twice`);
    for (const r of Array.isArray(s?.requires) ? s.requires : [])
      if (typeof r === 'string' && !seen.has(r)) problems.push(`steps.${i}.requires: "${r}" is not an earlier step of this window`);
    if (id) seen.add(id);
  });
  return problems;
}
