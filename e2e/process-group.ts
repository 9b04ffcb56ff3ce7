// A child in its own process group (Playwright and its workers; each browser is its own group, which a worker
// closes, or which exits when its worker's pipe closes) that never outlives the harness: on abort SIGTERM to
// the group, SIGKILL after a grace period; SIGKILL if the harness exits first; and the run is over only when
// the whole group is gone (workers outlive the leader while they close their browsers).
import { spawn, type ChildProcessByStdio, type SpawnOptionsWithoutStdio } from 'node:child_process';
import type { Readable } from 'node:stream';

export interface GroupOptions {
  signal?: AbortSignal;
  /** After SIGTERM (Playwright then stops its workers and browsers), SIGKILL after this long. */
  killGraceMs?: number;
  /** Told the process group id once the child runs. */
  onSpawn?: (pgid: number) => void;
}

export interface GroupRun {
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** Resolves when the child has exited and its output is closed; rejects when it could not start. */
  closed: Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Sends `sig` to every process of the group; false when none is left. Never throws: it runs from timers and
 * inside process.exit, where a throw would end the harness without its summary.
 */
export function signalGroup(pgid: number, sig: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, sig);
    return true;
  } catch (err) {
    // ESRCH: the group is gone. EPERM: something we may not signal is there, so it is not gone.
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** Waits for the group to be empty (polling every 50 ms); SIGKILLs what is left after `graceMs`. */
async function groupEnded(pgid: number | undefined, graceMs: number): Promise<void> {
  if (!pgid) return;
  const until = Date.now() + graceMs;
  while (signalGroup(pgid, 0) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  signalGroup(pgid, 'SIGKILL');
}

export function spawnGroup(command: string, args: readonly string[], spawnOptions: SpawnOptionsWithoutStdio, o: GroupOptions = {}): GroupRun {
  const child = spawn(command, args, { ...spawnOptions, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const pgid = child.pid;
  let killer: NodeJS.Timeout | undefined;
  const stop = () => {
    if (!pgid) return;
    signalGroup(pgid, 'SIGTERM');
    killer = setTimeout(() => signalGroup(pgid, 'SIGKILL'), o.killGraceMs ?? 5_000);
  };
  // Runs inside process.exit (second Ctrl-C, a fatal error): only synchronous work happens there.
  const onHarnessExit = () => {
    if (pgid) signalGroup(pgid, 'SIGKILL');
  };
  const release = () => {
    clearTimeout(killer);
    o.signal?.removeEventListener('abort', stop);
    process.off('exit', onHarnessExit);
  };
  if (pgid) {
    process.once('exit', onHarnessExit);
    if (o.signal?.aborted) stop();
    else o.signal?.addEventListener('abort', stop, { once: true });
    o.onSpawn?.(pgid);
  }
  const closed = new Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', (err) => {
      release();
      reject(err);
    });
    child.once('close', (exitCode, signal) => {
      void groupEnded(pgid, o.killGraceMs ?? 5_000).then(() => {
        release();
        resolve({ exitCode, signal });
      });
    });
  });
  return { child, closed };
}
