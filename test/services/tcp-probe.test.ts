// TCP reachability and banners of non-web servers against local listeners.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { tcpProbe } from '../../services/tcp-probe.ts';
import { closedPort, tcpServer, type Running } from '../sanity/fixtures.ts';

const running: Running[] = [];
after(() => Promise.all(running.map((r) => r.close())));

async function listener(onSocket: (s: Socket) => void): Promise<number> {
  const s = await tcpServer(onSocket);
  running.push(s);
  return s.port;
}

const ssh = (s: Socket) => s.write('SSH-2.0-OpenSSH_9.2p1 lab\r\n');
const cases: {
  name: string;
  port: () => Promise<number>;
  banner?: string;
  timeoutMs?: number;
  status: string;
  layer?: string;
  code?: string;
  message: RegExp;
}[] = [
  {
    name: 'connect only',
    port: () => listener(() => undefined),
    status: 'passed',
    message: /^SFTP1 \(127\.0\.0\.1:\d+\) accepts connections$/,
  },
  {
    name: 'banner matches',
    port: () => listener(ssh),
    banner: '^SSH-2\\.0-',
    status: 'passed',
    message: /^SFTP1 answered with "SSH-2\.0-OpenSSH_9\.2p1 lab"$/,
  },
  {
    name: 'banner in two packets',
    port: () => listener((s) => (s.write('SSH-2.0-'), setTimeout(() => s.write('x\r\n'), 30))),
    banner: '^SSH-2\\.0-x$',
    status: 'passed',
    message: /answered with "SSH-2\.0-x"/,
  },
  {
    name: 'wrong banner',
    port: () => listener((s) => s.write('220 ftp ready\r\n')),
    banner: '^SSH-2\\.0-',
    status: 'failed',
    layer: 'assertion',
    code: 'BANNER_MISMATCH',
    message: /^SFTP1 \(127\.0\.0\.1:\d+\) greeted with "220 ftp ready", which does not match \/\^SSH-2\\\.0-\/$/,
  },
  {
    name: 'silent when a banner is expected',
    port: () => listener(() => undefined),
    banner: '^SSH-2\\.0-',
    timeoutMs: 300,
    status: 'failed',
    layer: 'assertion',
    code: 'TIMEOUT',
    message: /^SFTP1 \(127\.0\.0\.1:\d+\) accepted the connection but sent no banner within 300 ms$/,
  },
  {
    name: 'refused',
    port: closedPort,
    status: 'failed',
    layer: 'tcp',
    code: 'TCP_CONNECT_REFUSED',
    message: /^SFTP1 \(127\.0\.0\.1:\d+\) refused the connection$/,
  },
  {
    name: 'closes without a word',
    port: () => listener((s) => s.end()),
    banner: '^SSH',
    status: 'failed',
    code: 'BANNER_MISMATCH',
    message: /greeted with ""/,
  },
];

for (const c of cases) {
  test(`tcp probe: ${c.name}`, async () => {
    const port = await c.port();
    const service = {
      name: 'SFTP1',
      address: '127.0.0.1',
      port,
      group: 'sftp',
      title: 'SFTP servers',
      ...(c.banner ? { banner: c.banner } : {}),
    };
    const timeoutMs = c.timeoutMs ?? 3_000;
    const r = await tcpProbe(service, { timeoutMs }, AbortSignal.timeout(timeoutMs));
    assert.equal(r.status, c.status, JSON.stringify(r));
    assert.match(r.message ?? '', c.message);
    if (c.layer) assert.equal(r.failure?.layer, c.layer);
    if (c.code) assert.equal(r.failure?.code, c.code);
  });
}
