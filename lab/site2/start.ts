// By hand: `npx tsx lab/site2/start.ts [DIR]` starts the second test site and prints what to export to point the
// harness at it through its overlay alone; Ctrl-C stops it. Tests start it in-process (startSite2).
import { mkdtempSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SITE2_ENV, startSite2 } from './index.ts';

const base = resolve('.tmp');
mkdirSync(base, { recursive: true });
const dir = process.argv[2] ? resolve(process.argv[2]) : mkdtempSync(join(base, 'site2-'));
const site = await startSite2({ dir });
const exports = Object.entries(site.env)
  .map(([k, v]) => `export ${k}='${v}'`)
  .join('\n');
process.stdout.write(
  `Northwind Utilities (second test site) is up: ${Object.values(site.hosts).join(', ')}\n` +
    `overlay: ${site.overlayFile}\nCA: ${site.caFile}\n\n${exports}\n\n` +
    `npm run smoke -- --env=${SITE2_ENV} --window=2025-06-22 --phase=web1-5 --force\n` +
    `(the test account's password is printed above only because this is a throwaway test site)\nCtrl-C stops it.\n`,
);
const stop = () => {
  void site.stop().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
