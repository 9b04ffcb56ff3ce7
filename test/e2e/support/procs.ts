// Which processes of a process group are still alive (zombies waiting to be reaped do not count), from /proc.
import { readdirSync, readFileSync } from 'node:fs';

export function liveMembers(pgid: number): string[] {
  const alive: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // exited between the listing and the read
    }
    // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so split after the last ")".
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z') alive.push(`${pid} ${comm}`);
  }
  return alive;
}

/** Waits until no process of the group is alive (polling /proc every 20 ms), at most `ms`; returns what is left. */
export async function groupGone(pgid: number, ms = 5_000): Promise<string[]> {
  const until = Date.now() + ms;
  let left = liveMembers(pgid);
  while (left.length && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 20));
    left = liveMembers(pgid);
  }
  return left;
}

/** Live processes whose environment holds `name=value` exactly (a run's workers and browsers inherit its variables). */
export function liveWithEnv(name: string, value: string): string[] {
  const needle = Buffer.from(`\0${name}=${value}\0`);
  const alive: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      const env = Buffer.concat([Buffer.from('\0'), readFileSync(`/proc/${pid}/environ`), Buffer.from('\0')]);
      if (env.includes(needle)) alive.push(`${pid} ${stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))}`);
    } catch (err) {
      // A process that ended between readdir and read, or one we may not read, holds no harness child.
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ESRCH' && code !== 'EACCES') throw err;
    }
  }
  return alive;
}

/** Waits until no live process carries `name=value` (polling every 20 ms), at most `ms`; returns what is left. */
export async function envGone(name: string, value: string, ms = 5_000): Promise<string[]> {
  const until = Date.now() + ms;
  let left = liveWithEnv(name, value);
  while (left.length && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 20));
    left = liveWithEnv(name, value);
  }
  return left;
}
