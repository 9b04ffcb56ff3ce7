// SIGTERM to `npm run smoke` must reach the harness. npm forwards it to its child, `sh -c "<script>"`; dash does
// not pass it on, so with "tsx scripts/smoke.ts" the harness never hears it and runs on detached. With `exec` the
// shell becomes tsx, which relays the signal to the harness. Checked with a harness-like script in a scratch package.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, tmpDir } from './helpers.ts';

const HARNESS = `process.on('SIGTERM', () => { process.stdout.write('harness got SIGTERM\\n'); process.exit(2); });
process.stdout.write('ready ' + process.pid + '\\n');
setInterval(() => {}, 1000);
`;

/** Runs `npm run x` with `script`, SIGTERMs npm once the harness is up; says whether the harness heard it, and kills what is left. */
async function sigtermToNpm(script: string): Promise<{ heard: boolean; harnessLeft: boolean }> {
  const dir = tmpDir('npm-signal'); // inside the repository: tsx resolves from its node_modules
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'npm-signal', private: true, type: 'module', scripts: { x: script } }));
  writeFileSync(join(dir, 'harness.ts'), HARNESS);
  const npm = spawn('npm', ['run', '--silent', 'x'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  let out = '';
  npm.stdout.on('data', (c: Buffer) => (out += c.toString()));
  // 'exit', not 'close': an orphaned harness keeps npm's stdout pipe open.
  const closed = new Promise<void>((r) => npm.on('exit', () => r()));
  const until = Date.now() + 20_000;
  while (!/ready (\d+)/.test(out) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  const pid = Number(/ready (\d+)/.exec(out)?.[1]);
  assert.ok(pid > 0, `the harness did not start: ${out}`);
  npm.kill('SIGTERM');
  await closed;
  await new Promise((r) => setTimeout(r, 500)); // a relayed signal arrives at once; this is margin
  let harnessLeft = true;
  try {
    process.kill(pid, 0);
    process.kill(pid, 'SIGKILL'); // never leave it running
  } catch {
    harnessLeft = false;
  }
  return { heard: out.includes('harness got SIGTERM'), harnessLeft };
}

test('"tsx harness.ts" (the form package.json uses today): the SIGTERM to npm never reaches the harness', { timeout: 30_000 }, async () => {
  const r = await sigtermToNpm('tsx harness.ts');
  assert.deepEqual(r, { heard: false, harnessLeft: true }, 'if npm or sh start relaying, the exec below is no longer needed');
});

test('"exec tsx harness.ts": the SIGTERM to npm reaches the harness, which ends', { timeout: 30_000 }, async () => {
  assert.deepEqual(await sigtermToNpm('exec tsx harness.ts'), { heard: true, harnessLeft: false });
});

const scripts = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
const missing = ['smoke', 'regression', 'lab'].filter((s) => !scripts[s]?.startsWith('exec '));
test('package.json: smoke, regression and lab start with exec', {
  todo: missing.length ? `not yet: ${missing.join(', ')} (see the k6 issue 13 report)` : false,
}, () => {
  assert.deepEqual(missing, []);
});
