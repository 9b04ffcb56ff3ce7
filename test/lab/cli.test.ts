// npm run lab: --help lists the faults, bad usage exits 64, the lab runs in the foreground and Ctrl-C stops it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FAULTS } from '../../lab/faults.ts';
import { tcpConnect } from './helpers.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');

function lab(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'lab.ts'), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null }>((r) => child.on('close', (code) => r({ code })));
  return { child, done, out: () => stdout, err: () => stderr };
}

test('--help lists every fault and the control routes', async () => {
  const r = lab(['--help']);
  assert.equal((await r.done).code, 0);
  for (const f of FAULTS) assert.ok(r.out().includes(f.name), f.name);
  assert.match(r.out(), /web-down:SERVER\s+the server refuses connections/);
  assert.match(r.out(), /POST\s+\/pools\/\{gateway\|ilb\}\/pull/);
});

test('bad usage exits 64 with the reason', async () => {
  const cases: [string[], RegExp][] = [
    [['--fault=web-melted:IC-Web1'], /unknown fault "web-melted"\. Known faults:\n\s+web-down:SERVER/],
    [['--fault=web-down'], /fault web-down needs an argument: web-down:SERVER/],
    [['--phase=lunch'], /unknown phase "lunch" in window 2025-06-22\. Valid phases:\n\s+pre-maintenance/],
    [['--fault=web-down:IC-Web77'], /fault web-down:IC-Web77: unknown web server "IC-Web77"/],
    [['--colour'], /Unknown option '--colour'/],
  ];
  await Promise.all(
    cases.map(async ([args, message]) => {
      const r = lab(args);
      assert.equal((await r.done).code, 64, `${args.join(' ')}: ${r.err()}`);
      assert.match(r.err(), message);
    }),
  );
});

test('runs in the foreground, prints and writes the manifest, and stops cleanly on Ctrl-C', async () => {
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, '.tmp', 'lab-cli-'));
  const r = lab([`--dir=${dir}`, '--phase=maintenance-start', '--fault=web-down:IC-Web3']);
  const deadline = Date.now() + 15_000;
  while (!r.out().includes('Ctrl-C to stop.') && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
  assert.match(r.out(), /Ctrl-C to stop\./, r.err());
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  assert.match(r.out(), new RegExp(`trust CA: ${manifest.caFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  assert.match(r.out(), new RegExp(`control API: ${manifest.control.url}`));
  assert.match(r.out(), new RegExp(`IC-Web10\\s+https://127\\.0\\.0\\.1:${manifest.webServers[9].port}`));
  assert.match(r.out(), /SFTP1\s+tcp 127\.0\.0\.1:\d+ \(sftp\)/);
  assert.match(r.out(), /faults: web-down:IC-Web3; phase state: maintenance-start/);
  assert.equal(await tcpConnect(manifest.gateway.port), undefined);
  r.child.kill('SIGINT');
  assert.equal((await r.done).code, 0, r.err());
  assert.equal(await tcpConnect(manifest.gateway.port), 'ECONNREFUSED');
  rmSync(dir, { recursive: true, force: true });
});
