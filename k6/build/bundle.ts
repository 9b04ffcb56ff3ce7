// Bundles each k6 script into one ESM file k6 (and a k6-operator ConfigMap) can run: k6 and k6/* stay
// external, nothing from Node can get in, source maps are inlined so the bundle stays a single file.
import { build } from 'esbuild';
import type { Metafile } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCRIPT_NAMES } from '../contract.ts';
import type { ScriptName } from '../contract.ts';

export const K6_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const SCRIPTS_DIR = join(K6_DIR, 'scripts');
export const DIST_DIR = join(K6_DIR, 'dist');
/** The k6 release the scripts were written and checked against; the bundles need k6 v0.52 or later. */
export const K6_WRITTEN_AGAINST = 'v1.3.0';

export interface BuiltBundle {
  script: string;
  file: string;
  bytes: number;
  sha256: string;
  /** Every import left in the bundle (only k6 and k6/* are allowed). */
  imports: string[];
  written: boolean;
  ms: number;
}

const isK6Module = (p: string) => p === 'k6' || p.startsWith('k6/');

function importsOf(meta: Metafile): string[] {
  return [...new Set(Object.values(meta.outputs).flatMap((o) => o.imports.map((i) => i.path)))].sort();
}

/** Builds one script; writes it only when the content changed, through a temporary file and a rename. */
export function bundleScript<S extends ScriptName>(script: S, outDir = DIST_DIR): Promise<BuiltBundle & { script: S }> {
  return bundleEntry(join(SCRIPTS_DIR, `${script}.ts`), script, outDir);
}

/** Bundles any entry file as `name` (tests use it to prove a Node import is refused). */
export async function bundleEntry<N extends string>(entry: string, name: N, outDir: string): Promise<BuiltBundle & { script: N }> {
  const started = performance.now();
  const script = name;
  const file = join(outDir, `${name}.js`);
  const result = await build({
    entryPoints: [entry],
    outfile: file,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2020',
    external: ['k6', 'k6/*'],
    sourcemap: 'inline',
    write: false,
    metafile: true,
    logLevel: 'silent',
    banner: { js: `// Built from k6/scripts/${name}.ts by npm run k6:build; do not edit. Written against k6 ${K6_WRITTEN_AGAINST}.` },
  });
  const imports = importsOf(result.metafile);
  const foreign = imports.filter((p) => !isK6Module(p));
  if (foreign.length) throw new Error(`${entry} imports ${foreign.join(', ')}: a k6 bundle may import only k6 and k6/* modules`);
  const out = result.outputFiles.find((f) => f.path.endsWith('.js'));
  if (!out) throw new Error(`esbuild produced no JavaScript for ${entry}`);
  const text = out.text;
  const written = !existsSync(file) || readFileSync(file, 'utf8') !== text;
  if (written) {
    mkdirSync(outDir, { recursive: true });
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  }
  return {
    script,
    file,
    bytes: Buffer.byteLength(text),
    sha256: createHash('sha256').update(text).digest('hex'),
    imports,
    written,
    ms: Math.round(performance.now() - started),
  };
}

export async function bundleAll(scripts: readonly ScriptName[] = SCRIPT_NAMES, outDir = DIST_DIR): Promise<BuiltBundle[]> {
  return Promise.all(scripts.map((s) => bundleScript(s, outDir)));
}
