// Follows a growing JSON-lines file (the stream reporter's) and hands over each complete line once.
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';

export interface Follower {
  /** Reads what is left and stops. */
  stop(): void;
}

export function followLines(file: string, onLine: (line: string) => void, intervalMs = 250): Follower {
  let offset = 0;
  let partial = '';
  const drain = () => {
    if (!existsSync(file)) return;
    const size = statSync(file).size;
    if (size < offset) offset = 0; // the reporter truncated it at start: begin again
    if (size === offset) return;
    const fd = openSync(file, 'r');
    try {
      const buf = Buffer.alloc(size - offset);
      readSync(fd, buf, 0, buf.length, offset);
      offset = size;
      const lines = (partial + buf.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) if (l.trim()) onLine(l);
    } finally {
      closeSync(fd);
    }
  };
  const timer = setInterval(drain, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      drain();
    },
  };
}
