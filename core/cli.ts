// One way out of every command: named errors carry their exit code (64 usage, 78 config), a crash is exit 2
// with a one-line cause (the stack only with --debug), and every command answers --help.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { HarnessError, UsageError } from './errors.ts';
import { makeRedactor, secretValues } from './redact.ts';

export interface CommandIO {
  out: NodeJS.WriteStream;
  err: NodeJS.WriteStream;
}

export interface Command<V> {
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Receives the parsed flags; returns the exit code. */
  run: (values: V, io: CommandIO) => Promise<number>;
}

/** Parses argv strictly; a mistake is a UsageError that shows the usage. */
export function parseFlags<V>(argv: readonly string[], options: NonNullable<ParseArgsConfig['options']>, usage: string): V {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values as V;
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${usage}`);
  }
}

export function reportError(err: unknown, debug: boolean, io: Pick<CommandIO, 'err'>): number {
  // Error text can quote file content or a URL: secret-looking environment values are masked as everywhere else.
  const redact = makeRedactor(secretValues(process.env));
  const write = io.err.write.bind(io.err);
  io = { err: Object.assign(Object.create(io.err) as NodeJS.WriteStream, { write: (t: string) => write(redact(t)) }) };
  if (err instanceof HarnessError) {
    io.err.write(`${err.name === 'ConfigError' ? '' : 'error: '}${err.message}\n`);
    if (debug && err.stack) io.err.write(`${err.stack}\n`);
    return err.exitCode;
  }
  const cause = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  io.err.write(
    `harness error: ${cause}\nNo verdict could be reached (inconclusive); the results written so far are in the run folder.${debug ? '' : ' Re-run with --debug for the stack.'}\n`,
  );
  if (debug && err instanceof Error && err.stack) io.err.write(`${err.stack}\n`);
  return 2;
}

/** Runs a command as the process: --help, --debug, named errors, crash handlers, exit code. */
export function runCommand<V>(cmd: Command<V>, argv = process.argv.slice(2)): void {
  const io: CommandIO = { out: process.stdout, err: process.stderr };
  const debug = argv.includes('--debug');
  const args = argv.filter((a) => a !== '--debug');
  const exit = (code: number) => {
    process.exitCode = code;
    // Let stdout drain before leaving (a piped --json summary must arrive whole).
    process.stdout.write('', () => process.exit(code));
  };
  const crash = (err: unknown) => exit(reportError(err, debug, io));
  // A reader that stops early (`| head`) closes the pipe: the output is done, not a crash.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    crash(err);
  });
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  if (args.includes('--help') || args.includes('-h')) {
    io.out.write(`${cmd.usage}\n`);
    return exit(0);
  }
  Promise.resolve()
    .then(() => cmd.run(parseFlags<V>(args, cmd.options, cmd.usage), io))
    .then(exit, crash);
}
