// startLabInChild: the lab started in a child process (lab/child.ts), for measuring the harness alone. The caller
// gets the manifest; the child is stopped by stop() and, should the caller die, by the closed IPC channel.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { StartLabOptions } from './index.ts';
import type { LabManifest } from './manifest.ts';
import type { ChildReply, ChildRequest } from './child.ts';

export interface RemoteLab {
  manifest: LabManifest;
  dir: string;
  pid: number;
  /** Resident set size of the child once the lab was up. */
  rssBytes: number;
  /** Stops the lab and waits for the child to exit; resolves with the child's peak RSS in KiB. */
  stop(): Promise<number | undefined>;
}

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));

/** Options cross the process boundary by structured clone: plain data only (a config object, faults, a state). */
export function startLabInChild(options: StartLabOptions, timeoutMs = 120_000): Promise<RemoteLab> {
  const child: ChildProcess = fork(CHILD, [], {
    execArgv: ['--import', 'tsx'],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise<RemoteLab>((resolve, reject) => {
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(err);
    };
    const timer = setTimeout(() => fail(new Error(`the lab child did not start within ${timeoutMs} ms`)), timeoutMs);
    const early = (code: number | null, signal: NodeJS.Signals | null) =>
      fail(new Error(`the lab child exited (${signal ?? code}) before it was ready`));
    child.once('exit', early);
    child.once('error', fail);
    child.on('message', function onReady(m: ChildReply) {
      if (m.type === 'error') return fail(new Error(`the lab child could not start the lab: ${m.message}`));
      if (m.type !== 'ready') return;
      clearTimeout(timer);
      child.off('message', onReady);
      child.off('exit', early);
      let stopped: Promise<number | undefined> | undefined;
      const stop = () =>
        (stopped ??= new Promise<number | undefined>((done) => {
          let peak: number | undefined;
          child.on('message', (r: ChildReply) => void (r.type === 'stopped' && (peak = r.maxRssKb)));
          const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
          void exited.then(() => (clearTimeout(kill), done(peak)));
          if (child.connected) child.send({ type: 'stop' } satisfies ChildRequest);
          else child.kill('SIGTERM');
        }));
      resolve({ manifest: m.manifest, dir: m.dir, pid: child.pid!, rssBytes: m.rssBytes, stop });
    });
    child.send({ type: 'start', options } satisfies ChildRequest);
  });
}
