// The acceptance on a healthy lab, through the real CLI: post-window smoke and the regression run
// (e2e only) both say go; no password reaches any file the runs leave behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LAB_DEFAULT_PASSWORD } from '../../estate/model.ts';
import type { Summary } from '../../core/result.ts';
import { ROOT, tmpDir } from './support/lab.ts';

function cli(script: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', script), ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Every file under dir whose bytes contain the needle. */
function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = [];
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const path = join(dir, name);
    if (statSync(path).isFile() && readFileSync(path).includes(needle)) hits.push(name);
  }
  return hits;
}

const cases = [
  {
    name: 'npm run smoke -- --phase=post-window --only=e2e',
    script: 'smoke.ts',
    args: ['--phase=post-window'],
    hosts: ['www', 'my', 'sso'],
    atLeast: 8,
  },
  {
    name: 'npm run regression -- --only=e2e',
    script: 'smoke.ts',
    args: ['--phase=regression'],
    hosts: ['www', 'www2', 'my', 'sso'],
    atLeast: 25,
  },
];

for (const c of cases) {
  test(`healthy lab: ${c.name} → go`, async () => {
    const out = tmpDir('e2e-cli-');
    try {
      const r = await cli(c.script, [...c.args, '--only=e2e', '--json', `--out=${out}`]);
      const summary = JSON.parse(r.stdout) as Summary;
      const notPassed = summary.checks
        .filter((x) => x.status !== 'passed' && x.status !== 'skipped')
        .map((x) => `${x.id}: ${x.status} ${x.message}`);
      assert.deepEqual(notPassed, [], r.stderr.slice(-2000));
      assert.equal(summary.verdict, 'go');
      assert.equal(r.code, 0);
      const e2e = summary.checks.filter((x) => x.kind === 'e2e');
      assert.ok(e2e.length >= c.atLeast, `${e2e.length} e2e checks`);
      assert.deepEqual([...new Set(e2e.map((x) => x.id.split(':')[1]))].sort(), [...c.hosts].sort());
      for (const x of e2e) assert.match(x.id, /^e2e:(www|www2|my|sso):(smoke|regression)\/[a-z-]+\.spec\.ts:.+/);
      assert.deepEqual(filesContaining(out, LAB_DEFAULT_PASSWORD), [], 'the test password is in no result, report, log or attachment');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
}
