// Shared by the k6 tests: where the real k6 outputs are (copied into test/k6/fixtures, so a clone needs nothing beside it), and a wrapper that makes the fake k6 (a test double
// replaying one of them) look like a k6 binary on disk.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
export const FIXTURES = resolve(REPO_ROOT, 'test', 'k6', 'fixtures');
export const FIXTURE_CASES = [
  'pass',
  'threshold-fail',
  'refused',
  'exception',
  'init-exception',
  'no-samples',
  'request-failed-causes',
  'hosts-dns-name',
  'hosts-ip',
  'interrupted',
  'interrupted-graceful0',
  'abort',
  'fail',
] as const;
export type FixtureCase = (typeof FIXTURE_CASES)[number];

const made: string[] = [];
// Each test file runs in its own process: its temporary folders go when it ends (K6_TEST_KEEP=1 keeps them).
process.on('exit', () => {
  if (!process.env.K6_TEST_KEEP) for (const d of made) rmSync(d, { recursive: true, force: true });
});

export function tmpDir(prefix: string): string {
  const base = join(REPO_ROOT, '.tmp');
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, `${prefix}-`));
  made.push(dir);
  return dir;
}

export function readFixture(c: FixtureCase) {
  const dir = join(FIXTURES, c);
  const summaryFile = join(dir, 'summary.json');
  return {
    dir,
    exitCode: Number(readFileSync(join(dir, 'exit-code'), 'utf8').trim()),
    stderr: readFileSync(join(dir, 'stderr.txt'), 'utf8'),
    summaryFile,
    ...(existsSync(summaryFile) ? { summaryText: readFileSync(summaryFile, 'utf8') } : {}),
  };
}

/** A `k6` executable in a fresh folder that runs the fake k6 on `fixture` ('hang' never exits until SIGTERM). */
export function fakeK6(fixture: FixtureCase | 'hang'): {
  bin: string;
  dir: string;
  record: () => { args: string[]; env: Record<string, string> };
} {
  const dir = tmpDir('fake-k6');
  const bin = join(dir, 'k6');
  const record = join(dir, 'record.json');
  const target = fixture === 'hang' ? 'hang' : join(FIXTURES, fixture);
  const fake = join(REPO_ROOT, 'test', 'k6', 'fake-k6.mjs');
  writeFileSync(bin, `#!/bin/sh\nexec "${process.execPath}" "${fake}" "${target}" "${record}" "$@"\n`);
  chmodSync(bin, 0o755);
  return { bin, dir, record: () => JSON.parse(readFileSync(record, 'utf8')) as { args: string[]; env: Record<string, string> } };
}

/** A `k6` executable that runs the k6 stand-in (test/k6/stand-in/k6.mjs): real k6's recorded behaviours, curl for HTTP. */
export function standInK6(): { bin: string; dir: string } {
  const dir = tmpDir('stand-in-k6');
  const bin = join(dir, 'k6');
  writeFileSync(bin, `#!/bin/sh\nexec "${process.execPath}" "${join(REPO_ROOT, 'test', 'k6', 'stand-in', 'k6.mjs')}" "$@"\n`);
  chmodSync(bin, 0o755);
  return { bin, dir };
}
