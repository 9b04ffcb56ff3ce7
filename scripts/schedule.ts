// npm run schedule -- [--window=DATE|FILE] [--json]: the window file's steps with their times in ET, IST and UTC.
import { runCommand } from '../core/cli.ts';
import { windowSchedule } from '../core/schedule.ts';
import { openWindow } from './lib/context.ts';

const USAGE = `Usage: npm run schedule -- [--window=YYYY-MM-DD|FILE] [--json]
  The window's steps with their runbook times in ET (the window's zone), IST and UTC.
  Without --window: the window dated today or next, else the latest (the output says which).`;

runCommand<{ window?: string; json: boolean }>({
  usage: USAGE,
  options: { window: { type: 'string' }, json: { type: 'boolean', default: false } },
  run: async (values, io) => {
    const chosen = await openWindow(values.window, 'lab');
    const rows = windowSchedule(chosen.window);
    if (values.json) io.out.write(JSON.stringify(rows, null, 2) + '\n');
    else {
      io.out.write(`window ${chosen.date} (${chosen.why}): ${chosen.window.title}\n`);
      io.out.write(`${'phase'.padEnd(18)} ${'ET'.padEnd(26)} ${'IST'.padEnd(26)} UTC\n`);
      for (const r of rows) io.out.write(`${r.phase.padEnd(18)} ${r.et.padEnd(26)} ${r.ist.padEnd(26)} ${r.utc}\n`);
    }
    return 0;
  },
});
