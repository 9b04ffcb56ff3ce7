// Loads and validates a config file once, at the boundary; every zod issue is reported at once.
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import type { z } from 'zod';
import { HarnessError } from '../errors.ts';
import { HarnessConfig } from './schema.ts';

/** Bad configuration (a config or window file, or what an environment lacks): every bad path named, exit 78. */
export class ConfigError extends HarnessError {
  override readonly name = 'ConfigError';
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`Invalid configuration in ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`, 78);
  }
}

export function formatIssues(issues: readonly z.core.$ZodIssue[], prefix = ''): string[] {
  return issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(root)';
    return `${path}: ${issue.message}`;
  });
}

export function parseConfig(raw: unknown, file = 'harness.config.ts'): HarnessConfig {
  const parsed = HarnessConfig.safeParse(raw);
  if (!parsed.success) throw new ConfigError(file, formatIssues(parsed.error.issues));
  return parsed.data;
}

export async function loadConfig(file = 'harness.config.ts'): Promise<HarnessConfig> {
  const path = resolve(file);
  if (!existsSync(path)) throw new ConfigError(file, [`file not found: ${path} (pass --config=FILE or create harness.config.ts)`]);
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(path).href)) as { default?: unknown };
  } catch (err) {
    throw new ConfigError(file, [`cannot be loaded: ${(err as Error).message}`]);
  }
  if (mod.default === undefined) throw new ConfigError(file, ['(root): the file must `export default defineConfig({...})`']);
  return parseConfig(mod.default, file);
}
