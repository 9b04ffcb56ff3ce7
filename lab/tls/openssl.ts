// Runs the openssl CLI (present on Debian/Ubuntu/macOS and in CI images); a missing binary is a clear error.
import { execFile } from 'node:child_process';

export class PkiError extends Error {
  override readonly name = 'PkiError';
}

export function openssl(args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('openssl', args, { cwd, timeout: 10_000 }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT')
        return reject(new PkiError('the lab needs the openssl CLI to make its CA: install openssl (apt-get install openssl) and retry'));
      reject(new PkiError(`openssl ${args[0]} failed in ${cwd}: ${stderr.trim() || err.message}`));
    });
  });
}
