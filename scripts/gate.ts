// npm run gate -- --run=DIR [--json]: replays the gate on stored results and exits with its verdict.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { runCommand } from '../core/cli.ts';
import { UsageError } from '../core/errors.ts';
import { EXIT_CODE } from '../core/gate.ts';
import { replayGate } from '../core/replay.ts';
import { finalBlock } from '../reports/console.ts';

const USAGE = `Usage: npm run gate -- --run=DIR [--json]
  Replays the gate on a run folder (plan.json + results.jsonl): the same verdict later, even for a killed run.
  Actions are carried out only by the run that decided them (npm run smoke -- --apply), never from a folder.
Exit codes: 0 go, 1 no-go, 2 inconclusive, 64 bad usage.`;

runCommand<{ run?: string; json: boolean }>({
  usage: USAGE,
  options: { run: { type: 'string' }, json: { type: 'boolean', default: false } },
  run: async (values, io) => {
    if (!values.run) throw new UsageError(`--run=DIR is required\n${USAGE}`);
    const dir = resolve(values.run);
    if (!existsSync(dir)) throw new UsageError(`run folder not found: ${dir}`);
    const { summary } = replayGate(dir);
    // A run whose --apply resolved its cause (and re-checked it) ends with the verdict the re-check left.
    const final = summary.applied?.verdict ?? summary.verdict;
    const code = summary.applied && !summary.applied.ok ? Math.max(1, EXIT_CODE[final]) : EXIT_CODE[final];
    io.out.write(values.json ? JSON.stringify(summary, null, 2) + '\n' : finalBlock(summary, dir, code));
    return code;
  },
});
