// npm run gate -- --run=DIR [--apply] [--json]: replays the gate on stored results and exits with its verdict.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { applyAction } from '../core/apply.ts';
import { ConfigError, loadConfig } from '../core/config/load.ts';
import { EXIT_CODE } from '../core/gate.ts';
import { replayGate, RunFolderError } from '../core/replay.ts';
import { finalBlock } from '../reports/console.ts';
import { StoredRunError } from '../core/ledger.ts';

const USAGE = 'Usage: npm run gate -- --run=DIR [--apply] [--json] [--config=FILE]\nExit codes: 0 go, 1 no-go, 2 inconclusive, 64 bad usage, 78 bad configuration.';

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2), strict: true,
    options: { run: { type: 'string' }, apply: { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, config: { type: 'string', default: 'harness.config.ts' }, help: { type: 'boolean', default: false } },
  });
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (!values.run) throw new RunFolderError(`--run=DIR is required\n${USAGE}`);
  const dir = resolve(values.run);
  if (!existsSync(dir)) throw new RunFolderError(`run folder not found: ${dir}`);
  const { summary } = replayGate(dir);
  const code = EXIT_CODE[summary.verdict];
  process.stdout.write(values.json ? JSON.stringify(summary, null, 2) + '\n' : finalBlock(summary, dir, code));
  if (values.apply) {
    const manifestFile = join(dir, 'lab', 'manifest.json');
    const controlUrl = existsSync(manifestFile) ? (JSON.parse(readFileSync(manifestFile, 'utf8')) as { control?: { url?: string } }).control?.url : undefined;
    const outcome = await applyAction(summary, await loadConfig(values.config), controlUrl);
    for (const line of outcome.lines) process.stderr.write(line + '\n');
  }
  return code;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError) {
      process.stderr.write(err.message + '\n');
      process.exit(78);
    }
    const usage = err instanceof RunFolderError || err instanceof StoredRunError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`error: ${(err as Error).message}\n`);
    process.exit(usage ? 64 : 2);
  },
);
