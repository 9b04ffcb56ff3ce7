// k6 dials 0.0.0.0 for a name in `hosts` (fixtures/hosts-dns-name): names are resolved before k6, refused when
// they do not resolve, and the script refuses a plan with one. Only loopback names and a stub resolver here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolvePins, unresolvedMessage } from '../../k6/adapter/pins.ts';
import type { Lookup } from '../../k6/adapter/pins.ts';
import { parseRunPlan } from '../../k6/contract.ts';
import type { K6RunPlan } from '../../k6/contract.ts';
import { readFixture } from './helpers.ts';

const plan = (addresses: (string | undefined)[]): K6RunPlan => ({
  script: 'smoke-load',
  identityHeader: 'x-served-by',
  thresholds: {},
  load: { vus: 1, duration: '1s', pauseMs: 0, requestTimeout: '2s' },
  targets: addresses.map((a, i) => ({
    key: `h${i}`,
    name: `h${i}.invoicecloud.test`,
    path: '/',
    marker: 'x',
    expectStatus: 200,
    ...(a ? { address: a } : {}),
  })),
});

const stub = (table: Record<string, string>): Lookup & { asked: string[] } => {
  const asked: string[] = [];
  const f = async (name: string) => {
    asked.push(name);
    const address = table[name];
    if (!address) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    return { address, family: address.includes(':') ? 6 : 4 };
  };
  return Object.assign(f, { asked });
};

test('the recording: real k6 passes with a name in hosts, so the harness must not hand it one', () => {
  const f = readFixture('hosts-dns-name');
  assert.equal(f.exitCode, 0);
  assert.equal(f.stderr.trim(), '', 'no error and no warning from k6');
});

test('names are looked up once each and replaced by their address; addresses and unpinned targets are left alone', async () => {
  const lookup = stub({ 'agw.internal.example': '127.0.0.7', 'v6.internal.example': '::1' });
  const r = await resolvePins(
    plan(['agw.internal.example:443', 'agw.internal.example:443', '127.0.0.1:8443', '[::1]:443', undefined, 'v6.internal.example:443']),
    lookup,
  );
  assert.ok(r.ok);
  assert.deepEqual(
    r.plan.targets.map((t) => t.address),
    ['127.0.0.7:443', '127.0.0.7:443', '127.0.0.1:8443', '[::1]:443', undefined, '[::1]:443'],
  );
  assert.deepEqual(lookup.asked.sort(), ['agw.internal.example', 'v6.internal.example']);
  for (const t of r.plan.targets) parseRunPlan(JSON.stringify({ ...r.plan, targets: [t], script: 'smoke-load' }), 'smoke-load');
});

test('localhost resolves through the system resolver to loopback', async () => {
  const r = await resolvePins(plan(['localhost:8443']));
  assert.ok(r.ok, JSON.stringify(r));
  assert.match(r.plan.targets[0]!.address!, /^(127\.\d+\.\d+\.\d+:8443|\[::1\]:8443)$/);
});

test('a name that does not resolve is refused with its lookup code, naming the name', async () => {
  const r = await resolvePins(plan(['gone.internal.example:443', '127.0.0.1:443']), stub({}));
  assert.equal(r.ok, false);
  assert.ok(!r.ok);
  assert.deepEqual(r.unresolved, [{ target: 'h0.invoicecloud.test', name: 'gone.internal.example', code: 'ENOTFOUND' }]);
  assert.match(
    unresolvedMessage(r.unresolved),
    /^the address k6 would pin h0\.invoicecloud\.test to does not resolve: gone\.internal\.example \(ENOTFOUND\)\. k6 never looks up a name in its hosts option/,
  );
});

test('the script refuses a plan whose pin is a name (k6 would dial 0.0.0.0 without a word)', () => {
  const p = { ...plan(['no-such-host.invalid:18081']), script: 'connection-sanity' as const };
  assert.throws(
    () => parseRunPlan(JSON.stringify(p), 'connection-sanity'),
    /address must be an IP address and port \(k6 does not resolve names in hosts\), got no-such-host\.invalid:18081/,
  );
  for (const ok of ['127.0.0.1:443', '[::1]:443', '[2001:db8::1]:8443'])
    parseRunPlan(JSON.stringify({ ...p, targets: [{ ...p.targets[0], address: ok }] }), 'connection-sanity');
});
