// Finds the k6 binary: K6_BIN when set (and then it must be right), else the first k6 on PATH.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export type K6Location = { ok: true; bin: string; from: 'K6_BIN' | 'PATH' } | { ok: false; reason: string };

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false; // absent or not executable: the caller says which
  }
}

export function locateK6(env: NodeJS.ProcessEnv = process.env): K6Location {
  const explicit = env.K6_BIN?.trim();
  if (explicit) {
    return isExecutable(explicit)
      ? { ok: true, bin: explicit, from: 'K6_BIN' }
      : { ok: false, reason: `K6_BIN=${explicit} is not an executable file` };
  }
  const names = process.platform === 'win32' ? ['k6.exe', 'k6'] : ['k6'];
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const n of names) {
      const candidate = join(dir, n);
      if (isExecutable(candidate)) return { ok: true, bin: candidate, from: 'PATH' };
    }
  }
  return { ok: false, reason: 'no k6 found on PATH and K6_BIN is not set' };
}
