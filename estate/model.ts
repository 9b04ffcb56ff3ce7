// The estate a run probes: config names + addresses from the lab manifest or the chosen environment.
import { readFileSync } from 'node:fs';
import type { HarnessConfig } from '../core/config/schema.ts';
import type { HostKey, TokenConfig } from '../core/config/estate.ts';
import { ConfigError } from '../core/config/load.ts';
import type { LabManifest } from '../lab/manifest.ts';
import type { EstateSource } from '../core/source.ts';

export interface Endpoint {
  name: string;
  address: string;
  port: number;
}

export interface ResolvedHost {
  key: HostKey;
  /** Fully qualified: www.invoicecloud.com, or www.invoicecloud.test in the lab. */
  name: string;
  marker: string;
  path: string;
  maintenancePage: boolean;
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
  gateway: Endpoint & { identityHeader: string };
  ilb: Endpoint & { identityHeader: string };
  services: ServiceEndpoint[];
  /** Extra CA (PEM) trusted on top of the system roots: the lab's own CA. */
  ca?: string;
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
  }));
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
  return {
    ...base(config, 'lab', lab.domain),
    webServers: lab.webServers.map(({ name, address, port }) => ({ name, address, port })),
    gateway: { ...lab.gateway, identityHeader: e.gateway.identityHeader },
    ilb: { ...lab.ilb, identityHeader: e.ilb.identityHeader },
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
    account: {
      user: process.env[e.tokens.userEnv] ?? lab.account.user,
      password: process.env[e.tokens.passwordEnv] ?? LAB_DEFAULT_PASSWORD,
    },
    lab,
  };
}

/** A named environment from config; every missing address is a configuration error naming it. */
export function estateFromEnvironment(config: HarnessConfig, env: string, file = 'harness.config.ts'): ResolvedEstate {
  const envConfig = config.environments[env];
  if (!envConfig) {
    const known = ['lab', ...Object.keys(config.environments)].join(', ');
    throw new ConfigError(file, [`environments.${env}: no such environment (known: ${known}); add it under environments in the config`]);
  }
  const e = config.estate;
  const problems: string[] = [];
  const addr = (name: string, inline: string | undefined): string => {
    const a = envConfig.addresses[name] || inline || '';
    if (!a) problems.push(`environments.${env}.addresses["${name}"]: address of ${name} is not set; fill it in ${file}`);
    return a;
  };
  const estate: ResolvedEstate = {
    ...base(config, env, envConfig.domain ?? e.domain),
    webServers: e.webServers.map((s) => ({ name: s.name, address: addr(s.name, s.address), port: s.port })),
    gateway: {
      name: e.gateway.name,
      address: addr(e.gateway.name, e.gateway.address),
      port: e.gateway.port,
      identityHeader: e.gateway.identityHeader,
    },
    ilb: { name: e.ilb.name, address: addr(e.ilb.name, e.ilb.address), port: e.ilb.port, identityHeader: e.ilb.identityHeader },
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
    account: { user: process.env[e.tokens.userEnv], password: process.env[e.tokens.passwordEnv] },
  };
  if (problems.length) throw new ConfigError(file, problems);
  return estate;
}

/** A named environment of the config as an estate source; nothing there is automated, so no operator. */
export function environmentSource(config: HarnessConfig, env: string, file: string): EstateSource<ResolvedEstate> {
  return {
    env,
    open: async () => ({ estate: estateFromEnvironment(config, env, file), close: async () => undefined }),
  };
}
