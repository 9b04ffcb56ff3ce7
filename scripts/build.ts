// npm run build (and npm's prepare, so `npm ci` leaves it ready): the commands bundled by esbuild into dist/, so a
// CLI starts without compiling TypeScript; tsx stays for development, tests and the run-time window/config files.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import type { BuildManifest, BuiltCommand, HelpAnswer } from './build-launch.ts';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** What window files (defineWindow), config files (defineConfig) and harness.local.ts (defineLocal) import. */
export const LIBRARY = ['kinds.ts', 'core/config/schema.ts', 'estate/overlay.ts'];
/** Commands whose --help is answered from the snapshot: `runCommand` prints the usage before doing anything. */
const HELP_ARGS = ['--help', '-h'];

/** Every scripts/*.ts run through runCommand (core/cli.ts): smoke, plan, gate, report, lab, schedule … */
export function commandSources(root = ROOT): string[] {
  return readdirSync(join(root, 'scripts'))
    .filter((f) => f.endsWith('.ts') && !f.startsWith('build'))
    .filter((f) => /\brunCommand\b/.test(readFileSync(join(root, 'scripts', f), 'utf8')))
    .map((f) => `scripts/${f}`)
    .sort();
}

/** The benchmarks (scripts/bench-*.ts): built too, so they measure the harness as the CLI runs it; no --help snapshot. */
export function benchSources(root = ROOT): string[] {
  return readdirSync(join(root, 'scripts'))
    .filter((f) => /^bench-.*\.ts$/.test(f))
    .map((f) => `scripts/${f}`)
    .sort();
}

/**
 * A bundle's modules keep their source location: `new URL('./child.ts', import.meta.url)`, import.meta.dirname
 * and createRequire(import.meta.url) mean the same files as under tsx.
 */
const sourceLocations: Plugin = {
  name: 'source-locations',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (args) => {
      if (args.path.includes('/node_modules/')) return undefined;
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.')) return { contents: text, loader: 'ts' };
      return {
        loader: 'ts',
        contents: text
          .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href))
          .replaceAll('import.meta.dirname', JSON.stringify(dirname(args.path)))
          .replaceAll('import.meta.filename', JSON.stringify(args.path)),
      };
    });
  },
};

function runHelp(file: string, arg: string, root: string): Promise<HelpAnswer> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [file, arg], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CI: 'true' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', fail);
    child.once('close', (code, signal) =>
      code === null ? fail(new Error(`${relative(root, file)} ${arg} ended by ${signal}`)) : done({ code, stdout, stderr }),
    );
  });
}

const name = (source: string) => source.replace(/^scripts\//, '').replace(/\.ts$/, '');

export interface BuildResult {
  outDir: string;
  manifest: BuildManifest;
  ms: number;
}

/** Builds every command into outDir (default dist/): bundles, launchers, hooks, build.json with the --help snapshots. */
export async function buildCli(opts: { root?: string; outDir?: string } = {}): Promise<BuildResult> {
  const started = performance.now();
  const root = opts.root ?? ROOT;
  const outDir = resolve(opts.outDir ?? join(root, 'dist'));
  // Sources changed while building must count as newer than the build: the stamp is taken first.
  const builtAtMs = Date.now();
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const commands = commandSources(root);
  const benches = benchSources(root);
  const entries = [...commands, ...benches, ...LIBRARY];
  const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' } as const;
  const app = await build({
    ...common,
    entryPoints: Object.fromEntries(entries.map((e) => [e.replace(/\.ts$/, ''), join(root, e)])),
    outdir: join(outDir, 'app'),
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    packages: 'external',
    sourcemap: 'linked',
    metafile: true,
    plugins: [sourceLocations],
  });
  await build({
    ...common,
    entryPoints: { launch: join(root, 'scripts/build-launch.ts'), hooks: join(root, 'scripts/build-hooks.ts') },
    outdir: outDir,
    packages: 'external',
  });
  for (const c of [...commands, ...benches])
    writeFileSync(
      join(outDir, `${name(c)}.js`),
      `// ${c}, built by npm run build (scripts/build.ts).\nimport { launch } from './launch.js';\nawait launch(${JSON.stringify(name(c))}, import.meta.url);\n`,
    );
  const inputs = [
    ...new Set([
      ...Object.keys(app.metafile.inputs)
        .map((p) => relative(root, resolve(process.cwd(), p)))
        .filter((p) => !p.startsWith('node_modules/') && !p.startsWith('..')),
      'scripts/build.ts',
      'scripts/build-launch.ts',
      'scripts/build-hooks.ts',
    ]),
  ].sort();
  const built: Record<string, BuiltCommand> = {};
  for (const c of commands) {
    const module = `app/${c.replace(/\.ts$/, '.js')}`;
    // Snapshots of the bundle itself: what it prints and returns for --help is what the launcher replays.
    const answers = await Promise.all(HELP_ARGS.map((arg) => runHelp(join(outDir, module), arg, root)));
    const bad = answers.find((a) => a.code !== 0);
    if (bad) throw new Error(`${module} --help exited ${bad.code}: ${bad.stderr.trim().split('\n')[0]}`);
    built[name(c)] = { source: c, module, help: Object.fromEntries(HELP_ARGS.map((arg, i) => [arg, answers[i]!])) };
  }
  for (const b of benches) built[name(b)] = { source: b, module: `app/${b.replace(/\.ts$/, '.js')}`, help: {} };
  const library = Object.fromEntries(LIBRARY.map((l) => [l, `app/${l.replace(/\.ts$/, '.js')}`]));
  const manifest: BuildManifest = { root, builtAtMs, inputs, commands: built, library };
  writeFileSync(join(outDir, 'build.json'), `${JSON.stringify(manifest, null, 1)}\n`);
  return { outDir, manifest, ms: performance.now() - started };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { outDir, manifest, ms } = await buildCli();
  const size = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce(
      (n, e) => n + (e.isDirectory() ? size(join(dir, e.name)) : e.name.endsWith('.map') ? 0 : statSync(join(dir, e.name)).size),
      0,
    );
  console.log(
    `built ${Object.keys(manifest.commands).join(', ')} into ${relative(process.cwd(), outDir) || '.'}/ (${manifest.inputs.length} sources, ${(size(outDir) / 1024).toFixed(0)} KiB of JS) in ${(ms / 1000).toFixed(1)} s`,
  );
}
