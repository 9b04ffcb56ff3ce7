#!/usr/bin/env node
// TEST DOUBLE — NOT k6. Replays one real k6 v1.3.0 run recorded in test/k6/fixtures/<case>/ so the
// adapter's process handling (spawn, arguments, environment, exit code, summary file) runs for real.
// Called through a wrapper the tests generate: fake-k6.mjs <fixtureDir|hang> <recordFile> <k6 arguments…>
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [fixture, record, ...args] = process.argv.slice(2);
// Like k6 on SIGTERM: stop and exit 105 (external abort). Set before the record is written: the record says "ready".
process.on('SIGTERM', () => process.exit(105));
writeFileSync(record, JSON.stringify({ args, env: process.env }, null, 2));

if (args[0] !== 'run' || !existsSync(args[args.length - 1] ?? '')) {
  process.stderr.write(`fake k6: expected "run … <existing script>", got ${JSON.stringify(args)}\n`);
  process.exit(255);
}
if (fixture === 'hang') {
  setInterval(() => undefined, 1_000);
} else {
  process.stdout.write(`fake k6 replaying ${fixture}\n`);
  process.stderr.write(readFileSync(join(fixture, 'stderr.txt')));
  const summary = join(fixture, 'summary.json');
  if (existsSync(summary) && process.env.HARNESS_SUMMARY) copyFileSync(summary, process.env.HARNESS_SUMMARY);
  process.exit(Number(readFileSync(join(fixture, 'exit-code'), 'utf8').trim()));
}
