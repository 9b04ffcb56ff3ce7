// CPU time of another process from /proc (Linux), for the benchmarks that compare the harness with other tools.
import { readFileSync } from 'node:fs';

/** CPU ms in a /proc/<pid>/stat line: user + system, plus (`children`) that of its waited-for children. */
export function statCpuMs(stat: string, children = false): number {
  // Fields after "(comm) ": state ppid … utime(11) stime(12) cutime(13) cstime(14), in clock ticks (100 per s).
  const f = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
  return (Number(f[11]) + Number(f[12]) + (children ? Number(f[13]) + Number(f[14]) : 0)) * 10;
}

/** User + system CPU of `pid` in ms; undefined where /proc is absent or the process is gone. */
export function procCpuMs(pid: number): number | undefined {
  try {
    return statCpuMs(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}
