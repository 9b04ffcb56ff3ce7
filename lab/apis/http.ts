// Shared by the lab's API fakes: JSON replies, bearer/basic/GenieKey checks, and a loopback listener per fake.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback, readBody } from '../http-util.ts';

export type Handler = (req: IncomingMessage, res: ServerResponse, url: URL, body: string) => void;

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/** The credential in an Authorization header of the given scheme (Basic: the password half), or undefined. */
export function credential(req: IncomingMessage, scheme: 'Bearer' | 'GenieKey' | 'Basic'): string | undefined {
  const h = req.headers.authorization ?? '';
  const [given = '', value = ''] = h.split(/\s+/, 2);
  if (given.toLowerCase() !== scheme.toLowerCase() || !value) return undefined;
  if (scheme !== 'Basic') return value;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}

export interface ApiFake {
  url: string;
  stop(): Promise<void>;
}

/** Serves `handle` on 127.0.0.1 port 0; request bodies are read whole (64 KiB cap) before the handler runs. */
export async function serveFake(handle: Handler): Promise<ApiFake> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://lab.invalid');
    void readBody(req).then(
      (body) => handle(req, res, url, body),
      () => json(res, 413, { message: 'request body too large' }),
    );
  });
  const { port, stop } = await listenOnLoopback(server);
  return { url: `http://127.0.0.1:${port}`, stop };
}
