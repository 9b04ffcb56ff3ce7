// Shared by the lab tests: the repo's config, a lab with short timings, and a verifying HTTPS client.
import { after, afterEach, before } from 'node:test';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { request as httpsRequest } from 'node:https';
import { Agent, request } from 'undici';
import { loadConfig } from '../../core/config/load.ts';
import type { HarnessConfig } from '../../core/config/schema.ts';
import { startLab, type Lab, type StartLabOptions } from '../../lab/index.ts';

let cached: Promise<HarnessConfig> | undefined;
export function config(): Promise<HarnessConfig> {
  return (cached ??= loadConfig(new URL('../../harness.config.ts', import.meta.url).pathname));
}

// Probes time out well before web-slow answers, with room for a loaded machine.
export const FAST = { slowMs: 3_000, healthIntervalMs: 100, healthTimeoutMs: 1_500 } as const;

/** A lab with short timings; without faults, returned once every member of both pools takes traffic. */
export async function fastLab(opts: Partial<StartLabOptions> = {}): Promise<Lab> {
  const lab = await startLab({ config: await config(), ...FAST, ...opts });
  if (!opts.faults?.length) {
    const ready = await eventually(
      () => (['gateway', 'ilb'] as const).every((p) => lab.control.status().pools[p].members.every((m) => m.routable)),
      15_000,
    );
    if (!ready) {
      await lab.stop();
      throw new Error(`lab pools not healthy after start: ${JSON.stringify(lab.control.status().pools)}`);
    }
  }
  return lab;
}

/** Back to the healthy lab between tests: no faults, every server in both pools, no maintenance page, old DNS. */
export async function resetLab(lab: Lab): Promise<void> {
  await lab.control.clearFaults();
  await lab.control.applyState({ inPools: 'all', maintenanceOn: [], dnsProvider: 'old' });
}

/**
 * One healthy lab and client for a whole test file: started before its first test (`use` receives them),
 * reset after each test when asked, closed after its last. Call at the top level of the test file.
 */
export function labPerFile(use: (lab: Lab, client: LabClient) => void, opts: { resetAfterEach?: boolean } = {}): void {
  let lab: Lab | undefined;
  let client: LabClient | undefined;
  before(async () => {
    lab = await fastLab();
    client = new LabClient(lab);
    use(lab, client);
  });
  if (opts.resetAfterEach) afterEach(() => resetLab(lab!));
  after(async () => {
    await client?.close();
    await lab?.stop();
  });
}

export interface Reply {
  status: number;
  servedBy: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** An HTTPS client trusting only the lab CA (verification on), one connection pool per host name. */
export class LabClient {
  private readonly agents = new Map<string, Agent>();
  private readonly ca: string;

  constructor(readonly lab: Lab) {
    this.ca = readFileSync(lab.manifest.caFile, 'utf8');
  }

  private agent(servername: string): Agent {
    let a = this.agents.get(servername);
    if (!a) this.agents.set(servername, (a = new Agent({ connect: { ca: this.ca, servername }, keepAliveTimeout: 500 })));
    return a;
  }

  /** GET (or POST with a form) `path` on 127.0.0.1:port as `host` (FQDN), SNI = host. */
  async get(
    port: number,
    host: string,
    path = '/',
    init: { method?: 'GET' | 'POST'; body?: string; headers?: Record<string, string>; signal?: AbortSignal } = {},
  ): Promise<Reply> {
    const res = await request(`https://127.0.0.1:${port}${path}`, {
      dispatcher: this.agent(host),
      method: init.method ?? 'GET',
      headers: { host, ...(init.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...init.headers },
      body: init.body ?? null,
      signal: init.signal,
    });
    const body = await res.body.text();
    const servedBy = res.headers['x-served-by'];
    return { status: res.statusCode, servedBy: Array.isArray(servedBy) ? servedBy[0] : servedBy, headers: res.headers, body };
  }

  /** Idempotent: closes the pools opened so far. */
  async close(): Promise<void> {
    const agents = [...this.agents.values()];
    this.agents.clear();
    await Promise.all(agents.map((a) => a.close()));
  }
}

export function fqdn(lab: Lab, key: 'www' | 'www2' | 'my' | 'sso'): string {
  return lab.manifest.hosts[key];
}

export function port(lab: Lab, server: string): number {
  const s = lab.manifest.webServers.find((w) => w.name === server);
  if (!s) throw new Error(`no ${server} in the manifest`);
  return s.port;
}

/** Polls until `check` is true or `ms` passes; returns whether it became true. */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 5_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check();
}

/** The error code of a plain TCP connect (undefined when it connects). */
export function tcpConnect(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(undefined);
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

/** GET with SNI `servername` but a different Host header (undici would take SNI from Host). */
export function getWithHost(lab: Lab, port: number, servername: string, hostHeader: string, path = '/'): Promise<Reply> {
  const ca = readFileSync(lab.manifest.caFile, 'utf8');
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port, path, servername, ca, agent: false, headers: { host: hostHeader } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        const by = res.headers['x-served-by'];
        resolve({ status: res.statusCode ?? 0, servedBy: Array.isArray(by) ? by[0] : by, headers: res.headers, body });
      });
    });
    req.once('error', reject);
    req.end();
  });
}
