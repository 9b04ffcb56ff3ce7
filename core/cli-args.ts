// Parses the smoke/regression flags of DESIGN's CLI; every mistake is a UsageError (exit 64) that says the fix.
import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import { PHASE_IDS, PHASES, isPhaseId, type PhaseId } from './phases.ts';
import { Family } from './result.ts';
import { parseFault, FaultError, faultUsage, type Fault } from '../lab/faults.ts';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const SMOKE_USAGE = `Usage: npm run smoke -- --phase=<id> [options]
       npm run regression -- [options]

Options:
  --phase=<id>            one of: ${PHASE_IDS.join(', ')}
  --env=lab|<name>        lab (default: the embedded simulated estate) or an environment from the config
  --config=FILE           another config file (default harness.config.ts)
  --window=YYYY-MM-DD     the window's Sunday (default: the config's window.date)
  --out=DIR               run folder (default runs/<window>/<phase>/<timestamp>/)
  --only=sanity,dns,k6,e2e   run only these check families
  --fault=<name>[:<arg>]  inject a lab fault (repeatable; lab only; see npm run lab -- --help)
  --apply                 carry out the verdict's action where it can be automated (restore the maintenance page)
  --json                  print the summary as JSON instead of the console report
  --force                 run even if a required earlier phase has not passed in this window
  --help                  this text

Exit codes: 0 go, 1 no-go, 2 inconclusive, 64 bad usage, 78 bad configuration.`;

export interface SmokeArgs {
  phase: PhaseId;
  env: string;
  config: string;
  window?: string;
  out?: string;
  only?: Family[];
  faults: Fault[];
  apply: boolean;
  json: boolean;
  force: boolean;
  help: boolean;
}

export function parseSmokeArgs(argv: readonly string[]): SmokeArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        phase: { type: 'string', multiple: true },
        env: { type: 'string', default: 'lab' },
        config: { type: 'string', default: 'harness.config.ts' },
        window: { type: 'string' },
        out: { type: 'string' },
        only: { type: 'string' },
        fault: { type: 'string', multiple: true, default: [] },
        apply: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        force: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${SMOKE_USAGE}`);
  }
  if (values.help) return { phase: 'web1-5', env: 'lab', config: 'harness.config.ts', faults: [], apply: false, json: false, force: false, help: true };
  // npm run regression passes --phase=regression first; another --phase after it is a contradiction.
  const phases = [...new Set(values.phase ?? [])];
  if (phases.length > 1) throw new UsageError(`--phase given more than once with different values (${phases.join(', ')}); npm run regression is the regression phase`);
  const phase = phases[0];
  if (!phase) throw new UsageError(`--phase is required: one of ${PHASE_IDS.join(', ')}`);
  if (!isPhaseId(phase)) {
    const list = PHASE_IDS.map((id) => `  ${id.padEnd(18)} ${PHASES[id].title}`).join('\n');
    throw new UsageError(`unknown phase "${phase}". Valid phases:\n${list}`);
  }
  if (values.window !== undefined && !(/^\d{4}-\d{2}-\d{2}$/.test(values.window) && DateTime.fromISO(values.window).isValid)) throw new UsageError(`--window must be a date as YYYY-MM-DD, got "${values.window}"`);
  let only: Family[] | undefined;
  if (values.only !== undefined) {
    only = values.only.split(',').map((s) => s.trim()).filter(Boolean).map((f) => {
      const parsed = Family.safeParse(f);
      if (!parsed.success) throw new UsageError(`--only: unknown family "${f}"; valid: ${Family.options.join(', ')}`);
      return parsed.data;
    });
    if (!only.length) throw new UsageError(`--only needs at least one of ${Family.options.join(', ')}`);
  }
  const env = values.env;
  if (values.fault.length && env !== 'lab') throw new UsageError(`--fault injects faults into the lab only; it cannot be used with --env=${env}`);
  let faults: Fault[];
  try {
    faults = values.fault.map(parseFault);
  } catch (err) {
    if (err instanceof FaultError) throw new UsageError(err.message);
    throw err;
  }
  return {
    phase, env, config: values.config, faults, apply: values.apply, json: values.json, force: values.force, help: false,
    ...(values.window ? { window: values.window } : {}),
    ...(values.out ? { out: values.out } : {}),
    ...(only ? { only } : {}),
  };
}

export { faultUsage };
