// The estate a run probes: config names + addresses from the lab manifest or the chosen environment.
import { readFileSync } from 'node:fs';
import type { PageContract, SignInFlow } from '../core/config/contracts.ts';
import type { HarnessConfig } from '../core/config/schema.ts';
import type { HostKey, TokenConfig } from '../core/config/estate.ts';
import { ConfigError } from '../core/config/load.ts';
import type { AnyKind } from '../core/kind.ts';
import type { LabManifest } from '../lab/manifest.ts';
import type { EstateSource } from '../core/source.ts';
import { needs, needsEverything, needsOf, type Needs } from './needs.ts';
import { LOCAL_CONFIG } from './overlay.ts';
import { type Lookup, type LookupMemo, resolveAddresses, unresolvedProblem } from './resolve.ts';

export interface Endpoint {
  name: string;
  address: string;
  port: number;
  /** 'http' only for a backend declared plain HTTP; absent = https. */
  scheme?: 'https' | 'http';
  /** What the server sends in the identity header when it is not its name. */
  identity?: string;
  /** The IP `address` resolved to when the environment was opened (only when `address` is a DNS name): what k6 is pinned to. */
  ip?: string;
}

/** A balancer: its identity header, and the header value → server name map when servers send other names. */
export interface BalancerEndpoint extends Endpoint {
  identityHeader: string;
  identities?: Record<string, string>;
  /** Azure's view of the same pool (backend health), where the environment names the resource. */
  azure?: AzureView;
  /** The web servers' addresses, to map Azure's backends to names. */
  backends?: { name: string; address: string }[];
}

export interface AzureView {
  kind: 'application-gateway' | 'load-balancer';
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  /** The load-balancing rule whose health is read (load balancer only). */
  rule?: string;
  /** Resource Manager endpoint (the lab's on loopback, or Azure's). */
  endpoint?: string;
  /** Lab only: a bearer token the lab's API accepts (never a real credential). */
  labToken?: string;
  /** Lab only: the stand-in's CA (PEM) and the name its certificate is for. */
  ca?: string;
  tlsName?: string;
}

export interface ResolvedHost {
  key: HostKey;
  /** Fully qualified: www.invoicecloud.com, or www.invoicecloud.test in the lab. */
  name: string;
  marker: string;
  path: string;
  maintenancePage: boolean;
  /** Text the browser title must contain (the host's `title`, else its marker). */
  title?: string;
  /** Pages the browser smoke opens; at least the host's path with its main landmark. */
  pages?: PageContract[];
  signIn?: SignInFlow;
}

export interface ServiceEndpoint extends Endpoint {
  group: string;
  title: string;
  banner?: string;
}

export interface ResolvedEstate {
  env: string;
  domain: string;
  hosts: ResolvedHost[];
  webServers: Endpoint[];
  gateway: BalancerEndpoint;
  ilb: BalancerEndpoint;
  services: ServiceEndpoint[];
  /** Extra CA (PEM) trusted on top of the system roots: the lab's own CA, or the environment's caFile. */
  ca?: string;
  /** The file `ca` was read from (k6 and the browser are given the file). */
  caFile?: string;
  /** Flows that change data (payments) may run here (absent = no). */
  safeToChangeData?: boolean;
  /** What the checks will lack, known before running (`npm run plan` lists them). */
  gaps?: string[];
  maintenance: { status: number; marker: string };
  tokens: TokenConfig;
  /** Test account; the password is read from the environment at use, never stored in results. */
  account: { user: string | undefined; password: string | undefined };
  lab?: LabManifest;
}

export const LAB_DEFAULT_USER = 'lab.payer@invoicecloud.test';
export const LAB_DEFAULT_PASSWORD = 'lab-password-not-secret';

function hostsFor(config: HarnessConfig, domain: string): ResolvedHost[] {
  return config.estate.hosts.map((h) => ({
    key: h.key,
    name: `${h.label}.${domain}`,
    marker: h.marker,
    path: h.path,
    maintenancePage: h.maintenancePage,
    title: h.title ?? h.marker,
    pages: h.pages?.length ? h.pages : [{ path: h.path, landmark: 'main', baseline: true }],
    ...(h.signIn ? { signIn: h.signIn } : {}),
  }));
}

/** Header value → server name, when any server sends something other than its name (compared case-insensitively). */
function identitiesOf(servers: readonly { name: string; identity?: string | undefined }[]): Record<string, string> | undefined {
  if (!servers.some((s) => s.identity)) return undefined;
  return Object.fromEntries(servers.map((s) => [s.identity ?? s.name, s.name]));
}

function base(config: HarnessConfig, env: string, domain: string) {
  const e = config.estate;
  return { env, domain, hosts: hostsFor(config, domain), maintenance: e.maintenance, tokens: e.tokens };
}

