// Shared by the lab's small HTTP servers (control API, Slack receiver): listen on a free loopback port, stop quickly.
import type { IncomingMessage, Server } from 'node:http';

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

/** Reads a request body as text, rejecting past `limit` bytes so a client cannot fill the lab's memory. */
export function readBody(req: IncomingMessage, limit = 64 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) reject(new Error(`body larger than ${limit} bytes`));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
