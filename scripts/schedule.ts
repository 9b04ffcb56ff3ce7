// npm run schedule -- --window=YYYY-MM-DD: the window's timeline in ET, IST and UTC.
import { parseArgs } from 'node:util';
import { windowSchedule } from '../core/schedule.ts';

try {
  const { values } = parseArgs({ args: process.argv.slice(2), strict: true, options: { window: { type: 'string' }, json: { type: 'boolean', default: false } } });
  if (!values.window) throw new Error('--window=YYYY-MM-DD is required (the Sunday of the maintenance window)');
  const rows = windowSchedule(values.window);
  if (values.json) process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
  else {
    process.stdout.write(`${'phase'.padEnd(18)} ${'ET'.padEnd(26)} ${'IST'.padEnd(26)} UTC\n`);
    for (const r of rows) process.stdout.write(`${r.phase.padEnd(18)} ${r.et.padEnd(26)} ${r.ist.padEnd(26)} ${r.utc}\n`);
  }
} catch (err) {
  process.stderr.write(`error: ${(err as Error).message}\n`);
  process.exit(64);
}
