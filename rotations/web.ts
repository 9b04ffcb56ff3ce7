// Shared by the machineKey and JWT checks: one HTTPS request straight to a web server with a host's name as Host
// and TLS name (the sanity exchange), and reading a cookie or a redirect from the answer.
import type { Endpoint, ResolvedHost } from '../estate/model.ts';
import { exchange, header, type ExchangeOutcome } from '../sanity/exchange.ts';
import type { Trust } from '../sanity/trust.ts';

export interface Call {
  method?: 'GET' | 'POST';
  path: string;
  body?: string;
  headers?: Record<string, string>;
}

export function askServer(
  server: Endpoint,
  host: Pick<ResolvedHost, 'name'>,
  call: Call,
  trust: Trust,
  timeoutMs: number,
  signal: AbortSignal,
) {
  return exchange(
    { label: server.name, address: server.address, port: server.port, hostname: host.name, timeoutMs, maxBodyBytes: 64 * 1024, ...call },
    trust,
    signal,
  );
}

export function cookieIn(out: ExchangeOutcome & { ok: true }, name: string): string | undefined {
  const raw = out.response.headers['set-cookie'];
  for (const line of Array.isArray(raw) ? raw : raw ? [raw] : []) {
    const [pair = ''] = line.split(';');
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return undefined;
}

export function locationOf(out: ExchangeOutcome & { ok: true }): string | undefined {
  return header(out.response, 'location');
}

/** "IC-Web1..5" for a run of numbered names, else the names joined. */
export function nameRun(names: readonly string[]): string {
  const nums = names.map((n) => /^(.*?)(\d+)$/.exec(n));
  const prefix = nums[0]?.[1];
  if (names.length > 2 && nums.every((m) => m && m[1] === prefix)) {
    const ns = nums.map((m) => Number(m![2]));
    if (ns.every((n, i) => i === 0 || n === ns[i - 1]! + 1)) return `${prefix}${ns[0]}..${ns.at(-1)}`;
  }
  return names.join(', ');
}
