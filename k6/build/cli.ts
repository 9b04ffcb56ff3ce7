// npm run k6:build [-- --script=NAME] [--out=DIR]: bundles the k6 scripts into k6/dist/<script>.js.
import { runCommand } from '../../core/cli.ts';
import { UsageError } from '../../core/errors.ts';
import type { ScriptName } from '../contract.ts';
import { isScriptName, SCRIPT_NAMES } from '../contract.ts';
import { bundleAll, DIST_DIR } from './bundle.ts';

const HELP = `Usage: npm run k6:build [-- --script=NAME]... [--out=DIR]
Bundles k6/scripts/<NAME>.ts into DIR/<NAME>.js (default ${DIST_DIR}); one ESM file per script.
Scripts: ${SCRIPT_NAMES.join(', ')}`;

runCommand<{ script?: string[]; out?: string }>({
  usage: HELP,
  options: { script: { type: 'string', multiple: true }, out: { type: 'string' } },
  run: async (values, io) => {
    const wanted = values.script ?? [...SCRIPT_NAMES];
    const unknown = wanted.filter((s) => !isScriptName(s));
    if (unknown.length) throw new UsageError(`unknown script ${unknown.join(', ')}; known: ${SCRIPT_NAMES.join(', ')}`);
    for (const b of await bundleAll(wanted as ScriptName[], values.out ?? DIST_DIR)) {
      io.out.write(`${b.written ? 'built    ' : 'unchanged'} ${b.file} (${b.bytes} bytes, ${b.ms} ms, imports ${b.imports.join(', ')})\n`);
    }
    return 0;
  },
});
