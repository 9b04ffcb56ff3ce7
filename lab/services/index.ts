// TCP listeners standing in for the non-web server groups (SFTP, SQL, RDP …): a banner where the group
// expects one (SSH-style for sftp), silence otherwise.
import { createServer, type Server, type Socket } from 'node:net';
import type { ServerGroupConfig } from '../../core/config/estate.ts';
import type { LabEndpoint } from '../manifest.ts';

export type ServiceEndpoint = LabEndpoint & { group: string };

export interface ServicesLab {
  endpoints: ServiceEndpoint[];
  stop(): Promise<void>;
}

/** The line a lab service sends on connect, for groups whose config expects a banner. */
export function bannerFor(group: ServerGroupConfig): string | undefined {
  if (!group.banner) return undefined;
  // Only SSH-style banners are modelled; the config's regex is what the sanity check matches.
  return 'SSH-2.0-OpenSSH_9.2p1 lab\r\n';
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      const addr = server.address();
      resolve(addr && typeof addr === 'object' ? addr.port : 0);
    });
  });
}

export async function startServices(groups: readonly ServerGroupConfig[]): Promise<ServicesLab> {
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  const endpoints = await Promise.all(
    groups.flatMap((g) =>
      g.servers.map(async (s) => {
        const banner = bannerFor(g);
        const server = createServer((socket) => {
          sockets.add(socket);
          socket.once('close', () => sockets.delete(socket));
          socket.on('error', () => socket.destroy());
          // Clients may hang up first; the lab keeps nothing they send.
          socket.on('data', () => undefined);
          if (banner) socket.write(banner);
        });
        servers.push(server);
        return { name: s.name, group: g.key, address: '127.0.0.1', port: await listen(server) };
      }),
    ),
  );
  return {
    endpoints,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    },
  };
}
