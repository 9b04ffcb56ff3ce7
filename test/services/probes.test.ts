// The service kind's protocol probes against the lab's own listeners on 127.0.0.1: SSH/SFTP (ssh2) with a pinned
// host key, SMTP greeting and EHLO, HTTPS health verified for the server's name; each failure with its code.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { ServerGroupConfig } from '../../core/config/estate.ts';
import type { ServiceEndpoint } from '../../estate/model.ts';
import { LAB_SFTP_ACCOUNT } from '../../lab/apis/credentials.ts';
import { ActiveFaults } from '../../lab/faults.ts';
import { smtpSession } from '../../lab/services/smtp.ts';
import { startServices, type ServicesLab } from '../../lab/services/index.ts';
import { createPki } from '../../lab/tls/pki.ts';
import { healthProbe } from '../../services/http-probe.ts';
import { smtpProbe } from '../../services/smtp-probe.ts';
import { sshLoginProbe } from '../../services/ssh-probe.ts';
import { createTrust, type Trust } from '../../sanity/trust.ts';

const DOMAIN = 'invoicecloud.test';
const GROUPS: ServerGroupConfig[] = [
  { key: 'sftp', title: 'SFTP servers', port: 22, banner: '^SSH-2\\.0-', servers: [{ name: 'SFTP1' }] },
  { key: 'app', title: 'App servers', port: 443, servers: [{ name: 'IC-App1' }] },
];
const faults = new ActiveFaults();
let lab: ServicesLab;
let trust: Trust;
let dir: string;
const servers: Server[] = [];

before(async () => {
  dir = mkdtempSync(join(process.cwd(), '.tmp', 'services-'));
  const pki = await createPki(dir, [`ic-app1.${DOMAIN}`]);
  trust = createTrust(pki.caPem);
  lab = await startServices(GROUPS, { faults, pki, domain: DOMAIN });
});
after(async () => {
  await lab.stop();
  for (const s of servers) s.close();
  rmSync(dir, { recursive: true, force: true });
});

const endpoint = (name: string): ServiceEndpoint & { hostKey?: string } => {
  const e = lab.endpoints.find((x) => x.name === name)!;
  return { name, address: e.address, port: e.port, group: e.group, title: e.group, ...(e.hostKey ? { hostKey: e.hostKey } : {}) };
};

async function tcp(onSocket: (s: import('node:net').Socket) => void): Promise<ServiceEndpoint> {
  const s = createServer(onSocket);
  servers.push(s);
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  return { name: 'IC-MAIL1', address: '127.0.0.1', port: (s.address() as AddressInfo).port, group: 'mail', title: 'Mail relay' };
}

test('SFTP: login with the pinned host key and a listing pass; each way it breaks has its code', async () => {
  const sftp = endpoint('SFTP1');
  const ok: { user: string; password: string; hostKey: string; list: string; timeoutMs: number } = {
    user: LAB_SFTP_ACCOUNT.user,
    password: LAB_SFTP_ACCOUNT.password,
    hostKey: sftp.hostKey!,
    list: '/',
    timeoutMs: 5_000,
  };
  const cases: { name: string; opts?: Partial<typeof ok>; fault?: string; status: string; code?: string; says: RegExp }[] = [
    { name: 'healthy', status: 'passed', says: /SFTP1: logged in as harness-check and listed \/ \(2 entries\)/ },
    {
      name: 'another host key',
      opts: { hostKey: `SHA256:${'A'.repeat(43)}` },
      status: 'failed',
      code: 'SSH_HOST_KEY_MISMATCH',
      says: /presented host key SHA256:\S+, not the pinned SHA256:AAAA/,
    },
    {
      name: 'wrong password',
      opts: { password: 'nope' },
      status: 'failed',
      code: 'SSH_AUTH_FAILED',
      says: /refused the login of harness-check/,
    },
    {
      name: 'login refused by the server',
      fault: 'sftp-login-broken',
      status: 'failed',
      code: 'SSH_AUTH_FAILED',
      says: /refused the login/,
    },
    {
      name: 'no such directory',
      opts: { list: '/nope' },
      status: 'failed',
      code: 'SFTP_LIST_FAILED',
      says: /could not list \/nope: no such directory/,
    },
    {
      name: 'listing refused',
      fault: 'sftp-list-broken',
      status: 'failed',
      code: 'SFTP_LIST_FAILED',
      says: /could not list \/: permission denied/,
    },
  ];
  for (const c of cases) {
    if (c.fault) faults.add({ name: c.fault, arg: 'SFTP1' });
    try {
      const r = await sshLoginProbe(sftp, { ...ok, ...c.opts }, AbortSignal.timeout(8_000));
      assert.equal(r.status, c.status, `${c.name}: ${r.message}`);
      if (c.code) assert.equal(r.failure?.code, c.code, c.name);
      assert.match(r.message ?? '', c.says, c.name);
      assert.ok(!JSON.stringify(r).includes(LAB_SFTP_ACCOUNT.password), 'the password never reaches a result');
    } finally {
      if (c.fault) faults.remove({ name: c.fault, arg: 'SFTP1' });
    }
  }
});

