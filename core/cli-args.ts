// The smoke/regression flags: every mistake is a UsageError (exit 64) that says what is valid. Which phases,
// families and faults exist is checked later, against the window file, the registry and the lab.
import { existsSync, mkdtempSync, rmdirSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import { DateTime } from 'luxon';
import { UsageError } from './errors.ts';
import { parseFlags } from './cli.ts';

export const SMOKE_USAGE = `Usage: npm run smoke -- --phase=<step> [options]
       npm run regression -- [options]

Options:
  --phase=<step>          a step of the window (npm run plan -- --window=... lists them)
  --window=DATE|FILE      the window file: windows/DATE.ts or a path to a .ts file
                          (default: the window dated today or next, else the latest; the run says which)
  --env=lab|<name>        lab (default: the embedded simulated estate) or an environment from the config
  --config=FILE           another config file (default harness.config.ts)
  --out=DIR               run folder (default runs/<window>/<step>/<timestamp>/)
  --only=<family,...>     run only these check families (sanity, dns, k6, e2e)
  --fault=<name>[:<arg>]  inject a lab fault (repeatable; lab only; see npm run lab -- --help)
  --baseline=DIR|none     the baseline run (default: this window's latest pre-maintenance run, if any)
  --apply                 on no-go, carry out the action where it can be automated, then re-check
  --e2e-report=FILE       e2e checks take their results from this merged Playwright JSON report (CI shards)
                          instead of starting Playwright; a listed test missing from it is broken
  --json                  print the summary as JSON instead of the console report
  --force                 run even if a required earlier step has not passed in this window
  --debug                 print the stack of an unexpected error
  --help                  this text

Exit codes: 0 go, 1 no-go, 2 inconclusive, 64 bad usage, 78 bad configuration.`;

export const SMOKE_OPTIONS = {
  phase: { type: 'string', multiple: true },
  env: { type: 'string', default: 'lab' },
  config: { type: 'string', default: 'harness.config.ts' },
  window: { type: 'string' },
  out: { type: 'string' },
  only: { type: 'string' },
  fault: { type: 'string', multiple: true, default: [] as string[] },
  baseline: { type: 'string' },
  apply: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  force: { type: 'boolean', default: false },
  'e2e-report': { type: 'string' },
} satisfies NonNullable<ParseArgsConfig['options']>;

export interface SmokeArgs {
  baseline?: string;
  /** --e2e-report: a merged Playwright JSON report the e2e checks read instead of running Playwright. */
  e2eReport?: string;
  phase: string;
  env: string;
  config: string;
  window?: string;
  out?: string;
  only?: string[];
  faults: string[];
  apply: boolean;
  json: boolean;
  force: boolean;
}

export interface RawSmoke {
  baseline?: string;
  'e2e-report'?: string;
  phase?: string[];
  env: string;
  config: string;
  window?: string;
  out?: string;
  only?: string;
  fault: string[];
  apply: boolean;
  json: boolean;
  force: boolean;
}

export function parseSmokeArgs(argv: readonly string[]): SmokeArgs {
  return checkSmokeArgs(parseFlags<RawSmoke>(argv, SMOKE_OPTIONS, SMOKE_USAGE));
}

export function checkSmokeArgs(values: RawSmoke): SmokeArgs {
  // npm run regression passes --phase=regression first; another --phase after it is a contradiction.
  const phases = [...new Set(values.phase ?? [])];
  if (phases.length > 1)
    throw new UsageError(
      `--phase given more than once with different values (${phases.join(', ')}); npm run regression is the regression step`,
    );
  const phase = phases[0];
  if (!phase) throw new UsageError('--phase is required: a step of the window (npm run plan lists them)');
  if (values.window !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values.window) && !values.window.endsWith('.ts'))
    throw new UsageError(`--window must be a date as YYYY-MM-DD or a window file (.ts), got "${values.window}"`);
  if (values.window !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(values.window)) checkWindowDate(values.window);
  let only: string[] | undefined;
  if (values.only !== undefined) {
    only = values.only
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (!only.length) throw new UsageError('--only needs at least one family: sanity, dns, k6, e2e');
  }
  const e2eReport = values['e2e-report'];
  if (e2eReport !== undefined && !existsSync(e2eReport))
    throw new UsageError(
      `--e2e-report=${e2eReport}: no such file; pass the JSON report \`playwright merge-reports --reporter=json\` wrote (PLAYWRIGHT_JSON_OUTPUT_FILE)`,
    );
  if (values.fault.length && values.env !== 'lab')
    throw new UsageError(`--fault injects faults into the lab only; it cannot be used with --env=${values.env}`);
  checkEnvName(values.env);
  if (values.out !== undefined) checkOutDir(values.out);
  return {
    phase,
    env: values.env,
    config: values.config,
    faults: values.fault,
    apply: values.apply,
    json: values.json,
    force: values.force,
    ...(values.window ? { window: values.window } : {}),
    ...(values.baseline !== undefined ? { baseline: values.baseline } : {}),
    ...(e2eReport !== undefined ? { e2eReport } : {}),
    ...(values.out !== undefined ? { out: values.out } : {}),
    ...(only ? { only } : {}),
  };
}

/** --env=lab or an environment's name as the config spells it; anything else (__proto__, ../x) is refused before use. */
export function checkEnvName(env: string): void {
  if (!/^[a-z][a-z0-9-]{0,39}$/.test(env))
    throw new UsageError(
      `--env=${env}: an environment is lab or a name from the config's environments (lower-case letters, digits, dashes)`,
    );
}

/**
 * --out must be a folder this process can create or write: not a file or device, not under a file, not in a
 * read-only place, and a name the file system accepts. Checked before anything runs; nothing is left behind.
 */
export function checkOutDir(out: string): void {
  const fail = (why: string) => {
    throw new UsageError(`--out=${out.length > 80 ? `${out.slice(0, 77)}...` : out}: ${why}`);
  };
  if (out.trim() === '') throw new UsageError('--out= is empty: name a folder, or leave --out out for runs/<window>/<step>/<time>/');
  if (out.includes('\0')) fail('contains a NUL character');
  const path = resolve(out);
  if (Buffer.byteLength(path) > 4_000) fail(`the path is ${Buffer.byteLength(path)} bytes long; at most 4,000`);
  const long = path.split(sep).find((part) => Buffer.byteLength(part) > 255);
  if (long !== undefined) fail(`a folder name is at most 255 bytes; "${long.slice(0, 40)}..." is ${Buffer.byteLength(long)}`);
  // The nearest part of the path that exists must be a folder we can create folders in.
  let existing = path;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  const stat = statSync(existing);
  if (!stat.isDirectory())
    fail(
      existing === path
        ? `names ${stat.isFile() ? 'a file' : 'a device or special file'}, not a folder`
        : `is under ${existing}, which is a file, not a folder`,
    );
  try {
    rmdirSync(mkdtempSync(join(existing, '.harness-write-check-')));
  } catch (err) {
    fail(
      `cannot create folders in ${existing} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): choose a writable place`,
    );
  }
}

/** A --window date is a real day of a plausible year: 2025-02-30 or 0000-01-01 names no window. */
export function checkWindowDate(date: string): void {
  const d = DateTime.fromISO(date, { zone: 'UTC' });
  if (!d.isValid || d.toISODate() !== date)
    throw new UsageError(`--window=${date}: not a day of the calendar; a window date is YYYY-MM-DD`);
  if (d.year < 2000 || d.year > 2100) throw new UsageError(`--window=${date}: a window date between 2000 and 2100`);
}
