// Reads k6's log lines (logfmt on stderr): the errors it logged, and above all the exceptions thrown inside
// iterations, which k6 logs and then ignores (the run still exits 0).

export interface K6LogLine {
  level?: string;
  msg?: string;
  source?: string;
  hint?: string;
  fields: Record<string, string>;
}

/** One logfmt line: key=value or key="quoted \"value\"" pairs. */
export function parseLogfmt(line: string): K6LogLine | undefined {
  const fields: Record<string, string> = {};
  const re = /([A-Za-z_][\w.-]*)=(?:"((?:[^"\\]|\\.)*)"|(\S*))/g;
  for (const m of line.matchAll(re)) {
    const key = m[1]!;
    fields[key] = m[2] !== undefined ? m[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c)) : (m[3] ?? '');
  }
  if (!('level' in fields) && !('msg' in fields)) return undefined;
  return { level: fields.level, msg: fields.msg, source: fields.source, hint: fields.hint, fields };
}

export function parseK6Log(stderr: string): K6LogLine[] {
  return stderr.split(/\r?\n/).flatMap((l) => {
    const p = l.trim() ? parseLogfmt(l) : undefined;
    return p ? [p] : [];
  });
}

/** k6 logs an uncaught exception of an iteration at level error with source=stacktrace. */
export function iterationExceptions(lines: readonly K6LogLine[]): string[] {
  return lines.filter((l) => l.level === 'error' && l.source === 'stacktrace').map((l) => firstLine(l.msg ?? '(no message)'));
}

/** Errors that are neither iteration exceptions nor the threshold summary line: what explains a bad exit. */
export function otherErrors(lines: readonly K6LogLine[]): string[] {
  return lines
    .filter(
      (l) =>
        (l.level === 'error' || l.level === 'fatal') &&
        l.source !== 'stacktrace' &&
        !/^thresholds on metrics .* crossed$/.test(l.msg ?? ''),
    )
    .map((l) => firstLine(l.msg ?? '(no message)'));
}

/** The error without its stack: "SyntaxError: invalid character '<' …". */
export function firstLine(msg: string): string {
  return msg.split('\n')[0]!.trim();
}
