// A one-server stand-in for the lab (lab/index.ts startLab) so the e2e suites can run before it lands:
// an HTTPS "gateway" on 127.0.0.1 with a CA made by openssl, the lab app behind it, the maintenance page.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { HOST_KEYS, type HostKey } from '../../../core/config/estate.ts';
import { LAB_DEFAULT_PASSWORD, LAB_DEFAULT_USER } from '../../../core/estate.ts';
import { ActiveFaults } from '../../../lab/faults.ts';
import type { LabManifest } from '../../../lab/manifest.ts';
import { createApp } from '../../../lab/app/index.ts';
import { maintenancePage } from '../../../lab/app/maintenance.ts';
import { createSsoKeys } from '../../../lab/app/sso-keys.ts';

export interface MiniLab {
  manifest: LabManifest;
  manifestFile: string;
  faults: ActiveFaults;
  /** Hosts whose maintenance page is up (the runbook state), on top of `maintenance-stuck` faults. */
  maintenanceOn: Set<HostKey>;
  stop(): Promise<void>;
}

function makeCertificates(dir: string): { key: string; cert: string; caFile: string } {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Mini Lab CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  run('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=agw-pri-appgateway0-prd');
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=DNS:*.invoicecloud.test\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n');
  run('x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'leaf.pem', '-days', '2', '-extfile', 'ext.cnf');
  return { key: readFileSync(join(dir, 'leaf.key'), 'utf8'), cert: readFileSync(join(dir, 'leaf.pem'), 'utf8'), caFile: join(dir, 'ca.pem') };
}

export async function startMiniLab(opts: { marker?: string; root?: string } = {}): Promise<MiniLab> {
  const root = opts.root ?? join(import.meta.dirname, '../../../.tmp');
  mkdirSync(root, { recursive: true });
  const dir = mkdtempSync(join(root, 'mini-lab-'));
  const { key, cert, caFile } = makeCertificates(dir);
  const domain = 'invoicecloud.test';
  const hosts = Object.fromEntries(HOST_KEYS.map((h) => [h, `${h}.${domain}`])) as Record<HostKey, string>;
  const faults = new ActiveFaults();
  const maintenanceOn = new Set<HostKey>();
  const marker = opts.marker ?? 'InvoiceCloud';
  const machineKey = randomBytes(32);
  const app = createApp({
    serverName: 'IC-Web1', machineKey: () => machineKey, faults, marker, cookieName: '.ASPXAUTH',
    account: { user: LAB_DEFAULT_USER, password: () => LAB_DEFAULT_PASSWORD }, sso: createSsoKeys(), hostNames: hosts,
  });
  const byName = new Map(Object.entries(hosts).map(([k, v]) => [v, k as HostKey]));
  const server: Server = createServer({ key, cert }, (req, res) => {
    const hostKey = byName.get((req.headers.host ?? '').split(':')[0] ?? '');
    if (!hostKey) {
      res.writeHead(421, { 'content-type': 'text/plain' });
      return res.end('unknown host');
    }
    res.setHeader('x-served-by', 'IC-Web1');
    if (hostKey !== 'www2' && (maintenanceOn.has(hostKey) || faults.has('maintenance-stuck', hostKey))) {
      res.writeHead(503, { 'content-type': 'text/html; charset=utf-8', 'retry-after': '3600' });
      return res.end(maintenancePage({ marker: 'Scheduled maintenance in progress', brand: marker, host: hosts[hostKey] }));
    }
    app(req, res, hostKey);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const gateway = { name: 'agw-pri-appgateway0-prd', address: '127.0.0.1', port };
  const manifest: LabManifest = {
    startedAt: new Date().toISOString(), domain, caFile, hosts,
    webServers: [{ name: 'IC-Web1', address: '127.0.0.1', port }], gateway, ilb: { ...gateway, name: 'IC-LB-WebSVR-4AppSVR' },
    services: [], control: { url: '' }, account: { user: LAB_DEFAULT_USER },
  };
  const manifestFile = join(dir, 'manifest.json');
  writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
  return {
    manifest, manifestFile, faults, maintenanceOn,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
