// The smoke/regression flags: every mistake is a UsageError (exit 64) that says what is valid. Which phases,
// families and faults exist is checked later, against the window file, the registry and the lab.
import { existsSync } from 'node:fs';
import type { ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.ts';
import { parseFlags } from './cli.ts';

export const SMOKE_USAGE = `Usage: npm run smoke -- --phase=<step> [options]
       npm run regression -- [options]

Options:
  --phase=<step>          a step of the window (npm run plan -- --window=... lists them)
  --window=DATE|FILE      the window file: windows/DATE.ts or a path to a .ts file
                          (default: the window dated today or next, else the latest; the run says which)
  --env=lab|<name>        lab (default: the embedded simulated estate) or an environment from the config
  --config=FILE           another config file (default harness.config.ts)
  --out=DIR               run folder (default runs/<window>/<step>/<timestamp>/)
  --only=<family,...>     run only these check families (sanity, dns, k6, e2e)
  --fault=<name>[:<arg>]  inject a lab fault (repeatable; lab only; see npm run lab -- --help)
  --baseline=DIR|none     the baseline run (default: this window's latest pre-maintenance run, if any)
  --apply                 on no-go, carry out the action where it can be automated, then re-check
  --e2e-report=FILE       e2e checks take their results from this merged Playwright JSON report (CI shards)
                          instead of starting Playwright; a listed test missing from it is broken
  --json                  print the summary as JSON instead of the console report
  --force                 run even if a required earlier step has not passed in this window
  --debug                 print the stack of an unexpected error
  --help                  this text

Exit codes: 0 go, 1 no-go, 2 inconclusive, 64 bad usage, 78 bad configuration.`;

export const SMOKE_OPTIONS = {
  phase: { type: 'string', multiple: true },
  env: { type: 'string', default: 'lab' },
  config: { type: 'string', default: 'harness.config.ts' },
  window: { type: 'string' },
  out: { type: 'string' },
  only: { type: 'string' },
  fault: { type: 'string', multiple: true, default: [] as string[] },
  baseline: { type: 'string' },
  apply: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  force: { type: 'boolean', default: false },
  'e2e-report': { type: 'string' },
} satisfies NonNullable<ParseArgsConfig['options']>;

export interface SmokeArgs {
  baseline?: string;
  /** --e2e-report: a merged Playwright JSON report the e2e checks read instead of running Playwright. */
  e2eReport?: string;
  phase: string;
  env: string;
  config: string;
  window?: string;
  out?: string;
  only?: string[];
  faults: string[];
  apply: boolean;
  json: boolean;
  force: boolean;
}

export interface RawSmoke {
  baseline?: string;
  'e2e-report'?: string;
  phase?: string[];
  env: string;
  config: string;
  window?: string;
  out?: string;
  only?: string;
  fault: string[];
  apply: boolean;
  json: boolean;
  force: boolean;
}

export function parseSmokeArgs(argv: readonly string[]): SmokeArgs {
  return checkSmokeArgs(parseFlags<RawSmoke>(argv, SMOKE_OPTIONS, SMOKE_USAGE));
}

export function checkSmokeArgs(values: RawSmoke): SmokeArgs {
  // npm run regression passes --phase=regression first; another --phase after it is a contradiction.
  const phases = [...new Set(values.phase ?? [])];
  if (phases.length > 1)
    throw new UsageError(
      `--phase given more than once with different values (${phases.join(', ')}); npm run regression is the regression step`,
    );
  const phase = phases[0];
  if (!phase) throw new UsageError('--phase is required: a step of the window (npm run plan lists them)');
  if (values.window !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values.window) && !values.window.endsWith('.ts'))
    throw new UsageError(`--window must be a date as YYYY-MM-DD or a window file (.ts), got "${values.window}"`);
  let only: string[] | undefined;
  if (values.only !== undefined) {
    only = values.only
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (!only.length) throw new UsageError('--only needs at least one family: sanity, dns, k6, e2e');
  }
  const e2eReport = values['e2e-report'];
  if (e2eReport !== undefined && !existsSync(e2eReport))
    throw new UsageError(
      `--e2e-report=${e2eReport}: no such file; pass the JSON report \`playwright merge-reports --reporter=json\` wrote (PLAYWRIGHT_JSON_OUTPUT_FILE)`,
    );
  if (values.fault.length && values.env !== 'lab')
    throw new UsageError(`--fault injects faults into the lab only; it cannot be used with --env=${values.env}`);
  return {
    phase,
    env: values.env,
    config: values.config,
    faults: values.fault,
    apply: values.apply,
    json: values.json,
    force: values.force,
    ...(values.window ? { window: values.window } : {}),
    ...(values.baseline !== undefined ? { baseline: values.baseline } : {}),
    ...(e2eReport !== undefined ? { e2eReport } : {}),
    ...(values.out !== undefined ? { out: values.out } : {}),
    ...(only ? { only } : {}),
  };
}