test('service-down takes the SFTP listener down and back on the same port', async () => {
  const sftp = endpoint('SFTP1');
  const opts = { user: LAB_SFTP_ACCOUNT.user, password: LAB_SFTP_ACCOUNT.password, hostKey: sftp.hostKey!, list: '/', timeoutMs: 3_000 };
  faults.add({ name: 'service-down', arg: 'SFTP1' });
  await new Promise((r) => setTimeout(r, 300));
  const down = await sshLoginProbe(sftp, opts, AbortSignal.timeout(5_000));
  assert.equal(down.failure?.code, 'TCP_CONNECT_REFUSED', down.message);
  faults.remove({ name: 'service-down', arg: 'SFTP1' });
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(endpoint('SFTP1').port, sftp.port);
  assert.equal((await sshLoginProbe(sftp, opts, AbortSignal.timeout(5_000))).status, 'passed');
});

test('SMTP: the greeting and EHLO; a 421, a rejected EHLO and silence each named', async () => {
  const lines = (greet: string, ehlo: string) => (s: import('node:net').Socket) => {
    s.write(greet);
    s.on('data', () => s.write(ehlo));
  };
  const cases: { name: string; server: () => Promise<ServiceEndpoint>; status: string; code?: string; says: RegExp }[] = [
    {
      name: 'lab relay',
      server: () => tcp((s) => smtpSession('IC-MAIL1', faults, s)),
      status: 'passed',
      says: /greeted "220 ic-mail1\.lab ESMTP lab ready" and answered EHLO/,
    },
    {
      name: 'multi-line greeting',
      server: () => tcp(lines('220-relay.example first\r\n220 relay.example ready\r\n', '250-relay.example\r\n250 SIZE 1\r\n')),
      status: 'passed',
      says: /greeted "220-relay\.example first \| 220 relay\.example ready"/,
    },
    {
      name: 'unhealthy',
      server: async () => {
        faults.add({ name: 'service-unhealthy', arg: 'IC-MAIL1' });
        return tcp((s) => smtpSession('IC-MAIL1', faults, s));
      },
      status: 'failed',
      code: 'SMTP_GREETING',
      says: /greeted with "421 4\.3\.2 .*", not 220/,
    },
    {
      name: 'EHLO refused',
      server: () => tcp(lines('220 ok\r\n', '550 go away\r\n')),
      status: 'failed',
      code: 'SMTP_EHLO_REJECTED',
      says: /answered EHLO with "550 go away", not 250/,
    },
    {
      name: 'silent',
      server: () => tcp(() => undefined),
      status: 'failed',
      code: 'TIMEOUT',
      says: /did not send the greeting within 300 ms/,
    },
  ];
  for (const c of cases) {
    const svc = await c.server();
    const r = await smtpProbe(svc, { ehlo: 'harness.invalid', timeoutMs: 300 }, AbortSignal.timeout(5_000));
    faults.clear();
    assert.equal(r.status, c.status, `${c.name}: ${r.message}`);
    if (c.code) assert.equal(r.failure?.code, c.code, c.name);
    assert.match(r.message ?? '', c.says, c.name);
  }
});

test('HTTPS health: verified for the server name; unhealthy, wrong name and down each named', async () => {
  const app = endpoint('IC-App1');
  const opts = { scheme: 'https' as const, path: '/health', status: [200], tlsName: `ic-app1.${DOMAIN}`, trust, timeoutMs: 3_000 };
  const cases: { name: string; opts?: Partial<typeof opts>; fault?: string; status: string; code?: string; says: RegExp }[] = [
    { name: 'healthy', status: 'passed', says: /IC-App1 is healthy \(200 at \/health\)/ },
    {
      name: 'unhealthy',
      fault: 'service-unhealthy',
      status: 'failed',
      code: 'HEALTH_STATUS',
      says: /answered 503 at \/health, expected 200: unhealthy/,
    },
    {
      name: 'certificate for another name',
      opts: { tlsName: `ic-app9.${DOMAIN}` },
      status: 'failed',
      code: 'TLS_CERT_NAME_MISMATCH',
      says: /does not cover ic-app9/,
    },
    {
      name: 'untrusted CA',
      opts: { trust: createTrust() },
      status: 'failed',
      code: 'TLS_CERT_UNTRUSTED',
      says: /not signed by a trusted CA/,
    },
    { name: 'down', fault: 'service-down', status: 'failed', code: 'TCP_CONNECT_REFUSED', says: /refused the connection/ },
  ];
  for (const c of cases) {
    if (c.fault) faults.add({ name: c.fault, arg: 'IC-App1' });
    await new Promise((r) => setTimeout(r, c.fault ? 300 : 0));
    try {
      const r = await healthProbe(app, { ...opts, ...c.opts }, AbortSignal.timeout(5_000));
      assert.equal(r.status, c.status, `${c.name}: ${r.message}`);
      if (c.code) assert.equal(r.failure?.code, c.code, c.name);
      assert.match(r.message ?? '', c.says, c.name);
    } finally {
      faults.clear();
      await new Promise((r) => setTimeout(r, c.fault ? 300 : 0));
    }
  }
});
