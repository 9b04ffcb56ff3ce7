// A child in its own process group (Playwright and its workers; each browser is its own group, which a worker
// closes, or which exits when its worker's pipe closes) that never outlives the harness: on abort SIGTERM to
// the group, SIGKILL after a grace period; SIGKILL if the harness exits first — even by SIGKILL, through a
// parent-death signal on the leader (util-linux setpriv) and a reaper that kills the group when the harness's
// pipe to it closes; and the run is over only when the whole group is gone (workers outlive the leader).
import { spawn, type ChildProcessByStdio, type SpawnOptionsWithoutStdio } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { isAbsolute } from 'node:path';
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

const executable = (f: string) => {
  try {
    accessSync(f, constants.X_OK);
    return true;
  } catch {
    return false; // absent: the caller's spawn reports it (ENOENT) as usual
  }
};

let setprivBin: string | null | undefined;
/** util-linux setpriv, when this is Linux and it is installed; HARNESS_NO_SETPRIV=1 turns it off (tests of the reaper). */
export function setpriv(): string | null {
  if (process.env.HARNESS_NO_SETPRIV === '1') return null;
  if (setprivBin === undefined)
    setprivBin = process.platform === 'linux' ? (['/usr/bin/setpriv', '/bin/setpriv', '/usr/sbin/setpriv'].find(executable) ?? null) : null;
  return setprivBin;
}

/**
 * The command as spawned: through `setpriv --pdeathsig KILL` (the kernel SIGKILLs it when the harness dies, however
 * it dies) when setpriv exists and the command is an executable path, so a missing binary still fails as ENOENT.
 */
export function withDeathSignal(command: string, args: readonly string[]): [string, string[]] {
  const sp = setpriv();
  return sp && isAbsolute(command) && executable(command) ? [sp, ['--pdeathsig', 'KILL', '--', command, ...args]] : [command, [...args]];
}

/**
 * A shell in its own session holding a pipe from the harness: when the pipe closes without "done" (the harness
 * died, SIGKILL included) it SIGKILLs the group. Covers the leader's own children, which pdeathsig does not.
 */
function startReaper(pgid: number): () => void {
  if (process.platform === 'win32') return () => undefined;
  const reaper = spawn('/bin/sh', ['-c', 'read x; [ "$x" = done ] || kill -9 "-$1" 2>/dev/null', 'harness-reaper', String(pgid)], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  reaper.on('error', () => undefined); // no /bin/sh: pdeathsig and the exit hook still stand
  reaper.stdin.on('error', () => undefined); // the reaper already gone
  reaper.unref();
  (reaper.stdin as unknown as { unref?: () => void }).unref?.();
  return () => reaper.stdin.end('done\n');
}

export function spawnGroup(
  command: string,
  args: readonly string[],
  spawnOptions: SpawnOptionsWithoutStdio,
  o: GroupOptions = {},
): GroupRun {
  const [cmd, argv] = withDeathSignal(command, args);
  const child = spawn(cmd, argv, { ...spawnOptions, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const pgid = child.pid;
  const releaseReaper = pgid ? startReaper(pgid) : () => undefined;
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
    releaseReaper();
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
