// Runs one k6 process: fixed arguments (no usage report, no REST API so runs can overlap), the environment
// the caller built, stdout/stderr/summary kept as evidence, a clean stop when the signal aborts, and never an
// orphan: its own process group with a parent-death signal and a reaper (e2e/process-group.ts).
import { spawnGroup } from '../../e2e/process-group.ts';
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

export interface K6Invocation {
  bin: string;
  bundle: string;
  /** The whole environment of the k6 process (nothing else is inherited). */
  env: Record<string, string>;
  /** Evidence folder: stdout.txt, stderr.txt, summary.json, invocation.json. */
  outDir: string;
  summaryFile: string;
  signal: AbortSignal;
  /** After SIGTERM (k6 then stops and still writes its summary), SIGKILL after this long. */
  killGraceMs?: number;
  /** Told k6's pid (= its process group) once it runs. */
  onSpawn?: (pid: number) => void;
}

export interface K6RawRun {
  args: string[];
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** The harness stopped k6 (its signal aborted). */
  stopped: boolean;
  /** k6 could not be started at all (ENOENT, EACCES …). */
  spawnError?: string;
  stdout: string;
  stderr: string;
  summaryText?: string;
  summaryFile: string;
  startedAt: string;
  durationMs: number;
}

export function k6Args(bundle: string): string[] {
  return ['run', '--no-usage-report', '--no-color', '--quiet', '--address=', bundle];
}

const MAX_CAPTURE = 8 * 1024 * 1024;

export function runK6(inv: K6Invocation): Promise<K6RawRun> {
  mkdirSync(inv.outDir, { recursive: true });
  rmSync(inv.summaryFile, { force: true }); // a stale summary must never be read as this run's
  const args = k6Args(inv.bundle);
  // Names of the variables only: values may carry addresses an operator considers private.
  writeFileSync(join(inv.outDir, 'invocation.json'), JSON.stringify({ bin: inv.bin, args, env: Object.keys(inv.env).sort() }, null, 2));
  const startedAt = new Date();
  const t0 = performance.now();
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    const keep = (into: Buffer[]) => (b: Buffer) => {
      if ((size += b.length) <= MAX_CAPTURE) into.push(b);
    };
    let stopped = false;
    let spawnError: string | undefined;
    const stop = new AbortController();
    const onAbort = () => {
      stopped = true;
      stop.abort();
    };
    if (inv.signal.aborted) onAbort();
    else inv.signal.addEventListener('abort', onAbort, { once: true });
    const { child, closed } = spawnGroup(
      inv.bin,
      args,
      { env: inv.env },
      { signal: stop.signal, killGraceMs: inv.killGraceMs ?? 5_000, ...(inv.onSpawn ? { onSpawn: inv.onSpawn } : {}) },
    );
    child.stdout.on('data', keep(out));
    child.stderr.on('data', keep(err));
    const finish = (exitCode: number | null, signal: NodeJS.Signals | null) => {
      inv.signal.removeEventListener('abort', onAbort);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      writeFileSync(join(inv.outDir, 'stdout.txt'), stdout);
      writeFileSync(join(inv.outDir, 'stderr.txt'), stderr);
      const summaryText = existsSync(inv.summaryFile) ? readFileSync(inv.summaryFile, 'utf8') : undefined;
      resolve({
        args,
        exitCode,
        signal,
        stopped,
        stdout,
        stderr,
        summaryFile: inv.summaryFile,
        ...(spawnError ? { spawnError } : {}),
        ...(summaryText !== undefined ? { summaryText } : {}),
        startedAt: startedAt.toISOString(),
        durationMs: Math.round(performance.now() - t0),
      });
    };
    closed.then(
      ({ exitCode, signal }) => finish(exitCode, signal),
      (e: NodeJS.ErrnoException) => {
        spawnError = `${e.code ?? 'ERROR'}: cannot start ${inv.bin}: ${e.message}`;
        finish(null, null);
      },
    );
  });
}
