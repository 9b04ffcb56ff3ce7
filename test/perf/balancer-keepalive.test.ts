// The lab balancer keeps its connections to pool members as a real gateway does: a member that sees one request
// per round-robin cycle (1,000 members at scale) is not re-handshaken on every request.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { hostContexts, type LabHost } from '../../lab/web/hosts.ts';
import { Balancer } from '../../lab/web/balancer.ts';
import { HOSTS, testPki } from '../sanity/fixtures.ts';

const HOST: LabHost = { key: 'www', fqdn: HOSTS[0], marker: 'InvoiceCloud', maintenancePage: false };

interface Member {
  name: string;
  server: Server;
  port: number;
  /** TLS handshakes this member completed. */
  handshakes: number;
}

const members: Member[] = [];
let balancer: Balancer;
let client: Agent;

/** An IIS-like member: it keeps idle connections open (IIS: 120 s) and sends no Keep-Alive hint. */
async function member(name: string): Promise<Member> {
  const { pki } = await testPki();
  const server = createServer({ ...pki.hosts.get(HOST.fqdn)! }, (_req, res) => {
    res.writeHead(200, { 'x-served-by': name, 'content-type': 'text/plain' });
    res.end(`${name}\n`);
  });
  server.keepAliveTimeout = 0;
  const m: Member = { name, server, port: 0, handshakes: 0 };
  server.on('secureConnection', () => (m.handshakes += 1));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  m.port = (server.address() as { port: number }).port;
  return m;
}

before(async () => {
  const { pki } = await testPki();
  for (const name of ['IC-Web1', 'IC-Web2', 'IC-Web3']) members.push(await member(name));
  balancer = new Balancer({
    name: 'test-gateway',
    hosts: [HOST],
    contexts: hostContexts(pki, [HOST]),
    caPem: pki.caPem,
    members: members.map((m) => ({ name: m.name, port: () => m.port })),
    inPool: () => true,
    pageUp: () => false,
    page: { status: 503, marker: 'maintenance', retryAfterSeconds: 60 },
    healthIntervalMs: 600_000,
    healthTimeoutMs: 5_000,
    backendTimeoutMs: 10_000,
  });
  await balancer.start();
  client = new Agent({ connect: { ca: pki.caPem, servername: HOST.fqdn } });
});

after(async () => {
  await client.close();
  await balancer.stop();
  for (const m of members) {
    m.server.closeAllConnections();
    await new Promise<void>((r) => m.server.close(() => r()));
  }
});

async function through(): Promise<string> {
  const res = await request(`https://127.0.0.1:${balancer.port}/`, { dispatcher: client, headers: { host: HOST.fqdn } });
  await res.body.text();
  assert.equal(res.statusCode, 200);
  return String(res.headers['x-served-by']);
}

test('a member that waits longer than the old 2 s idle limit for its next request is not handshaken again', async () => {
  const seen = new Set<string>();
  for (let i = 0; i < members.length; i++) seen.add(await through());
  // A round-robin cycle slower than 2 s: 1,000 members behind a busy single-threaded lab.
  await sleep(2_600);
  for (let i = 0; i < members.length * 2; i++) seen.add(await through());
  assert.equal(seen.size, members.length, 'every member answered');
  // The health probe at start and the traffic share the host's agent: one connection per member in all.
  assert.ok(
    members.every((m) => m.handshakes === 1),
    `one TLS connection per member: ${members.map((m) => `${m.name} ${m.handshakes}`).join(', ')}`,
  );
});
