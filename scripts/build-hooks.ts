// Module hooks of the built CLI (dist/hooks.js). TypeScript files loaded at run time (windows/*.ts, the config
// file, harness.local.ts) go through tsx's own hooks, loaded on the first such file, so a run that imports none
// never pays for tsx. What they import of kinds.ts, core/config/schema.ts or estate/overlay.ts is the built module
// the command already runs, not a second copy of the source tree compiled through tsx.

interface ResolveContext {
  parentURL?: string;
}
interface Resolved {
  url: string;
  format?: string | null;
  shortCircuit?: boolean;
}
type NextResolve = (specifier: string, context: ResolveContext) => Promise<Resolved>;
type NextLoad = (url: string, context: unknown) => Promise<unknown>;
interface TsxHooks {
  initialize?: (data?: unknown) => unknown;
  resolve: (specifier: string, context: ResolveContext, next: NextResolve) => Promise<Resolved>;
  load: (url: string, context: unknown, next: NextLoad) => Promise<unknown>;
}

/** Source file URL → built module URL (dist/build.json `library`). */
let redirects = new Map<string, string>();
let tsx: Promise<TsxHooks> | undefined;
/** tsx's hooks module (untyped: a specifier in a variable keeps tsc from looking for declarations). */
const TSX_HOOKS = 'tsx/esm';

export function initialize(data: { redirects: Record<string, string> }): void {
  redirects = new Map(Object.entries(data.redirects));
}

/** tsx's ESM hooks (what `node --import tsx` registers), loaded once, on first need. */
function tsxHooks(): Promise<TsxHooks> {
  return (tsx ??= import(TSX_HOOKS).then(async (hooks: TsxHooks) => {
    await hooks.initialize?.({});
    return hooks;
  }));
}

const TS = /\.[cm]?tsx?$/;
function isTsFile(url?: string): boolean {
  if (!url?.startsWith('file:') || url.includes('/node_modules/')) return false;
  return TS.test(new URL(url).pathname);
}

export async function resolve(specifier: string, context: ResolveContext, next: NextResolve): Promise<Resolved> {
  // A .ts specifier, and whatever a TypeScript file imports, resolve as they do under tsx.
  const resolved =
    TS.test(specifier) || isTsFile(context.parentURL)
      ? await (await tsxHooks()).resolve(specifier, context, next)
      : await next(specifier, context);
  const built = redirects.get(resolved.url);
  return built ? { url: built, format: 'module', shortCircuit: true } : resolved;
}

export async function load(url: string, context: unknown, next: NextLoad): Promise<unknown> {
  return isTsFile(url) ? (await tsxHooks()).load(url, context, next) : next(url, context);
}
