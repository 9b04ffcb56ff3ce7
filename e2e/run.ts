// Runs `playwright test` for one suite on some hosts as a child process, with the environment the
// suites read (e2e/target.ts), its output kept in a folder as evidence; abortable, never hangs.
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { HostKey } from '../core/config/estate.ts';
import type { JSONReport } from '@playwright/test/reporter';
import { e2eResultId, recordsFromReport } from './adapter.ts';
import { spawnGroup } from './process-group.ts';
import { ENV } from './target.ts';

export const PROJECT_ROOT = resolve(import.meta.dirname, '..');

export interface PlaywrightRunOptions {
  suite: 'smoke' | 'regression';
  hosts: readonly HostKey[];
  /** Folder for report.json, allure-results, test-results, playwright.log. */
  outDir: string;
  /** Variables for the suites (ENV.*); merged over the current environment. */
  env: Record<string, string>;
  workers?: number;
  /** Narrower selection than the suite tag (a regular expression on title and tags). */
  grep?: string;
  /** `1/2` … and a blob report for merging (docs/e2e.md). */
  shard?: string;
  signal?: AbortSignal;
  /** After the stop's SIGTERM, SIGKILL to the whole group after this long (default 5 s). */
  killGraceMs?: number;
  /** Told the process group id of the run (tests check that a stop leaves nothing behind). */
  onSpawn?: (pgid: number) => void;
}

export interface PlaywrightRunOutcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  reportFile: string;
  logFile: string;
  durationMs: number;
  /** Last lines of output, for the message when no report was written. */
  tail: string;
}

export function playwrightCli(): string {
  return createRequire(import.meta.url).resolve('@playwright/test/cli');
}

/** `--grep` selecting the suite's tag, and within it `grep` when given. */
export function grepFor(suite: 'smoke' | 'regression', grep?: string): string {
  return grep ? `(?=.*@${suite})(?=.*(?:${grep}))` : `@${suite}`;
}

export function playwrightArgs(o: Pick<PlaywrightRunOptions, 'suite' | 'hosts' | 'workers' | 'grep' | 'shard'>): string[] {
  return [
    'test',
    `--grep=${grepFor(o.suite, o.grep)}`,
    ...o.hosts.map((h) => `--project=${h}`),
    ...(o.workers ? [`--workers=${o.workers}`] : []),
    ...(o.shard ? [`--shard=${o.shard}`] : []),
  ];
}

/**
 * A short scratch folder for the browser's temp files (profile, sockets), inside the project when its path
 * is short: Chromium's Unix socket paths must stay under 108 bytes, so deep paths fall back to the system's.
 */
export function scratchDir(): string {
  const inProject = join(PROJECT_ROOT, '.tmp');
  const base = [inProject, tmpdir(), '/tmp'].find((d) => d.length <= 40) ?? '/tmp';
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, base === inProject ? 'pw-' : 'harness-pw-'));
}

export async function runPlaywright(o: PlaywrightRunOptions): Promise<PlaywrightRunOutcome> {
  const outDir = resolve(o.outDir);
  mkdirSync(outDir, { recursive: true });
  const scratch = scratchDir();
  const logFile = join(outDir, 'playwright.log');
  const log = createWriteStream(logFile);
  const started = performance.now();
  // Own process group: a stop ends Playwright, its workers and their browsers together (e2e/process-group.ts).
  const { child, closed } = spawnGroup(
    process.execPath,
    [playwrightCli(), ...playwrightArgs(o)],
    {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        ...o.env,
        [ENV.output]: outDir,
        [ENV.scratch]: scratch,
        ...(o.shard ? { HARNESS_E2E_BLOB: '1' } : {}),
        // Nothing of the browser's lands in $HOME or the system temp folder.
        TMPDIR: scratch,
        XDG_CONFIG_HOME: join(scratch, 'config'),
        XDG_CACHE_HOME: join(scratch, 'cache'),
        XDG_DATA_HOME: join(scratch, 'data'),
        FORCE_COLOR: '0',
      },
    },
    {
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.killGraceMs !== undefined ? { killGraceMs: o.killGraceMs } : {}),
      ...(o.onSpawn ? { onSpawn: o.onSpawn } : {}),
    },
  );
  let tail = '';
  const keep = (chunk: Buffer) => {
    log.write(chunk);
    tail = (tail + chunk.toString('utf8')).slice(-4_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const ended = closed.finally(async () => {
    try {
      // A browser killed with its worker exits when its pipe closes, maybe still writing its profile: retry.
      rmSync(scratch, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    } catch (err) {
      // Leftover temp files do not change any result; the log says where they are.
      const note = `\n[harness] could not remove the browser scratch folder ${scratch}: ${(err as NodeJS.ErrnoException).code ?? String(err)}\n`;
      log.write(note);
      tail = (tail + note).slice(-4_000);
    }
    await new Promise<void>((r) => log.end(() => r()));
  });
  const { exitCode, signal } = await ended;
  return { exitCode, signal, reportFile: join(outDir, 'report.json'), logFile, durationMs: Math.round(performance.now() - started), tail };
}

/**
 * The tests a run will hold, from Playwright's own listing (`--list`), as result ids: each is planned, so a run
 * killed after some tests can never pass for all of them. A listing that fails says why.
 */
export function listTests(
  o: Pick<PlaywrightRunOptions, 'suite' | 'hosts' | 'grep' | 'env'>,
  timeoutMs = 60_000,
): { ids: string[] } | { error: string } {
  const r = spawnSync(process.execPath, [playwrightCli(), ...playwrightArgs(o), '--list', '--reporter=json'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...o.env, FORCE_COLOR: '0' },
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) return { error: `playwright --list could not run: ${r.error.message}` };
  let report: JSONReport;
  try {
    report = JSON.parse(r.stdout) as JSONReport;
  } catch {
    return {
      error: `playwright --list exited ${r.status} without a JSON listing: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`,
    };
  }
  if (report.errors?.length)
    return {
      error: `playwright --list: ${report.errors
        .map((e) => e.message ?? '')
        .join(' | ')
        .slice(0, 500)}`,
    };
  return { ids: recordsFromReport(report).map((t) => e2eResultId(t.project, t.file, t.titlePath)) };
}
