// The lab's servers answer dig correctly over UDP and TCP (what docs/dns.md walks through), and the CLI runs
// the dns-migration phase end to end against the healthy lab to a "go".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, readFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { startTestLab, type TestLab } from './helpers.ts';
import { inRanges, rangeList } from '../../dns/cidr.ts';

const run = promisify(execFile);
const hasDig = await run('dig', ['-v']).then(
  () => true,
  () => false,
);

let lab: TestLab;
before(async () => {
  lab = await startTestLab([], { provider: 'new' });
});
after(() => lab.lab.stop());

const dig = async (server: string, ...args: string[]) =>
  (await run('dig', ['@127.0.0.1', '-p', String(lab.lab.servers[server]?.port), '+time=2', '+tries=1', ...args])).stdout;

test('dig: the parent refers the zone to the new provider with glue', { skip: !hasDig && 'dig is not installed' }, async () => {
  const out = await dig('a.nic.test', 'invoicecloud.test', 'NS', '+norec');
  assert.match(out, /status: NOERROR/);
  assert.match(
    out,
    /;; AUTHORITY SECTION:\ninvoicecloud\.test\.\s+60\s+IN\s+NS\s+ada\.ns\.cloudflare\.test\.\ninvoicecloud\.test\.\s+60\s+IN\s+NS\s+bob\.ns\.cloudflare\.test\./,
  );
  assert.match(out, /ada\.ns\.cloudflare\.test\.\s+86400\s+IN\s+A\s+127\.0\.0\.1/);
});

test('dig: authoritative answers (aa) over UDP and TCP, NXDOMAIN with the SOA, TXT split strings', {
  skip: !hasDig && 'dig is not installed',
}, async () => {
  const udp = await dig('ada.ns.cloudflare.test', 'www.invoicecloud.test', 'A', '+norec');
  assert.match(udp, /flags: qr aa;/);
  assert.match(udp, /www\.invoicecloud\.test\.\s+300\s+IN\s+A\s+127\.0\.0\.1/);
  assert.match(udp, /\(UDP\)/);
  const tcp = await dig('ns45.domaincontrol.test', 'k1._domainkey.invoicecloud.test', 'TXT', '+norec', '+tcp');
  assert.match(tcp, /"k=rsa; p=MIGf[^"]*" "IDAQAB"/);
  assert.match(tcp, /\(TCP\)/);
  const nx = await dig('bob.ns.cloudflare.test', 'nope.invoicecloud.test', 'A', '+norec');
  assert.match(nx, /status: NXDOMAIN/);
  assert.match(nx, /invoicecloud\.test\.\s+300\s+IN\s+SOA\s+ada\.ns\.cloudflare\.test\. dns\.cloudflare\.test\./);
});

test('dig: resolvers recurse and cache (TTL counts down); dig +short gives the proxied edge address', {
  skip: !hasDig && 'dig is not installed',
}, async () => {
  const first = await dig('lab-resolver-1', 'portal.invoicecloud.test', 'A');
  assert.match(first, /flags: qr rd ra;/);
  assert.match(
    first,
    /portal\.invoicecloud\.test\.\s+300\s+IN\s+CNAME\s+www\.invoicecloud\.test\.\nwww\.invoicecloud\.test\.\s+300\s+IN\s+A\s+127\.0\.0\.1/,
  );
  await new Promise((r) => setTimeout(r, 1100));
  const cached = await dig('lab-resolver-1', 'portal.invoicecloud.test', 'A');
  const ttl = Number(/portal\.invoicecloud\.test\.\s+(\d+)\s+IN\s+CNAME/.exec(cached)?.[1]);
  assert.ok(ttl >= 295 && ttl <= 299, `cached TTL ${ttl}`);
  // The lab's static record, one address inside 127.64.0.0/16, read as a parsed address (not a string prefix).
  const [address, ...more] = (await dig('lab-resolver-2', 'static.invoicecloud.test', 'A', '+short')).trim().split('\n');
  assert.deepEqual(more, [], 'one A record');
  assert.ok(inRanges(rangeList(['127.64.0.0/16']), address!), `static.invoicecloud.test is ${address}, inside 127.64.0.0/16`);
  assert.match(await dig('lab-resolver-2', 'invoicecloud.test', 'DS', '+short'), /^\d+ 15 2 [0-9A-F ]+\n$/);
});

