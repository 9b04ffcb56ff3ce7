// A scripted Slack webhook on 127.0.0.1:0: answers each POST with the next scripted reply and records it.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A status code, or 'hang' to never answer (timeout tests). */
export type Reply = number | 'hang';

export interface Received {
  path: string;
  body: Record<string, unknown>;
}

export interface WebhookServer {
  url(path: string): string;
  received: Received[];
  close(): Promise<void>;
}

/** `reply(path, n)` picks the answer for the n-th request (0-based) to that path; the body echoes the path to bait leaks. */
export async function startWebhookServer(reply: (path: string, n: number) => Reply): Promise<WebhookServer> {
  const received: Received[] = [];
  const counts = new Map<string, number>();
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const path = req.url ?? '/';
      const n = counts.get(path) ?? 0;
      counts.set(path, n + 1);
      received.push({ path, body: JSON.parse(text) as Record<string, unknown> });
      const r = reply(path, n);
      if (r === 'hang') return;
      res.writeHead(r, { 'content-type': 'text/plain', ...(r === 429 ? { 'retry-after': '1' } : {}) });
      res.end(r === 200 ? 'ok' : `internal_error at ${path}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on: bind, read the port, close. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
