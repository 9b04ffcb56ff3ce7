// npm run k6:build [-- --script=NAME] [--out=DIR]: bundles the k6 scripts into k6/dist/<script>.js.
import { parseArgs } from 'node:util';
import { bundleAll, DIST_DIR } from './bundle.ts';
import { SCRIPT_NAMES, isScriptName } from '../contract.ts';
import type { ScriptName } from '../contract.ts';

const HELP = `Usage: npm run k6:build [-- --script=NAME]... [--out=DIR]
Bundles k6/scripts/<NAME>.ts into DIR/<NAME>.js (default ${DIST_DIR}); one ESM file per script.
Scripts: ${SCRIPT_NAMES.join(', ')}`;

async function main(): Promise<number> {
  let values: { script?: string[]; out?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: { script: { type: 'string', multiple: true }, out: { type: 'string' }, help: { type: 'boolean' } },
      strict: true,
    }));
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${HELP}`);
    return 64;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const wanted = values.script ?? [...SCRIPT_NAMES];
  const unknown = wanted.filter((s) => !isScriptName(s));
  if (unknown.length) {
    console.error(`unknown script ${unknown.join(', ')}; known: ${SCRIPT_NAMES.join(', ')}`);
    return 64;
  }
  try {
    for (const b of await bundleAll(wanted as ScriptName[], values.out ?? DIST_DIR)) {
      console.log(`${b.written ? 'built    ' : 'unchanged'} ${b.file} (${b.bytes} bytes, ${b.ms} ms, imports ${b.imports.join(', ')})`);
    }
    return 0;
  } catch (e) {
    console.error(`k6 bundle failed: ${(e as Error).message}`);
    return 1;
  }
}

process.exitCode = await main();