export function estateFromLab(config: HarnessConfig, lab: LabManifest): ResolvedEstate {
  const e = config.estate;
  const find = (name: string) => {
    const s = lab.services.find((x) => x.name === name);
    if (!s) throw new Error(`lab manifest has no service ${name}`);
    return s;
  };
  const configured = (name: string) => e.webServers.find((s) => s.name === name);
  const webServers = lab.webServers.map(({ name, address, port }): Endpoint => {
    const c = configured(name);
    return { name, address, port, ...(c?.identity ? { identity: c.identity } : {}), ...(c?.scheme ? { scheme: c.scheme } : {}) };
  });
  const identities = identitiesOf(webServers);
  const azure = (lab as LabManifest & { azure?: LabAzure }).azure;
  return {
    ...base(config, 'lab', lab.domain),
    webServers,
    gateway: {
      ...lab.gateway,
      identityHeader: e.gateway.identityHeader,
      ...(identities ? { identities } : {}),
      ...(azure?.gateway ? { azure: { kind: 'application-gateway', ...azure.gateway, ...labAzure(azure) }, backends: webServers } : {}),
    },
    ilb: {
      ...lab.ilb,
      identityHeader: e.ilb.identityHeader,
      ...(identities ? { identities } : {}),
      ...(azure?.ilb ? { azure: { kind: 'load-balancer', ...azure.ilb, ...labAzure(azure) }, backends: webServers } : {}),
    },
    services: e.serverGroups.flatMap((g) =>
      g.servers.map((s) => ({
        name: s.name,
        address: find(s.name).address,
        port: find(s.name).port,
        group: g.key,
        title: g.title,
        ...(g.banner ? { banner: g.banner } : {}),
      })),
    ),
    ca: readFileSync(lab.caFile, 'utf8'),
    caFile: lab.caFile,
    safeToChangeData: true,
    gaps: [],
    account: {
      user: process.env[e.tokens.userEnv] ?? lab.account.user,
      password: process.env[e.tokens.passwordEnv] ?? LAB_DEFAULT_PASSWORD,
    },
    lab,
  };
}

/** What the lab's Azure Resource Manager stand-in publishes in its manifest. */
export interface LabAzure {
  endpoint: string;
  subscriptionId: string;
  token: string;
  caFile: string;
  tlsName: string;
  gateway?: { resourceGroup: string; name: string };
  ilb?: { resourceGroup: string; name: string; rule: string };
}

const labAzure = (a: LabAzure) => ({
  subscriptionId: a.subscriptionId,
  endpoint: a.endpoint,
  labToken: a.token,
  ca: readFileSync(a.caFile, 'utf8'),
  tlsName: a.tlsName,
});

export interface EnvironmentOptions {
  /** What the run's checks need (default: everything); a missing address nobody needs is no error. */
  needs?: Needs;
  /** `npm run plan`: missing values become gaps (listed, exit 78 there) instead of an error now. */
  lenient?: boolean;
}

/** A named environment from config; every missing address the checks need is a configuration error naming it. */
export function estateFromEnvironment(
  config: HarnessConfig,
  env: string,
  file = 'harness.config.ts',
  opts: EnvironmentOptions = {},
): ResolvedEstate {
  const { estate, problems } = buildEnvironment(config, env, file, opts.needs ?? needsEverything);
  return settle(estate, problems, file, opts.lenient);
}

/** Problems stop the run (78, every one named); lenient (`npm run plan`) lists them as gaps before the others. */
function settle(estate: ResolvedEstate, problems: string[], file: string, lenient?: boolean): ResolvedEstate {
  if (lenient) return { ...estate, gaps: [...problems, ...(estate.gaps ?? [])] };
  if (problems.length) throw new ConfigError(file, problems);
  return estate;
}

export interface OpenEnvironmentOptions extends EnvironmentOptions {
  /** Resolves addresses given as DNS names (default: the system resolver). */
  lookup?: Lookup;
  memo?: LookupMemo;
}

/**
 * The environment with every DNS-name address the checks need looked up once (k6 is pinned to the answer); a missing
 * address and a name that does not resolve are both configuration errors, named together, before any check runs.
 */
export async function openEnvironment(
  config: HarnessConfig,
  env: string,
  file = 'harness.config.ts',
  opts: OpenEnvironmentOptions = {},
): Promise<ResolvedEstate> {
  const need = opts.needs ?? needsEverything;
  const built = buildEnvironment(config, env, file, need);
  const { estate, unresolved } = await resolveAddresses(config, built.estate, need, opts.lookup, opts.memo);
  return settle(estate, [...built.problems, ...unresolved.map((u) => unresolvedProblem(u, need))], file, opts.lenient);
}

