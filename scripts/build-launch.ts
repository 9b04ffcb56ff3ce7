// The built CLI's entry (dist/launch.js, called by dist/<command>.js): --help answered from the build's snapshot of
// that same bundle, the bundled command run with tsx loaded only for the window and config .ts files it imports,
// and the source run through tsx instead whenever a source file changed after the build (a stale build never runs).
import { readFileSync, statSync } from 'node:fs';
import { register } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** What `<command> --help` (or -h) printed and returned when the build ran it. */
export interface HelpAnswer {
  code: number;
  stdout: string;
  stderr: string;
}

export interface BuiltCommand {
  /** Repo-relative source (scripts/smoke.ts), run through tsx when the build is stale. */
  source: string;
  /** dist-relative bundle (app/scripts/smoke.js). */
  module: string;
  /** Keyed by the one argument ('--help', '-h'); empty for a benchmark. */
  help: Record<string, HelpAnswer>;
}

/** dist/build.json */
export interface BuildManifest {
  root: string;
  builtAtMs: number;
  /** Repo-relative sources the bundles were made from (esbuild's metafile) and the build's own scripts. */
  inputs: string[];
  commands: Record<string, BuiltCommand>;
  /** Repo-relative source → dist-relative module, for the files window and config files import. */
  library: Record<string, string>;
}

export const STALE_NOTE = 'running from source through tsx (npm run build makes the CLI fast again)';

/** The first input changed (or gone) since the build, else undefined. */
export function staleInput(m: BuildManifest): string | undefined {
  for (const file of m.inputs) {
    let mtimeMs: number;
    try {
      mtimeMs = statSync(join(m.root, file)).mtimeMs;
    } catch {
      return `${file} (gone)`;
    }
    if (mtimeMs > m.builtAtMs) return file;
  }
  return undefined;
}

async function registerTsx(): Promise<void> {
  const { register: tsx } = await import('tsx/esm/api');
  tsx();
}

export async function launch(command: string, distUrl: string): Promise<void> {
  const dist = dirname(fileURLToPath(distUrl));
  const manifest = JSON.parse(readFileSync(join(dist, 'build.json'), 'utf8')) as BuildManifest;
  const cmd = manifest.commands[command];
  if (!cmd) throw new Error(`dist/build.json has no command "${command}": run npm run build`);
  const argv = process.argv.slice(2);
  if (argv.includes('--debug')) process.setSourceMapsEnabled(true);
  const stale = staleInput(manifest);
  if (stale) {
    process.stderr.write(`harness: ${stale} changed after the build; ${STALE_NOTE}\n`);
    await registerTsx();
    await import(pathToFileURL(join(manifest.root, cmd.source)).href);
    return;
  }
  const help = argv.length === 1 ? cmd.help[argv[0]!] : undefined;
  if (help) {
    process.exitCode = help.code;
    // A reader that stops early (`| head`) is not an error of the command.
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
    });
    process.stderr.write(help.stderr);
    process.stdout.write(help.stdout);
    return;
  }
  // tsx comes in (dist/hooks.js) when the command loads a window or config file, and those get the built modules.
  const redirects = Object.fromEntries(
    Object.entries(manifest.library).map(([src, mod]) => [
      pathToFileURL(join(manifest.root, src)).href,
      pathToFileURL(join(dist, mod)).href,
    ]),
  );
  register(pathToFileURL(join(dist, 'hooks.js')), { data: { redirects } });
  await import(pathToFileURL(join(dist, cmd.module)).href);
}
