// A stand-in harness that is SIGKILLed by the test: starts the stubborn group, says its id once the group's
// child runs, then waits. No exit hook can run: only the parent-death signal and the reaper can end the group.
import { join } from 'node:path';
import { spawnGroup } from '../../../e2e/process-group.ts';

const { child } = spawnGroup(process.execPath, [join(import.meta.dirname, 'stubborn-group.mjs')], {});
child.stdout.on('data', (chunk: Buffer) => {
  if (chunk.toString().startsWith('ready')) process.stdout.write(`group ${child.pid}\n`);
});
setInterval(() => undefined, 1_000);
