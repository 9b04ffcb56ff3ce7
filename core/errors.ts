// One error model: every error a command reports on purpose is named and carries its exit code (sysexits).
export class HarnessError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** Bad command line: says what is valid. */
export class UsageError extends HarnessError {
  override readonly name: string = 'UsageError';
  constructor(message: string) {
    super(message, 64);
  }
}
