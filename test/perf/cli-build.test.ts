// The built CLI (npm run build → dist/) behaves as the tsx CLI: --help, usage errors, a window file and a bad config
// file loaded at run time give the same text and exit codes; a build older than its sources runs the source instead.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCli, commandSources } from '../../scripts/build.ts';
import { STALE_NOTE, type BuildManifest } from '../../scripts/build-launch.ts';
import { ROOT, runCli, tempDir, type CliResult } from '../cli/helpers.ts';

let dist: string;
let work: string;

/** The manifest with another build time: far ahead (never stale) for the comparisons, 0 for the staleness test. */
function builtAt(ms: number): void {
  const file = join(dist, 'build.json');
  const m = JSON.parse(readFileSync(file, 'utf8')) as BuildManifest;
  writeFileSync(file, JSON.stringify({ ...m, builtAtMs: ms }));
}

before(async () => {
  work = tempDir('cli-build');
  dist = join(work, 'dist');
  await buildCli({ outDir: dist });
  // Others may edit sources while this file runs; staleness has its own test below.
  builtAt(Number.MAX_SAFE_INTEGER);
});
after(() => rmSync(work, { recursive: true, force: true }));

function runBuilt(command: string, args: string[]): Promise<CliResult> {
  const child = spawn(process.execPath, [join(dist, `${command}.js`), ...args], {
    cwd: ROOT,
    env: { ...process.env, CI: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((done) => child.on('close', (code, signal) => done({ code, signal, stdout, stderr })));
}

const same = (built: CliResult, tsx: CliResult, what: string) =>
  assert.deepEqual(
    { code: built.code, stdout: built.stdout, stderr: built.stderr },
    { code: tsx.code, stdout: tsx.stdout, stderr: tsx.stderr },
    `${what}: the built CLI and the tsx CLI differ`,
  );

test('every runCommand script is built, smoke and plan among them', () => {
  const names = commandSources().map((s) => s.replace(/^scripts\/(.*)\.ts$/, '$1'));
  for (const n of ['smoke', 'plan', 'gate', 'report', 'lab', 'schedule']) assert.ok(names.includes(n), `${n} is built`);
});

const CASES: { command: string; args: string[]; code: number }[] = [
  ...['smoke', 'plan', 'gate', 'report', 'lab', 'schedule'].flatMap((command) => [
    { command, args: ['--help'], code: 0 },
    { command, args: ['--no-such-flag'], code: 64 },
  ]),
  { command: 'smoke', args: ['-h'], code: 0 },
  { command: 'smoke', args: ['--phase=pre-maintenance', '--help'], code: 0 },
  { command: 'smoke', args: ['--window=1999-01-01', '--phase=x'], code: 64 },
];

for (const { command, args, code } of CASES) {
  test(`${command} ${args.join(' ')}: same text and exit ${code} built and under tsx`, async () => {
    const [built, tsx] = await Promise.all([runBuilt(command, args), runCli(`${command}.ts`, args)]);
    assert.equal(built.code, code, built.stderr);
    same(built, tsx, `${command} ${args.join(' ')}`);
  });
}

test('a window file (TypeScript, imports kinds.ts) loaded at run time: npm run schedule gives the same schedule', async () => {
  const args = ['--window=2025-06-22'];
  const [built, tsx] = await Promise.all([runBuilt('schedule', args), runCli('schedule.ts', args)]);
  assert.equal(built.code, 0, built.stderr);
  assert.match(built.stdout, /pre-maintenance/);
  same(built, tsx, 'schedule --window=2025-06-22');
});

test('a bad --config file (TypeScript) is exit 78 naming the bad path, built as under tsx', async () => {
  const file = join(work, 'bad.config.ts');
  writeFileSync(
    file,
    `import { defineConfig } from '${join(ROOT, 'core/config/schema.ts')}';\nexport default defineConfig({ estate: 42 } as never);\n`,
  );
  const args = ['--window=2025-06-22', `--config=${file}`];
  const [built, tsx] = await Promise.all([runBuilt('plan', args), runCli('plan.ts', args)]);
  assert.equal(built.code, 78, built.stderr);
  assert.match(built.stderr, /estate/);
  same(built, tsx, 'plan --config=bad.config.ts');
});

test('a build older than a source runs the source through tsx and says so', async () => {
  builtAt(0);
  try {
    const [built, tsx] = await Promise.all([runBuilt('smoke', ['--help']), runCli('smoke.ts', ['--help'])]);
    assert.match(built.stderr, new RegExp(`changed after the build; ${STALE_NOTE.replace(/[()]/g, '\\$&')}`));
    same({ ...built, stderr: built.stderr.replace(/^harness: .*\n/, '') }, tsx, 'smoke --help from a stale build');
  } finally {
    builtAt(Number.MAX_SAFE_INTEGER);
  }
});
