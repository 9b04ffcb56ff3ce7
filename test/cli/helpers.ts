// Runs the CLI entry points as a user would (a child process), with temp dirs inside the project.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { staleInput, type BuildManifest } from '../../scripts/build-launch.ts';

export const ROOT = resolve(import.meta.dirname, '..', '..');

export function tempDir(prefix: string): string {
  const base = join(ROOT, '.tmp');
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, `${prefix}-`));
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * How `npm run` starts scripts/<script>: the built command (dist/<name>.js) when the build is fresh, as `npm ci`
 * leaves it; the source through tsx when there is no build or a source changed after it (tsx costs ~0.5 s a start).
 */
function entryOf(script: string): string[] {
  let manifest: BuildManifest | undefined;
  try {
    manifest = JSON.parse(readFileSync(join(ROOT, 'dist', 'build.json'), 'utf8')) as BuildManifest;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err; // no build yet: the source
  }
  const name = manifest && Object.entries(manifest.commands).find(([, c]) => c.source === `scripts/${script}`)?.[0];
  if (manifest && name && manifest.root === ROOT && !staleInput(manifest)) return [join(ROOT, 'dist', `${name}.js`)];
  return ['--import', 'tsx', join(ROOT, 'scripts', script)];
}

export function startCli(script: string, args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [...entryOf(script), ...args], {
    cwd: ROOT,
    env: { ...process.env, CI: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((res) => child.on('close', (code, signal) => res({ code, signal, stdout, stderr })));
  return { child, done };
}

export function runCli(script: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return startCli(script, args, env).done;
}
