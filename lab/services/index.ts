// Listeners standing in for the non-web server groups, speaking what the group's port speaks: SSH/SFTP on 22
// (ssh2, host key in the manifest), an SMTP greeting on 25/587, HTTPS /health on 443 (a certificate for
// <server>.<lab domain>), silent TCP otherwise (with the config's banner where one is expected).
// `service-down:SERVER` takes a listener down (connections refused) and back up on the same port.
import { createServer, type Server, type Socket } from 'node:net';
import type { ServerGroupConfig } from '../../core/config/estate.ts';
import { ActiveFaults } from '../faults.ts';
import type { LabManifest } from '../manifest.ts';
import type { LabPki } from '../tls/pki.ts';
import { Listener } from '../web/listener.ts';
import { healthServer, serviceTlsName } from './https.ts';
import { smtpSession } from './smtp.ts';
import { sshServer } from './ssh.ts';

export type ServiceEndpoint = LabManifest['services'][number];

export interface ServicesLab {
  endpoints: ServiceEndpoint[];
  /** Brings every listener in line with the faults now (the control API awaits it, so a fault holds on return). */
  sync(): Promise<unknown>;
  stop(): Promise<void>;
}

export interface ServicesOptions {
  faults?: ActiveFaults;
  /** With the lab's PKI and domain, port-443 groups serve HTTPS /health; without, they stay silent TCP. */
  pki?: LabPki;
  domain?: string;
}

const SMTP_PORTS = new Set([25, 465, 587, 2525]);

/** The line a silent lab service sends on connect, for groups whose config expects a banner (not SSH, SMTP). */
export function bannerFor(group: ServerGroupConfig): string | undefined {
  if (!group.banner) return undefined;
  return 'SSH-2.0-OpenSSH_9.2p1 lab\r\n';
}

/** TLS names the lab's PKI must cover for the services served over HTTPS. */
export function serviceTlsNames(groups: readonly ServerGroupConfig[], domain: string): string[] {
  return groups.filter((g) => g.port === 443).flatMap((g) => g.servers.map((s) => serviceTlsName(s.name, domain)));
}

export async function startServices(groups: readonly ServerGroupConfig[], opts: ServicesOptions = {}): Promise<ServicesLab> {
  const faults = opts.faults ?? new ActiveFaults();
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const closers: (() => void)[] = [];
  const listeners: { name: string; listener: Listener }[] = [];
  const serve = (g: ServerGroupConfig, name: string): { server: Server; protocol: string; hostKey?: string } => {
    if (g.port === 22) {
      const ssh = sshServer(name, faults);
      closers.push(ssh.close);
      return { server: createServer((s) => (track(s), ssh.accept(s))), protocol: 'ssh', hostKey: ssh.hostKey };
    }
    if (SMTP_PORTS.has(g.port)) return { server: createServer((s) => (track(s), smtpSession(name, faults, s))), protocol: 'smtp' };
    const pair = opts.pki && opts.domain ? opts.pki.hosts.get(serviceTlsName(name, opts.domain)) : undefined;
    if (g.port === 443 && pair) {
      const https = healthServer(name, pair, faults);
      https.on('connection', track);
      return { server: https, protocol: 'https' };
    }
    const banner = bannerFor(g);
    const server = createServer((socket) => {
      track(socket);
      // Clients may hang up first; the lab keeps nothing they send.
      socket.on('data', () => undefined);
      if (banner) socket.write(banner);
    });
    return { server, protocol: 'tcp' };
  };
  const stopAll = async () => {
    clearInterval(ticker);
    for (const s of sockets) s.destroy();
    closers.forEach((c) => c());
    await Promise.all(listeners.map((l) => l.listener.set(false)));
  };
  const sync = () => Promise.all(listeners.map((l) => l.listener.set(!faults.has('service-down', l.name))));
  // The control API syncs at once; faults set on lab.faults directly reach the listeners within 100 ms.
  const ticker = setInterval(() => void sync().catch(() => undefined), 100);
  ticker.unref();
  try {
    const endpoints = await Promise.all(
      groups.flatMap((g) =>
        g.servers.map(async (s): Promise<ServiceEndpoint> => {
          const { server, protocol, hostKey } = serve(g, s.name);
          const listener = new Listener(server);
          listeners.push({ name: s.name, listener });
          // Bound once so the manifest has a port, then down at once when the fault says so.
          await listener.set(true);
          if (faults.has('service-down', s.name)) await listener.set(false);
          return { name: s.name, group: g.key, address: '127.0.0.1', port: listener.port, protocol, ...(hostKey ? { hostKey } : {}) };
        }),
      ),
    );
    return { endpoints, sync, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
