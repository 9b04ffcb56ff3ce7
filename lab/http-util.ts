// Shared by the lab's small HTTP servers (control API, Slack receiver): listen on a free loopback port, stop quickly.
import type { Server } from 'node:http';

export interface LoopbackListener {
  port: number;
  /** Closes the server and drops its open connections, so a keep-alive client cannot hold stop up. */
  stop(): Promise<void>;
}

/** Listens on 127.0.0.1 port 0 with a short keep-alive; rejects when the listen fails. */
export async function listenOnLoopback(server: Server): Promise<LoopbackListener> {
  server.keepAliveTimeout = 1_000;
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      resolve(a && typeof a === 'object' ? a.port : 0);
    });
  });
  return {
    port,
    stop: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