function buildEnvironment(config: HarnessConfig, env: string, file: string, need: Needs): { estate: ResolvedEstate; problems: string[] } {
  const envConfig = Object.hasOwn(config.environments, env) ? config.environments[env] : undefined;
  if (!envConfig) {
    const known = ['lab', ...Object.keys(config.environments)].join(', ');
    throw new ConfigError(file, [`environments.${env}: no such environment (known: ${known}); add it under environments in the config`]);
  }
  const e = config.estate;
  const problems: string[] = [];
  const gaps: string[] = [];
  const why = (name: string) => {
    const kinds = [...(need.by.get(name) ?? [])];
    return kinds.length ? ` (needed by ${kinds.join(', ')})` : '';
  };
  const addr = (name: string, inline: string | undefined): string => {
    const a = envConfig.addresses[name] || inline || '';
    if (!a && needs(need, name))
      problems.push(`environments.${env}.addresses["${name}"]: address of ${name} is not set; fill it in ${LOCAL_CONFIG}${why(name)}`);
    return a;
  };
  const trust = caOf(envConfig.caFile, env, need);
  if ('problem' in trust) problems.push(trust.problem);
  if (need.account && (!process.env[e.tokens.userEnv] || !process.env[e.tokens.passwordEnv]))
    gaps.push(
      `the test account is not set: export ${e.tokens.userEnv} and ${e.tokens.passwordEnv} (token portability and browser sign-in use it)`,
    );
  const webServers = e.webServers.map(
    (s): Endpoint => ({
      name: s.name,
      address: addr(s.name, s.address),
      port: s.port,
      ...(s.identity ? { identity: s.identity } : {}),
      ...(s.scheme ? { scheme: s.scheme } : {}),
    }),
  );
  const identities = identitiesOf(webServers);
  const az = envConfig.azure;
  const view = (kind: AzureView['kind'], r: { resourceGroup: string; name: string; rule?: string }): AzureView => ({
    kind,
    subscriptionId: az!.subscriptionId,
    ...r,
    ...(az!.resourceManager ? { endpoint: az!.resourceManager } : {}),
    // A private Resource Manager (Azure Stack Hub, a stand-in) is verified against the environment's CA too.
    ...(az!.resourceManager && 'ca' in trust ? { ca: trust.ca } : {}),
  });
  const estate: ResolvedEstate = {
    ...base(config, env, envConfig.domain ?? e.domain),
    webServers,
    gateway: {
      name: e.gateway.name,
      address: addr(e.gateway.name, e.gateway.address),
      port: e.gateway.port,
      identityHeader: e.gateway.identityHeader,
      ...(identities ? { identities } : {}),
      ...(az?.gateway ? { azure: view('application-gateway', az.gateway), backends: webServers } : {}),
    },
    ilb: {
      name: e.ilb.name,
      address: addr(e.ilb.name, e.ilb.address),
      port: e.ilb.port,
      identityHeader: e.ilb.identityHeader,
      ...(identities ? { identities } : {}),
      ...(az?.ilb ? { azure: view('load-balancer', az.ilb), backends: webServers } : {}),
    },
    services: e.serverGroups.flatMap((g) =>
      g.servers.map((s) => ({
        name: s.name,
        address: addr(s.name, s.address),
        port: g.port,
        group: g.key,
        title: g.title,
        ...(g.banner ? { banner: g.banner } : {}),
      })),
    ),
    ...('ca' in trust ? { ca: trust.ca, caFile: trust.file } : {}),
    safeToChangeData: envConfig.safeToChangeData ?? false,
    gaps,
    account: { user: process.env[e.tokens.userEnv], password: process.env[e.tokens.passwordEnv] },
  };
  return { estate, problems };
}

/** The environment's CA: a PEM file read now, 'system' for the system roots alone, '' an operator's to-do. */
function caOf(caFile: string | undefined, env: string, need: Needs): { ca: string; file: string } | { problem: string } | { none: true } {
  if (caFile === undefined || caFile === 'system') return { none: true };
  const reachesServers = need.names === 'all' || need.names.size > 0;
  if (caFile === '')
    return reachesServers
      ? {
          problem: `environments.${env}.caFile: the CA bundle (PEM) that signs ${env}'s backends is not set; fill it in ${LOCAL_CONFIG}, or set it to 'system' when the system roots are enough`,
        }
      : { none: true };
  try {
    const ca = readFileSync(caFile, 'utf8');
    if (!ca.includes('-----BEGIN CERTIFICATE-----')) return { problem: `environments.${env}.caFile: ${caFile} holds no PEM certificate` };
    return { ca, file: caFile };
  } catch (err) {
    return { problem: `environments.${env}.caFile: cannot read ${caFile} (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
  }
}

export interface EnvironmentSourceOptions {
  /** The registered kinds (for --only's families); with `only`, the run asks only for what those checks need. */
  kinds?: readonly AnyKind[];
  only?: readonly string[];
  lenient?: boolean;
  /** Resolves addresses given as DNS names (default: the system resolver); tests inject a stub. */
  lookup?: Lookup;
}

/** A named environment of the config as an estate source; nothing there is automated, so no operator. */
export function environmentSource(
  config: HarnessConfig,
  env: string,
  file: string,
  opts: EnvironmentSourceOptions = {},
): EstateSource<ResolvedEstate> {
  // Each name is looked up once for the source, however many steps it opens.
  const memo: LookupMemo = new Map();
  return {
    env,
    open: async (step) => {
      const need = opts.kinds ? needsOf(config, step, opts.kinds, opts.only) : needsEverything;
      const estate = await openEnvironment(config, env, file, {
        needs: need,
        memo,
        ...(opts.lenient ? { lenient: true } : {}),
        ...(opts.lookup ? { lookup: opts.lookup } : {}),
      });
      return { estate, close: async () => undefined };
    },
  };
}
