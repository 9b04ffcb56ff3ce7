// Which Chromium to launch, with which flags, and how the browser trusts the lab's certificates:
// only the gateway certificates Node verified against the lab CA, pinned by their public key.
import { existsSync } from 'node:fs';
import { connect, rootCertificates } from 'node:tls';
import { X509Certificate, createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { LabManifest } from '../lab/manifest.ts';
import { ENV, type E2eTarget } from './target.ts';

const DEBIAN_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** CHROMIUM_PATH → Debian's chromium → Playwright's own browser; undefined when none is installed. */
export function findChromium(env: NodeJS.ProcessEnv = process.env, exists: (p: string) => boolean = existsSync): string | undefined {
  const override = env[ENV.chromium];
  if (override) return override;
  for (const p of DEBIAN_CHROMIUM) if (exists(p)) return p;
  let bundled: string | undefined;
  try {
    // Loaded only when no system Chromium is found: @playwright/test costs every command ~0.5 s to import.
    const { chromium } = createRequire(import.meta.url)('@playwright/test') as typeof import('@playwright/test');
    bundled = chromium.executablePath();
  } catch {
    bundled = undefined; // Playwright has no registry entry for this platform: nothing bundled.
  }
  return bundled && exists(bundled) ? bundled : undefined;
}

/** Flags for a headless Chromium on a machine with no outside network (and as root, no sandbox). */
export function baseArgs(isRoot = process.getuid?.() === 0): string[] {
  return [
    ...(isRoot ? ['--no-sandbox'] : []),
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-gpu',
    '--disable-quic',
  ];
}

/**
 * Every lab host name mapped to the gateway, so the browser goes through it like a user (maintenance page
 * included); then every other name fails to resolve (loopback excepted), so a lab run can never reach a real
 * host, whatever a page links to. Chromium uses the first MAP that matches; EXCLUDE exempts a name from all.
 */
export function hostResolverRules(lab: LabManifest): string {
  const loopback = [...new Set(['127.0.0.1', 'localhost', lab.gateway.address])];
  const rules = [
    ...Object.values(lab.hosts).map((h) => `MAP ${h} ${lab.gateway.address}:${lab.gateway.port}`),
    'MAP * ~NOTFOUND',
    ...loopback.map((h) => `EXCLUDE ${h}`),
  ];
  return `--host-resolver-rules=${rules.join(',')}`;
}

/** What a lab run adds to the browser's flags: the host mapping and the verified certificate pins. Outside the lab: nothing. */
export function labLaunchArgs(target: Pick<E2eTarget, 'env' | 'lab'>, pins: readonly string[]): string[] {
  if (target.env !== 'lab' || !target.lab) return [];
  return [hostResolverRules(target.lab), `--ignore-certificate-errors-spki-list=${pins.join(',')}`];
}

export function spkiHash(pem: string | Buffer): string {
  const der = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64');
}

/**
 * Connects to the gateway as each lab host (SNI) with full verification against the lab CA — chain, name,
 * dates — and returns the SPKI hash of every certificate that passed. Chromium is told to accept exactly
 * those keys (--ignore-certificate-errors-spki-list); any other certificate keeps failing.
 */
export async function verifiedLabPins(lab: LabManifest, ca: string, timeoutMs = 5_000): Promise<string[]> {
  return verifiedPins(Object.values(lab.hosts), lab.gateway, ca, timeoutMs, "the lab's");
}

/** Where an environment's browser goes, outside the lab: its hosts, the gateway it maps them to, its CA. */
export interface EnvironmentTrust {
  /** Host names (www.example.com …) the suites open. */
  hosts: string[];
  /** Every host mapped to this address (the environment's gateway): a site not in DNS, a staging copy. */
  resolveTo?: { address: string; port: number };
  /** PEM of the environment's CA: the browser accepts exactly the certificates Node verified against it. */
  ca?: string;
}

/** An environment's browser flags: its hosts mapped to the gateway (nothing else resolves), the verified pins. */
export async function environmentLaunchArgs(t: EnvironmentTrust, timeoutMs = 5_000): Promise<string[]> {
  const args: string[] = [];
  if (t.resolveTo) {
    const { address, port } = t.resolveTo;
    const rules = [...t.hosts.map((h) => `MAP ${h} ${address}:${port}`), 'MAP * ~NOTFOUND', `EXCLUDE ${address}`];
    args.push(`--host-resolver-rules=${rules.join(',')}`);
  }
  if (t.ca) {
    // The system roots stay trusted; the environment's CA is added for Node's verification only.
    const pins = await verifiedPins(t.hosts, t.resolveTo, [...rootCertificates, t.ca], timeoutMs, 'the environment');
    args.push(`--ignore-certificate-errors-spki-list=${pins.join(',')}`);
  }
  return args;
}

/** SPKI hashes of the certificates each host presents, each verified (chain, name, dates) against `ca`. */
async function verifiedPins(
  hosts: readonly string[],
  via: { address: string; port: number } | undefined,
  ca: string | string[],
  timeoutMs: number,
  whose: string,
): Promise<string[]> {
  const pins = new Set<string>();
  for (const host of hosts) {
    const address = via?.address ?? host;
    const port = via?.port ?? 443;
    const raw = await new Promise<Buffer>((resolve, reject) => {
      const socket = connect({ host: address, port, servername: host, ca, timeout: timeoutMs, ALPNProtocols: ['http/1.1'] }, () => {
        const cert = socket.getPeerCertificate();
        socket.end();
        resolve(cert.raw);
      });
      socket.on('timeout', () => socket.destroy(Object.assign(new Error('timed out'), { code: 'TIMEOUT' })));
      socket.on('error', (err: NodeJS.ErrnoException) =>
        reject(new Error(`cannot trust ${whose} certificate for ${host} at ${address}:${port}: ${err.code ?? 'error'} (${err.message})`)),
      );
    });
    pins.add(spkiHash(raw));
  }
  return [...pins];
}
