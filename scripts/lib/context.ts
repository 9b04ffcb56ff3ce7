// What every command starts from: the config (validated against the registry), the window file it chose and
// why, and the estate source (the lab with its faults, or a named environment).
import { resolve } from 'node:path';
import { ConfigError, fileProblems, withExitGuard } from '../../core/config/load.ts';
import type { HarnessConfig } from '../../core/config/schema.ts';
import { UsageError } from '../../core/errors.ts';
import { familiesOf } from '../../core/kind.ts';
import type { EstateSource } from '../../core/source.ts';
import { chooseWindow, loadWindow, todayIn, type WindowChoice } from '../../core/window/load.ts';
import type { WindowDef } from '../../core/window/schema.ts';
import { environmentSource, type ResolvedEstate } from '../../estate/model.ts';
import { configEnv, loadLayeredConfig } from '../../estate/overlay.ts';
import { KINDS } from '../../kinds.ts';
import { checkFaultTargets, FaultError, parseFault, type Fault } from '../../lab/faults.ts';
import { labSource, type LabSourceOptions } from '../../lab/source.ts';

export const WINDOWS_DIR = resolve('windows');

/** The config file with its local overlay (harness.local.ts or $HARNESS_LOCAL_CONFIG) merged, validated as one. */
export async function loadHarnessConfig(file: string): Promise<HarnessConfig> {
  const { config, files } = await withExitGuard(file, () => loadLayeredConfig(file));
  const problems = fileProblems(config);
  if (problems.length) throw new ConfigError(files.join(' + '), problems);
  // Children (Playwright) load exactly these files.
  Object.assign(process.env, configEnv(files));
  const ids = KINDS.map((k) => k.id);
  const unknown = Object.keys(config.policy.severity).filter((k) => !ids.includes(k as (typeof ids)[number]));
  if (unknown.length)
    throw new ConfigError(
      file,
      unknown.map((k) => `policy.severity.${k}: no check kind "${k}" (known: ${ids.join(', ')})`),
    );
  const families = familiesOf(KINDS);
  const badScope = Object.entries(config.environments).flatMap(([env, e]) =>
    (e.outOfScope ?? []).flatMap((f, i) =>
      families.includes(f) || ids.includes(f as (typeof ids)[number])
        ? []
        : [
            `environments.${env}.outOfScope[${i}]: no check family or kind "${f}" (families: ${families.join(', ')}; kinds: ${ids.join(', ')})`,
          ],
    ),
  );
  if (badScope.length) throw new ConfigError(files.join(' + '), badScope);
  return config;
}

export interface ChosenWindow extends WindowChoice {
  window: WindowDef;
}

/**
 * --window=DATE or FILE, else by date; a real environment never runs a window chosen only because it is the latest.
 * `dryRun` (npm run plan, which sends nothing) may plan that latest window, saying a run would need --window.
 */
export async function openWindow(flag: string | undefined, env: string, now = new Date(), dryRun = false): Promise<ChosenWindow> {
  let choice: WindowChoice;
  if (flag?.endsWith('.ts')) choice = { file: resolve(flag), date: '', why: 'given by --window', stale: false };
  else choice = chooseWindow(WINDOWS_DIR, flag, todayIn('America/New_York', now));
  if (choice.stale && env !== 'lab' && dryRun)
    choice = { ...choice, why: `${choice.why}; a run with --env=${env} needs --window=DATE or next month's window file` };
  else if (choice.stale && env !== 'lab') {
    throw new UsageError(
      `no window file is dated today or later, and --env=${env} never runs an old window by default: pass --window=DATE (window files in ${WINDOWS_DIR}) or write next month's window`,
    );
  }
  const window = await loadWindow(choice.file, KINDS);
  return { ...choice, date: window.date, window };
}

export function checkOnly(only: readonly string[] | undefined): void {
  const families = familiesOf(KINDS);
  const bad = (only ?? []).filter((f) => !families.includes(f));
  if (bad.length) throw new UsageError(`--only: unknown family "${bad.join(', ')}"; valid: ${families.join(', ')}`);
}

export function parseFaults(texts: readonly string[]): Fault[] {
  try {
    return texts.map(parseFault);
  } catch (err) {
    if (err instanceof FaultError) throw new UsageError(err.message);
    throw err;
  }
}

/** The families environments.<env>.outOfScope declares (none for the lab: it simulates every family). */
export function outOfScopeFor(config: HarnessConfig, env: string): string[] {
  return env !== 'lab' && Object.hasOwn(config.environments, env) ? [...(config.environments[env]?.outOfScope ?? [])] : [];
}

/** --env names the lab or an environment of the config: its own key, never one JavaScript objects inherit (constructor). */
export function checkEnv(config: HarnessConfig, env: string, configFile: string): void {
  if (env === 'lab' || Object.hasOwn(config.environments, env)) return;
  const known = ['lab', ...Object.keys(config.environments)].join(', ');
  throw new UsageError(`--env=${env}: no such environment; valid: ${known} (environments in ${configFile})`);
}

export function sourceFor(
  config: HarnessConfig,
  env: string,
  configFile: string,
  lab: LabSourceOptions & { only?: readonly string[]; lenient?: boolean } = {},
): EstateSource<ResolvedEstate> {
  const { only, lenient, ...labOptions } = lab;
  // Checked here, before a run folder exists: a bad --env or --fault is a usage error that leaves nothing behind.
  checkEnv(config, env, configFile);
  if (labOptions.faults?.length) checkFaultTargets(labOptions.faults, config);
  // An environment is asked only for what the step's checks (narrowed by --only, without the families it declares
  // out of scope) need.
  const outOfScope = outOfScopeFor(config, env);
  // (A kind out of scope whose family stays in scope, such as service, is not planned; its needs are the family's.)
  const inScope = outOfScope.length ? (only ?? familiesOf(KINDS)).filter((f) => !outOfScope.includes(f)) : only;
  return env === 'lab'
    ? labSource(config, labOptions)
    : environmentSource(config, env, configFile, { kinds: KINDS, ...(inScope ? { only: inScope } : {}), ...(lenient ? { lenient } : {}) });
}
