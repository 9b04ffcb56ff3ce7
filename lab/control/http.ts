// The control API over HTTP (JSON, 127.0.0.1): the same operations as LabControl, for `npm run lab` users and scripts.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { z } from 'zod';
import { HostKey } from '../../core/config/estate.ts';
import { FAULTS, FaultError } from '../faults.ts';
import { listenOnLoopback } from '../http-util.ts';
import type { LabControl } from './index.ts';
import { LabStateError } from './state.ts';

export const ROUTES = [
  'GET    /status',
  'GET    /faults                         active faults and the catalogue',
  'POST   /faults                {"fault":"web-down:IC-Web3"}',
  'DELETE /faults/{name[:arg]}',
  'DELETE /faults                         clear every fault',
  'POST   /pools/{gateway|ilb}/pull      {"server":"IC-Web3"}',
  'POST   /pools/{gateway|ilb}/put-back  {"server":"IC-Web3"}',
  'POST   /maintenance/{host}            {"on":true}',
  'POST   /dns/provider                  {"provider":"new"}',
  'POST   /state                         {"inPools":"all","maintenanceOn":["www"],"dnsProvider":"old"}',
  'GET    /slack/messages',
];

const PhaseStateBody = z.strictObject({
  inPools: z.union([z.literal('all'), z.array(z.string())]),
  maintenanceOn: z.array(HostKey),
  dnsProvider: z.enum(['old', 'new']),
});

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function json(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return {};
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new HttpError(400, 'the body must be a JSON object');
}

function str(body: Record<string, unknown>, key: string): string {
  const v = body[key];
  if (typeof v !== 'string' || !v) throw new HttpError(400, `missing "${key}" (a string) in the JSON body`);
  return v;
}

async function route(control: LabControl, req: IncomingMessage): Promise<unknown> {
  const url = new URL(req.url ?? '/', 'http://lab.invalid');
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const m = req.method ?? 'GET';
  const at = (method: string, ...path: (string | null)[]) =>
    m === method && parts.length === path.length && path.every((p, i) => p === null || p === parts[i]);
  if (at('GET', 'status')) return control.status();
  if (at('GET', 'faults')) return { active: control.status().faults, catalogue: FAULTS };
  if (at('GET', 'slack', 'messages')) return { messages: control.slackMessages() };
  const body = m === 'GET' ? {} : await json(req);
  if (at('POST', 'faults')) await control.addFault(str(body, 'fault'));
  else if (at('DELETE', 'faults', null)) await control.removeFault(parts[1]!);
  else if (at('DELETE', 'faults')) await control.clearFaults();
  else if (at('POST', 'pools', null, 'pull')) await control.pull(parts[1] as 'gateway', str(body, 'server'));
  else if (at('POST', 'pools', null, 'put-back')) await control.putBack(parts[1] as 'gateway', str(body, 'server'));
  else if (at('POST', 'maintenance', null)) {
    if (typeof body.on !== 'boolean') throw new HttpError(400, 'missing "on" (true or false) in the JSON body');
    await control.setMaintenance(parts[1] as HostKey, body.on);
  } else if (at('POST', 'dns', 'provider')) await control.setDnsProvider(str(body, 'provider') as 'old');
  else if (at('POST', 'state')) {
    const parsed = PhaseStateBody.safeParse(body);
    if (!parsed.success)
      throw new HttpError(
        400,
        `invalid state: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
      );
    await control.applyState(parsed.data);
  } else throw new HttpError(404, `no route ${m} ${url.pathname}`);
  return control.status();
}

function reply(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`${JSON.stringify(value, null, 2)}\n`);
}

export interface ControlServer {
  url: string;
  stop(): Promise<void>;
}

export async function startControlServer(control: LabControl): Promise<ControlServer> {
  const server = createServer((req, res) => {
    route(control, req).then(
      (value) => reply(res, 200, value),
      (err: unknown) => {
        if (err instanceof HttpError)
          return reply(res, err.status, { error: err.message, ...(err.status === 404 ? { routes: ROUTES } : {}) });
        if (err instanceof FaultError || err instanceof LabStateError) return reply(res, 400, { error: err.message });
        reply(res, 500, { error: `lab control failed: ${(err as Error).message}` });
      },
    );
  });
  const { port, stop } = await listenOnLoopback(server);
  return { url: `http://127.0.0.1:${port}`, stop };
}
