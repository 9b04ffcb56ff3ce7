// Follows a growing JSON-lines file (the stream reporter's) and hands over each complete line once.
// It runs from a timer: nothing it calls may throw out of it (that would be an uncaught exception
// ending the harness without a summary), so a line that cannot be handled goes to onError with its number.
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

export interface Follower {
  /** Reads what is left and stops. */
  stop(): void;
  /** Failures of the follower itself (reading the file, or onError throwing): the caller reports them. */
  readonly errors: readonly Error[];
}

/** `lineNo` counts from 1 in the file as written. */
export type LineError = (error: Error, lineNo: number, line: string) => void;

const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));

export function followLines(file: string, onLine: (line: string) => void, onError: LineError, intervalMs = 250): Follower {
  let offset = 0;
  let partial = '';
  let lineNo = 0;
  // A read may end inside a multi-byte character (titles carry "›"): the decoder keeps its first bytes.
  let decoder = new StringDecoder('utf8');
  const errors: Error[] = [];
  const handle = (line: string) => {
    lineNo += 1;
    if (!line.trim()) return;
    try {
      onLine(line);
    } catch (err) {
      try {
        onError(asError(err), lineNo, line);
      } catch (inner) {
        errors.push(new Error(`${file} line ${lineNo}: ${asError(err).message}; reporting it failed too: ${asError(inner).message}`));
      }
    }
  };
  const read = () => {
    if (!existsSync(file)) return;
    const size = statSync(file).size;
    if (size < offset) {
      // the reporter truncated it at start: begin again
      offset = 0;
      partial = '';
      lineNo = 0;
      decoder = new StringDecoder('utf8');
    }
    if (size === offset) return;
    const fd = openSync(file, 'r');
    let text: string;
    try {
      const buf = Buffer.alloc(size - offset);
      readSync(fd, buf, 0, buf.length, offset);
      offset = size;
      text = decoder.write(buf);
    } finally {
      closeSync(fd);
    }
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) handle(l);
  };
  const drain = () => {
    try {
      read();
    } catch (err) {
      errors.push(new Error(`cannot follow ${file}: ${asError(err).message}`));
    }
  };
  const timer = setInterval(drain, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      drain();
    },
    errors,
  };
}
