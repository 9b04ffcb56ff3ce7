// Real DNS servers from Debian (unbound, knotd, named) started by interop tests on 127.0.0.1 high ports with a temp
// config dir; the test skips with the reason when the binary is absent, and the process is always killed.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dnsQuery, DEFAULT_QUERY_OPTIONS } from '../../dns/query.ts';

export const binary = (name: string): string | undefined =>
  ['/usr/sbin', '/usr/bin', '/usr/local/sbin'].map((d) => join(d, name)).find((p) => existsSync(p));

/** A port free for both UDP and TCP on 127.0.0.1 right now (the server binds it a moment later). */
export async function freePort(): Promise<number> {
  for (;;) {
    const udp = createSocket('udp4');
    const port = await new Promise<number>((r) => udp.bind(0, '127.0.0.1', () => r(udp.address().port)));
    const tcpFree = await new Promise<boolean>((r) => {
      const s = createServer();
      s.once('error', () => r(false));
      s.listen(port, '127.0.0.1', () => s.close(() => r(true)));
    });
    await new Promise<void>((r) => udp.close(() => r()));
    if (tcpFree) return port;
  }
}

export interface RealServer {
  port: number;
  dir: string;
  log: () => string;
  stop(): Promise<void>;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `dns-interop-${prefix}-`));
}

/** Starts `bin args`, waits until `ready` answers (a DNS question to the port), kills it on failure. */
export async function startReal(
  bin: string,
  args: string[],
  dir: string,
  port: number,
  ready: { name: string; type: string; rd?: boolean; anyRcode?: boolean },
  timeoutMs = 6_000,
): Promise<RealServer> {
  const child: ChildProcess = spawn(bin, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  let exited = false;
  child.on('exit', () => (exited = true));
  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      const killed = await Promise.race([
        new Promise<boolean>((r) => child.once('exit', () => r(true))),
        new Promise<boolean>((r) => setTimeout(() => r(false), 1_500)),
      ]);
      if (!killed && !exited) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !exited) {
    const o = await dnsQuery(
      { name: 'ready', protocol: 'udp', address: '127.0.0.1', port },
      ready,
      { ...DEFAULT_QUERY_OPTIONS, recursionDesired: ready.rd ?? false, udpTryTimeoutMs: 200, udpTries: 1 },
      AbortSignal.timeout(400),
    );
    if (o.ok && (ready.anyRcode || (o.message.rcode !== 'REFUSED' && o.message.rcode !== 'SERVFAIL')))
      return { port, dir, log: () => out, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(
    `${bin} did not answer ${ready.name} ${ready.type} on 127.0.0.1:${port} within ${timeoutMs} ms${exited ? ' (it exited)' : ''}: ${out.slice(-800)}`,
  );
}
