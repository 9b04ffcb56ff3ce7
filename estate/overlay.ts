// The operator's local overlay (harness.local.ts, untracked): production addresses, nameservers, trust and
// page contracts merged over the tracked harness.config.ts, then validated as one config.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, parseConfig, withExitGuard } from '../core/config/load.ts';
import type { HarnessConfig, HarnessConfigInput } from '../core/config/schema.ts';

/** The overlay's file name, next to the config file; listed in .gitignore so addresses never reach the repo. */
export const LOCAL_CONFIG = 'harness.local.ts';
/** Names another overlay file ('' = none); the harness also sets it for its children (Playwright). */
export const LOCAL_CONFIG_ENV = 'HARNESS_LOCAL_CONFIG';
/** The base config file the harness loaded, for its children. */
export const CONFIG_ENV = 'HARNESS_CONFIG';

type DeepPartial<T> = T extends readonly (infer _U)[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;
export type LocalConfigInput = DeepPartial<HarnessConfigInput>;

/** Typed identity for harness.local.ts: any part of the config; objects merge, lists and values replace. */
export function defineLocal(overlay: LocalConfigInput): LocalConfigInput {
  return overlay;
}

const isPlain = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/** Objects merge key by key; arrays and scalars in the overlay replace; `undefined` leaves the base value. */
export function mergeConfig(base: unknown, overlay: unknown): unknown {
  if (overlay === undefined) return base;
  if (!isPlain(base) || !isPlain(overlay)) return overlay;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(overlay)) {
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') continue;
    out[k] = mergeConfig(base[k], v);
  }
  return out;
}

/** The overlay for a config file: $HARNESS_LOCAL_CONFIG when set ('' = none), else harness.local.ts beside it when present. */
export function overlayFileFor(configFile: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const named = env[LOCAL_CONFIG_ENV];
  if (named !== undefined) return named === '' ? undefined : resolve(named);
  const beside = join(dirname(resolve(configFile)), LOCAL_CONFIG);
  return existsSync(beside) ? beside : undefined;
}

async function importDefault(file: string, label: string): Promise<unknown> {
  if (!existsSync(file)) throw new ConfigError(label, [`file not found: ${file}`]);
  let mod: { default?: unknown };
  try {
    // A config file that exits while it is loaded is refused (78), whichever command loads it.
    mod = (await withExitGuard(label, () => import(pathToFileURL(file).href))) as { default?: unknown };
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(label, [`cannot be loaded: ${(err as Error).message}`]);
  }
  if (mod.default === undefined) throw new ConfigError(label, ['(root): the file must `export default` its config object']);
  return mod.default;
}

export interface LayeredConfig {
  config: HarnessConfig;
  /** The files merged, base first; what error messages and `npm run plan` name. */
  files: string[];
}

/** Loads the config file and its overlay, merges, validates once: every bad path of the merged config named (78). */
export async function loadLayeredConfig(configFile: string, env: NodeJS.ProcessEnv = process.env): Promise<LayeredConfig> {
  const base = resolve(configFile);
  if (!existsSync(base)) throw new ConfigError(configFile, [`file not found: ${base} (pass --config=FILE or create harness.config.ts)`]);
  const overlay = overlayFileFor(configFile, env);
  const raw = await importDefault(base, configFile);
  const files = [configFile, ...(overlay ? [overlay] : [])];
  const merged = overlay ? mergeConfig(raw, await importDefault(overlay, overlay)) : raw;
  return { config: parseConfig(merged, files.join(' + ')), files };
}

/** What a child process (Playwright) needs to load exactly the same config. */
export function configEnv(files: readonly string[]): Record<string, string> {
  return { [CONFIG_ENV]: resolve(files[0] ?? 'harness.config.ts'), [LOCAL_CONFIG_ENV]: files[1] ? resolve(files[1]) : '' };
}
