// A stand-in harness for the orphan tests: starts k6 (the fake, hanging) through the adapter, prints k6's pid,
// then waits to be killed. Usage: node --import tsx k6-parent.ts <fake k6 bin> <out dir>
import { join } from 'node:path';
import { runK6 } from '../../../k6/adapter/process.ts';

const [bin, out] = process.argv.slice(2) as [string, string];
void runK6({
  bin,
  bundle: join(import.meta.dirname, 'k6-parent.ts'),
  outDir: out,
  summaryFile: join(out, 'summary.json'),
  signal: new AbortController().signal,
  env: { PATH: process.env.PATH ?? '' },
  onSpawn: (pid) => process.stdout.write(`k6 ${pid}\n`),
});
setInterval(() => undefined, 1_000);
