// startLab: the whole simulated estate on 127.0.0.1, built from the harness config, started in-process by
// every lab run and test. Fast to start (openssl CA + listeners on port 0), clean to stop (no handles left).
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { HarnessConfig } from '../core/config/schema.ts';
import { LAB_DEFAULT_PASSWORD, LAB_DEFAULT_USER } from '../estate/model.ts';
import type { EstateState as PhaseState } from '../core/window/schema.ts';
import { LabControlImpl, normaliseFault, type LabControl } from './control/index.ts';
import { startControlServer } from './control/http.ts';
import { RunbookState } from './control/state.ts';
import { createSsoKeys } from './app/sso-keys.ts';
import { startDnsLab } from './dns/index.ts';
import { ActiveFaults, type Fault, checkFaultTargets } from './faults.ts';
import { addressingFrom, LAB_ADDRESSING_ENV, labBinds, type LabAddressing } from './addressing.ts';
import type { LabManifest } from './manifest.ts';
import { ARM_TLS_NAME, startArmLab, type ArmMember } from '../azure/lab-arm.ts';
import type { LabAzure } from '../estate/model.ts';
import { serviceTlsNames, startServices } from './services/index.ts';
import { startApiLab } from './apis/index.ts';
import { LAB_KEYVAULT_SECRET } from './apis/keyvault.ts';
import { loadedSecrets } from './app/secrets.ts';
import { startSlackLab } from './slack/index.ts';
import { createPki } from './tls/pki.ts';
import { Balancer } from './web/balancer.ts';
import { hostContexts, labDomain, labHosts } from './web/hosts.ts';
import { LabWebServer } from './web/server.ts';

export interface StartLabOptions {
  config: HarnessConfig;
  faults?: Fault[];
  /** The phase state to put the lab in; default all servers in both pools, no page, DNS at the old provider. */
  state?: PhaseState;
  /** Where ca.pem and manifest.json go; default a fresh folder under ./.lab, removed at stop. */
  dir?: string;
  /** How late web-slow answers (default 30 s). */
  slowMs?: number;
  /** Balancer health probes: interval and per-probe timeout (defaults 250 ms / 2 s); tests shorten them. */
  healthIntervalMs?: number;
  healthTimeoutMs?: number;
  /** Zone file the DNS lab serves instead of lab/dns/invoicecloud.test.zone (bench:scale's 5,000 names). */
  zoneFile?: string;
  /** Random ports on 127.0.0.1 (default, or $HARNESS_LAB_ADDRESSING), or each server on its own loopback address on 443. */
  addressing?: LabAddressing;
  /** Serve Azure's backend-health API for both balancers on loopback (default: $HARNESS_LAB_AZURE === '1'). */
  azure?: boolean;
}

export interface Lab {
  manifest: LabManifest;
  faults: ActiveFaults;
  control: LabControl;
  /** Folder holding ca.pem, manifest.json and the lab's keys. */
  dir: string;
  stop(): Promise<void>;
}

export const DEFAULT_LAB_STATE: PhaseState = { inPools: 'all', maintenanceOn: [], dnsProvider: 'old' };

