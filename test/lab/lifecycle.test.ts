// startLab is fast, writes its manifest and CA where asked, and stop() leaves no handle behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { juneStep } from '../support/window.ts';
import { fastLab, LabClient, tcpConnect } from './helpers.ts';

import { eventually } from './helpers.ts';

// Resources that keep the process alive: listeners, sockets, timers.
const KINDS = new Set(['TCPServerWrap', 'TCPSocketWrap', 'TCPWrap', 'TLSWrap', 'Timeout', 'UDPWrap', 'ProcessWrap']);
const handles = () =>
  process
    .getActiveResourcesInfo()
    .filter((r) => KINDS.has(r))
    .sort();
const sameAs = (before: string[]) => eventually(() => JSON.stringify(handles()) === JSON.stringify(before), 200);

test('starts fast and stops leaving no servers, sockets or timers', async () => {
  const before = handles();
  const t0 = Date.now();
  const lab = await fastLab({ faults: [{ name: 'web-slow', arg: 'IC-Web2' }], slowMs: 60_000 });
  const startMs = Date.now() - t0;
  const client = new LabClient(lab);
  try {
    // The target is < 1.5 s on an idle machine; the bound leaves room for a loaded CI box.
    assert.ok(startMs < 5_000, `started in ${startMs} ms`);
    await client.get(lab.manifest.gateway.port, 'www.invoicecloud.test');
    // A request still held by web-slow when the lab stops must not keep anything open.
    const held = client
      .get(lab.manifest.webServers[1]!.port, 'www.invoicecloud.test')
      .catch((e: NodeJS.ErrnoException) => e.code ?? e.name);
    await eventually(() => lab.control.status().webServers[1]!.delayed >= 1);
    const ports = [lab.manifest.gateway.port, lab.manifest.control.url.split(':').pop(), ...lab.manifest.webServers.map((w) => w.port)].map(
      Number,
    );
    const dir = lab.dir;
    assert.ok(existsSync(join(dir, 'ca.pem')));
    await lab.stop();
    assert.ok(typeof (await held) === 'string', 'the held request failed rather than hanging');
    await client.close();
    for (const p of ports) assert.equal(await tcpConnect(p), 'ECONNREFUSED', `port ${p} closed`);
    assert.ok(!existsSync(dir), 'its own folder under .lab is removed');
    assert.ok(await sameAs(before), `left open: ${handles().join(', ')} (before: ${before.join(', ')})`);
    await lab.stop(); // idempotent
  } finally {
    await client.close();
    await lab.stop();
  }
});

test('with dir given, ca.pem and manifest.json go there and stay; state is applied at start', async () => {
  mkdirSync(join(process.cwd(), '.tmp'), { recursive: true });
  const dir = mkdtempSync(join(process.cwd(), '.tmp', 'lab-dir-'));
  const lab = await fastLab({ dir, state: juneStep('dns-migration').after });
  try {
    assert.equal(lab.manifest.caFile, join(dir, 'ca.pem'));
    assert.ok(!existsSync(join(dir, 'pki')), 'no private key is left on disk');
    const written = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    assert.equal(written.control.url, lab.manifest.control.url);
    const s = lab.control.status();
    assert.equal(s.dnsProvider, 'new');
    assert.deepEqual(s.pages, { www: true, www2: false, my: true, sso: true });
  } finally {
    await lab.stop();
  }
  assert.ok(existsSync(join(dir, 'manifest.json')), 'a given folder is kept');
  rmSync(dir, { recursive: true, force: true });
});

test('an unknown fault at start is an error naming it, and nothing is left running', async () => {
  const before = handles();
  await assert.rejects(
    fastLab({ faults: [{ name: 'pool-missing', arg: 'IC-Web42' }] }),
    /fault pool-missing:IC-Web42: unknown web server "IC-Web42"/,
  );
  assert.ok(await sameAs(before), `left open: ${handles().join(', ')} (before: ${before.join(', ')})`);
});
