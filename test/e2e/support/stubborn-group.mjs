// A tool that ignores SIGTERM, with a child in its process group that ignores it too: only SIGKILL ends them.
// `node stubborn-group.mjs polite` instead exits on SIGTERM, child included.
import { spawn } from 'node:child_process';

const polite = process.argv[2] === 'polite';
const code = polite ? 'setInterval(() => undefined, 1000)' : "process.on('SIGTERM', () => undefined); setInterval(() => undefined, 1000)";
const child = spawn(process.execPath, ['-e', code], { stdio: 'ignore' });
if (!polite) process.on('SIGTERM', () => undefined);
setInterval(() => undefined, 1000);
// Ready once the child runs: a signal sent before then could miss it.
child.on('spawn', () => process.stdout.write(`ready ${child.pid}\n`));
