// Loads and validates a config file once, at the boundary; every zod issue is reported at once.
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { existsSync, statSync } from 'node:fs';
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
    return `${path}: ${issueText(issue)}`;
  });
}

/** Zod's own words, except where they hide the reason: a bad record key or no matching alternative says what was expected. */
function issueText(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_key') return `not a valid name: ${[...new Set(issue.issues.map((i) => i.message))].join('; ')}`;
  if (issue.code === 'invalid_union' && issue.errors.length) {
    const each = [...new Set(issue.errors.flat().map((i) => i.message))];
    if (each.length) return `none of the accepted forms: ${each.join('; or ')}`;
  }
  return issue.message;
}

export function parseConfig(raw: unknown, file = 'harness.config.ts'): HarnessConfig {
  const parsed = HarnessConfig.safeParse(raw);
  if (!parsed.success) throw new ConfigError(file, formatIssues(parsed.error.issues));
  return parsed.data;
}

/**
 * Runs `load` (which imports config code) with process.exit replaced by a thrower: a config file that calls
 * process.exit(0) while it is imported would otherwise end the command with 0 and no verdict. The import fails
 * instead, and the loader reports it as a configuration error naming the file.
 */
export async function withExitGuard<T>(file: string, load: () => Promise<T>): Promise<T> {
  const exit = process.exit;
  process.exit = ((code?: number | string | null) => {
    throw new Error(`${file} called process.exit(${code ?? ''}) while it was loaded; a config file only exports its config`);
  }) as typeof process.exit;
  try {
    return await load();
  } finally {
    process.exit = exit;
  }
}

/** Files the config names must exist now: a missing zone file found mid-run would make checks broken, not the config bad. */
export function fileProblems(config: HarnessConfig): string[] {
  const problems: string[] = [];
  const zoneFile = config.dns.zoneFile;
  if (zoneFile !== undefined) {
    const path = resolve(zoneFile);
    const stat = existsSync(path) ? statSync(path) : undefined;
    if (!stat) problems.push(`dns.zoneFile: no such file: ${path} (relative paths are from the working directory)`);
    else if (!stat.isFile()) problems.push(`dns.zoneFile: not a file: ${path}`);
  }
  return problems;
}

export async function loadConfig(file = 'harness.config.ts'): Promise<HarnessConfig> {
  const path = resolve(file);
  if (!existsSync(path)) throw new ConfigError(file, [`file not found: ${path} (pass --config=FILE or create harness.config.ts)`]);
  let mod: { default?: unknown };
  try {
    mod = await withExitGuard(file, async () => (await import(pathToFileURL(path).href)) as { default?: unknown });
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(file, [`cannot be loaded: ${(err as Error).message}`]);
  }
  if (mod.default === undefined) throw new ConfigError(file, ['(root): the file must `export default defineConfig({...})`']);
  const config = parseConfig(mod.default, file);
  const problems = fileProblems(config);
  if (problems.length) throw new ConfigError(file, problems);
  return config;
}
