// npm run k6:build: one ESM file per script, importing only k6 and k6/*, source map inlined, fast enough
// to run before every k6 step; a Node import is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';
import { bundleAll, bundleEntry, K6_WRITTEN_AGAINST } from '../../k6/build/bundle.ts';
import { SCRIPT_NAMES } from '../../k6/contract.ts';
import { REPO_ROOT, tmpDir } from './helpers.ts';

/** Reads a built file back with esbuild's own parser: its format, every import left in it, its exports. */
async function analyse(file: string) {
  const r = await build({
    entryPoints: [file],
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'neutral',
    external: ['*'],
    logLevel: 'silent',
    outdir: tmpDir('k6-analyse'),
  });
  const input = Object.values(r.metafile.inputs)[0]!;
  const output = Object.values(r.metafile.outputs).find((o) => o.entryPoint)!;
  return { format: input.format, imports: input.imports.map((i) => i.path).sort(), exports: [...output.exports].sort() };
}

test('every script bundles into a single ESM file whose only imports are k6 and k6/* modules', async () => {
  const out = tmpDir('k6-dist');
  const t0 = performance.now();
  const built = await bundleAll(SCRIPT_NAMES, out);
  const ms = performance.now() - t0;
  assert.ok(ms < 5_000, `bundling took ${Math.round(ms)} ms; it runs before every k6 step`);
  assert.deepEqual(readdirSync(out).sort(), SCRIPT_NAMES.map((s) => `${s}.js`).sort(), 'one file per script, no side files');
  for (const b of built) {
    const text = readFileSync(b.file, 'utf8');
    const a = await analyse(b.file);
    assert.equal(a.format, 'esm', b.script);
    assert.ok(
      a.imports.length > 0 && a.imports.every((p) => p === 'k6' || p.startsWith('k6/')),
      `${b.script} imports ${a.imports.join(', ')}`,
    );
    assert.deepEqual(b.imports, a.imports, 'the builder reports what is really in the file');
    assert.deepEqual(a.exports, ['default', 'handleSummary', 'options'], b.script);
    assert.doesNotMatch(
      text,
      /\brequire\(|from ["']node:|from ["'](fs|path|os|http|https|crypto|child_process)["']/,
      `${b.script}: no Node built-ins`,
    );
    const map = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/.exec(text);
    assert.ok(map, `${b.script}: source map inlined`);
    const sources = (JSON.parse(Buffer.from(map[1]!, 'base64').toString('utf8')) as { sources: string[] }).sources;
    assert.ok(
      sources.some((s) => s.endsWith(`k6/scripts/${b.script}.ts`)),
      `${b.script}: map points at the TypeScript source (${sources.join(', ')})`,
    );
    assert.match(
      text,
      new RegExp(`^// Built from k6/scripts/${b.script}\\.ts .*Written against k6 ${K6_WRITTEN_AGAINST.replace(/\./g, '\\.')}`),
    );
  }
  const again = await bundleAll(SCRIPT_NAMES, out);
  assert.ok(
    again.every((b) => !b.written),
    'an unchanged bundle is not rewritten',
  );
  assert.deepEqual(
    again.map((b) => b.sha256),
    built.map((b) => b.sha256),
    'the build is reproducible',
  );
});

test('a script that imports a Node built-in does not bundle, and the error names it', async () => {
  const dir = tmpDir('k6-bad');
  const entry = join(dir, 'bad.ts');
  writeFileSync(entry, "import { readFileSync } from 'node:fs';\nexport default function () { readFileSync('/etc/hosts'); }\n");
  await assert.rejects(bundleEntry(entry, 'bad', dir), /node:fs/);
  writeFileSync(entry, "import x from 'https://jslib.k6.io/k6-utils/1.4.0/index.js';\nexport default function () { x(); }\n");
  await assert.rejects(
    bundleEntry(entry, 'bad', dir),
    /imports https:\/\/jslib\.k6\.io\/k6-utils\/1\.4\.0\/index\.js: a k6 bundle may import only k6 and k6\/\* modules/,
  );
});

test('npm run k6:build writes k6/dist/<script>.js and says so', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'k6/build/cli.ts', `--out=${tmpDir('k6-cli')}`], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  for (const s of SCRIPT_NAMES)
    assert.match(r.stdout, new RegExp(`${s}\\.js \\(\\d+ bytes, \\d+ ms, imports k6, k6/http(, k6/metrics)?\\)`));
  const bad = spawnSync(process.execPath, ['--import', 'tsx', 'k6/build/cli.ts', '--script=nope'], { cwd: REPO_ROOT, encoding: 'utf8' });
  assert.equal(bad.status, 64);
  assert.match(bad.stderr, /unknown script nope; known: connection-sanity, smoke-load, backend-sweep/);
});
