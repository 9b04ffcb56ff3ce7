// `tsc -p k6/tsconfig.json --noEmit` is part of npm test: the k6 scripts are typed against @types/k6, and a
// misuse of the k6 API is caught (shown on a scratch script under the same settings).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT, tmpDir } from './helpers.ts';

const TSC = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const tsc = (project: string) => spawnSync(process.execPath, [TSC, '-p', project, '--noEmit'], { cwd: REPO_ROOT, encoding: 'utf8' });

test('the k6 scripts type-check against @types/k6', () => {
  const r = tsc('k6/tsconfig.json');
  assert.equal(r.status, 0, `tsc -p k6/tsconfig.json failed:\n${r.stdout}${r.stderr}`);
});

test('the same settings reject a script that misuses the k6 API or reaches for Node', () => {
  const dir = tmpDir('k6-tsc');
  writeFileSync(join(dir, 'bad.ts'), "import http from 'k6/http';\nexport default function () { http.get(42); process.exit(1); }\n");
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ extends: relative(dir, join(REPO_ROOT, 'k6', 'tsconfig.json')), include: ['bad.ts'] }),
  );
  const r = tsc(join(dir, 'tsconfig.json'));
  assert.notEqual(r.status, 0);
  assert.match(r.stdout, /bad\.ts\(2,39\): error TS2345: Argument of type 'number' is not assignable to parameter of type 'string/);
  assert.match(r.stdout, /bad\.ts\(2,44\): error TS25\d\d: Cannot find name 'process'/);
});