test('dig: DoH to the lab resolver (dig +http-plain speaks HTTP/2 cleartext)', { skip: !hasDig && 'dig is not installed' }, async () => {
  const url = new URL(String(lab.lab.manifest.digDohUrl));
  const out = (await run('dig', ['@127.0.0.1', '-p', url.port, '+http-plain', '+time=2', '+tries=1', 'portal.invoicecloud.test', 'A']))
    .stdout;
  assert.match(out, /status: NOERROR/);
  assert.match(out, /www\.invoicecloud\.test\.\s+300\s+IN\s+A\s+127\.0\.0\.1/);
  assert.match(out, /\(HTTP\)/);
});

test('dig: with dns-truncate, UDP answers are truncated and dig retries over TCP', {
  skip: !hasDig && 'dig is not installed',
}, async () => {
  lab.faults.add({ name: 'dns-truncate' });
  try {
    const out = await dig('ada.ns.cloudflare.test', 'www.invoicecloud.test', 'A', '+norec');
    assert.match(out, /Truncated, retrying in TCP mode/);
    assert.match(out, /www\.invoicecloud\.test\.\s+300\s+IN\s+A\s+127\.0\.0\.1/);
  } finally {
    lab.faults.remove({ name: 'dns-truncate' });
  }
});

test('CLI: npm run smoke -- --phase=dns-migration --only=dns on the healthy lab → go (exit 0)', {
  skip: !existsSync('scripts/smoke.ts') && 'scripts/smoke.ts is not there yet',
  timeout: 120_000,
}, async () => {
  const out = mkdtempSync(join('.tmp', 'dns-smoke-'));
  const { stdout } = await run('npx', ['tsx', 'scripts/smoke.ts', '--phase=dns-migration', '--only=dns', `--out=${out}`], {
    timeout: 110_000,
  });
  assert.match(stdout, /verdict: GO \(exit 0\)/);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as {
    verdict: string;
    checks: { id: string; kind: string; status: string }[];
  };
  assert.equal(summary.verdict, 'go');
  const dns = summary.checks.filter((c) => c.kind === 'dns');
  assert.ok(dns.length >= 20);
  assert.ok(dns.every((c) => c.status === 'passed'));
  assert.ok(
    dns.some((c) => c.id === 'dns:delegation') &&
      dns.some((c) => c.id === 'dns:dnssec') &&
      dns.some((c) => c.id === 'dns:resolver:lab-doh'),
  );
});

test('CLI: the same with --fault=dns-truncate still → go: every answer came over TCP', {
  skip: !existsSync('scripts/smoke.ts') && 'scripts/smoke.ts is not there yet',
  timeout: 120_000,
}, async () => {
  const out = mkdtempSync(join('.tmp', 'dns-smoke-'));
  const { stdout } = await run(
    'npx',
    ['tsx', 'scripts/smoke.ts', '--phase=dns-migration', '--only=dns', '--fault=dns-truncate', `--out=${out}`],
    { timeout: 110_000 },
  );
  assert.match(stdout, /verdict: GO \(exit 0\)/);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as {
    checks: { id: string; details?: { new?: Record<string, { transport?: string; truncatedOverUdp?: boolean }> } }[];
  };
  const www = summary.checks.find((c) => c.id === 'dns:parity:www.invoicecloud.test:A');
  assert.ok(
    www?.details?.new && Object.values(www.details.new).every((s) => s.transport === 'tcp' && s.truncatedOverUdp === true),
    JSON.stringify(www?.details),
  );
});

test('CLI: the same with --fault=dns-ds-stale → no-go (exit 1), the DNSSEC check named', {
  skip: !existsSync('scripts/smoke.ts') && 'scripts/smoke.ts is not there yet',
  timeout: 120_000,
}, async () => {
  const out = mkdtempSync(join('.tmp', 'dns-smoke-'));
  const res = await run('npx', ['tsx', 'scripts/smoke.ts', '--phase=dns-migration', '--only=dns', '--fault=dns-ds-stale', `--out=${out}`], {
    timeout: 110_000,
  }).then(
    () => ({ code: 0, stdout: '' }),
    (e: { code: number; stdout: string }) => e,
  );
  assert.equal(res.code, 1);
  assert.match(res.stdout, /dns:dnssec failed: the parent \(test\) publishes DS/);
});
