// A stand-in harness: starts the stubborn group, says its id, then exits at once (as a second Ctrl-C does).
import { join } from 'node:path';
import { spawnGroup } from '../../../e2e/process-group.ts';

const { child } = spawnGroup(
  process.execPath,
  [join(import.meta.dirname, 'stubborn-group.mjs')],
  {},
  { onSpawn: (pgid) => process.stdout.write(`group ${pgid}\n`) },
);
child.stdout.on('data', (chunk: Buffer) => {
  if (chunk.toString().startsWith('ready')) process.exit(130);
});