export async function startLab(opts: StartLabOptions): Promise<Lab> {
  const { config } = opts;
  const e = config.estate;
  const ownDir = opts.dir === undefined;
  const dir = ownDir ? await mkdtemp(join(await ensure(resolve('.lab')), 'lab-')) : await ensure(resolve(opts.dir!));
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    // All parts at once: each tolerates its neighbours going away (probes stop first thing, synchronously).
    const results = await Promise.allSettled(
      stops
        .splice(0)
        .reverse()
        .map((s) => s()),
    );
    if (ownDir) await rm(dir, { recursive: true, force: true });
    // Closed handles are released by libuv on the next turn of the loop; resolve after that.
    await new Promise((r) => setImmediate(r));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  };
  try {
    const domain = labDomain(config);
    const hosts = labHosts(config, domain);
    const faults = new ActiveFaults();
    const serverNames = e.webServers.map((s) => s.name);
    const binds = labBinds(opts.addressing ?? addressingFrom(process.env[LAB_ADDRESSING_ENV]), serverNames.length);
    const state = new RunbookState(
      serverNames,
      hosts.filter((h) => h.maintenancePage).map((h) => h.key),
      hosts.map((h) => h.key),
      faults,
    );

    // Faults are checked before anything starts, so a typo fails fast with the known names.
    // Added before any part starts, so every part (the DNS lab included) sees them from its first answer.
    for (const f of (opts.faults ?? []).map((x) => normaliseFault(x, state))) faults.add(f);
    checkFaultTargets(opts.faults ?? [], config);
    // Everything that starts is registered for stop as soon as it is up, even if a sibling fails.
    const started = <T extends { stop(): Promise<void> }>(p: Promise<T>) => p.then((x) => (stops.push(() => x.stop()), x));
    const making = createPki(dir, [...hosts.map((h) => h.fqdn), ...serviceTlsNames(e.serverGroups, domain)]);
    const [pki, services, slack, dns, apiLab] = await settleAll([
      making,
      started(making.then((p) => startServices(e.serverGroups, { faults, pki: p, domain }))),
      started(startSlackLab(faults)),
      started(
        startDnsLab({
          config,
          faults,
          domain,
          gatewayAddress: binds.gateway.address,
          dir,
          ...(opts.zoneFile ? { zoneFile: opts.zoneFile } : {}),
        }),
      ),
      started(startApiLab({ faults, domain, servers: [...serverNames, ...e.serverGroups.flatMap((g) => g.servers.map((s) => s.name))] })),
    ] as const);

    const contexts = hostContexts(pki, hosts);
    const farmKey = randomBytes(32);
    const staleKey = randomBytes(32);
    // One sso signing key set per lab, shared by every server (sso signs, my verifies, on any server).
    const sso = createSsoKeys();
    const hostNames = Object.fromEntries(hosts.map((h) => [h.key, h.fqdn]));
    // The Mailgun rotation's IIS recycle: each app loaded Key Vault's current version when the lab started.
    const recycledAt = new Date();
    const user = process.env[e.tokens.userEnv] ?? LAB_DEFAULT_USER;
    const webServers = serverNames.map(
      (name, i) =>
        new LabWebServer({
          name,
          bind: binds.web[i]!,
          identity: e.webServers[i]?.identity ?? name,
          hosts,
          contexts,
          faults,
          identityHeader: e.gateway.identityHeader,
          slowMs: opts.slowMs ?? 30_000,
          app: {
            machineKey: () => (faults.has('web-stale-key', name) ? staleKey : farmKey),
            account: { user, password: () => process.env[e.tokens.passwordEnv] ?? LAB_DEFAULT_PASSWORD },
            cookieName: e.tokens.cookieName,
            sso,
            hostNames,
            secrets: loadedSecrets(name, LAB_KEYVAULT_SECRET, apiLab.keyVault, faults, recycledAt),
          },
        }),
    );
    const control = new LabControlImpl({
      state,
      faults,
      webServers,
      services,
      slack,
      checkTargets: (f) => checkFaultTargets([f], config),
      setDnsProvider: (p) => dns.setProvider(p),
    });
    await control.applyState(opts.state ?? DEFAULT_LAB_STATE);

    await Promise.all(webServers.map((w) => w.start()));
    stops.push(...webServers.map((w) => () => w.stop()));

    const members = webServers.map((w) => ({ name: w.name, address: w.address, port: () => w.port }));
    const balancer = (name: string, pool: 'gateway' | 'ilb') =>
      new Balancer({
        name,
        bind: binds[pool],
        hosts,
        contexts,
        caPem: pki.caPem,
        members,
        inPool: (m) => state.inPool(pool, m),
        // The page is put up on the Application Gateway (the public entry); the ILB keeps serving internal callers.
        pageUp: (h) => pool === 'gateway' && state.pageUp(h),
        page: { status: e.maintenance.status, marker: e.maintenance.marker, retryAfterSeconds: 3_600 },
        healthIntervalMs: opts.healthIntervalMs ?? 250,
        healthTimeoutMs: opts.healthTimeoutMs ?? 2_000,
        backendTimeoutMs: Math.max(60_000, (opts.slowMs ?? 30_000) + 5_000),
      });
    const gateway = balancer(e.gateway.name, 'gateway');
    const ilb = balancer(e.ilb.name, 'ilb');
    await Promise.all([gateway.start(), ilb.start()]);
    stops.push(
      () => gateway.stop(),
      () => ilb.stop(),
    );
    control.attachBalancers({ gateway, ilb });

    // Azure's view of the two pools (azure/lab-arm.ts): the in-pool members with their health-probe state.
    let azure: LabAzure | undefined;
    if (opts.azure ?? process.env['HARNESS_LAB_AZURE'] === '1') {
      const view = (b: Balancer) => (): ArmMember[] =>
        b
          .status()
          .filter((m) => m.inPool)
          .map((m) => ({
            name: m.name,
            address: webServers.find((w) => w.name === m.name)?.address ?? '127.0.0.1',
            health: m.healthy ? 'Up' : 'Down',
            ...(m.lastError ? { why: `health probe: ${m.lastError}` } : {}),
          }));
      const rg = 'rg-maintenance-lab';
      const arm = await startArmLab({
        dir,
        gateway: { resourceGroup: rg, name: e.gateway.name, members: view(gateway) },
        ilb: { resourceGroup: rg, name: e.ilb.name, rule: 'https', members: view(ilb) },
      });
      stops.push(() => arm.stop());
      azure = {
        endpoint: arm.endpoint,
        subscriptionId: arm.subscriptionId,
        token: arm.token,
        caFile: arm.caFile,
        tlsName: ARM_TLS_NAME,
        gateway: { resourceGroup: rg, name: e.gateway.name },
        ilb: { resourceGroup: rg, name: e.ilb.name, rule: 'https' },
      };
    }

    const controlServer = await startControlServer(control);
    stops.push(() => controlServer.stop());
    // Faults changed on lab.faults directly (not through control) still reach the listeners; a failure shows in status().
    const ticker = setInterval(() => void control.sync().catch((err: unknown) => control.recordSyncError(err)), 100);
    ticker.unref();
    stops.push(async () => clearInterval(ticker));

    const manifest: LabManifest & { azure?: LabAzure } = {
      startedAt: new Date().toISOString(),
      domain,
      caFile: pki.caFile,
      hosts: Object.fromEntries(hosts.map((h) => [h.key, h.fqdn])) as LabManifest['hosts'],
      webServers: webServers.map((w) => ({ name: w.name, address: w.address, port: w.port })),
      gateway: { name: e.gateway.name, address: binds.gateway.address, port: gateway.port },
      ilb: { name: e.ilb.name, address: binds.ilb.address, port: ilb.port },
      services: services.endpoints,
      control: { url: controlServer.url },
      account: { user },
      dns: dns.manifest,
      slack: { url: slack.url },
      ...(azure ? { azure } : {}),
      apis: apiLab.apis,
      sso: { kid: sso.kid },
    };
    await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    let stopped: Promise<void> | undefined;
    return { manifest, faults, control, dir, stop: () => (stopped ??= stopAll()) };
  } catch (err) {
    await stopAll().catch(() => undefined);
    throw err;
  }
}

/** Like Promise.all, but waits for every promise before rejecting, so nothing starts after a stop. */
async function settleAll<T extends readonly unknown[]>(promises: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as { -readonly [K in keyof T]: Awaited<T[K]> };
}

async function ensure(path: string): Promise<string> {
  await mkdir(path, { recursive: true });
  return path;
}
