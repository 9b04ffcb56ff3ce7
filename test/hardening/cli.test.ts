// Issue 14, bad command lines: each, replayed through the CLI, exits 64 saying what is valid, with no stack trace
// and no run folder left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runCli, tempDir } from '../cli/helpers.ts';

const RUNS = join(ROOT, 'runs', '2025-06-22', 'web1-5');
const runFolders = () => (existsSync(RUNS) ? readdirSync(RUNS) : []);
const BASE = ['--phase=web1-5', '--window=2025-06-22'];

test('bad command lines exit 64 with the fix and leave no run folder', async () => {
  const dir = tempDir('hardening-cli');
  const file = join(dir, 'a-file.txt');
  writeFileSync(file, 'not a folder\n');
  const readOnly = join(dir, 'read-only');
  mkdirSync(readOnly);
  chmodSync(readOnly, 0o555);
  const cases: { args: string[]; says: RegExp; script?: string }[] = [
    { args: ['--env=__proto__'], says: /--env=__proto__: an environment is lab or a name from the config's environments/ },
    { args: ['--env=constructor'], says: /--env=constructor: no such environment; valid: lab, production/ },
    { args: ['--env=staging'], says: /--env=staging: no such environment; valid: lab, production/ },
    { args: ['--env=../../etc'], says: /--env=\.\.\/\.\.\/etc: an environment is lab or a name/ },
    { args: ['--fault=web-down:IC-Web99'], says: /fault web-down:IC-Web99: the lab has no server "IC-Web99"; valid: IC-Web1, / },
    { args: ['--fault=maintenance-stuck:ftp'], says: /fault maintenance-stuck:ftp: the lab has no host "ftp"; valid: www, / },
    { args: ['--fault=dns-servfail:ns1'], says: /fault dns-servfail:ns1: the lab has no nameserver "ns1"; valid: a\.nic\.test, / },
    { args: ['--fault=dns-resolver-stale:8.8.8.8'], says: /the lab has no resolver "8\.8\.8\.8"; valid: lab-resolver-1/ },
    { args: ['--fault=dns-dnskey-split:ns9'], says: /the lab has no nameserver "ns9"/ },
    { args: ['--fault=dns-record-drift:https://www.example/'], says: /"https:\/\/www\.example\/" is not a DNS name/ },
    { args: ['--fault=jobs-stopped:everything'], says: /the lab has no group "everything"; valid: integrations, engineering/ },
    { args: [`--out=${file}`], says: /--out=.*a-file\.txt: names a file, not a folder/ },
    { args: [`--out=${join(file, 'run')}`], says: /--out=.*a-file\.txt\/run: is under .*a-file\.txt, which is a file, not a folder/ },
    { args: ['--out=/dev/null'], says: /--out=\/dev\/null: names a device or special file, not a folder/ },
    {
      args: ['--out=/proc/harness-run'],
      says: /--out=\/proc\/harness-run: cannot create folders in \/proc \(ENOENT\): choose a writable place/,
    },
    { args: ['--out=/sys/harness-run'], says: /cannot create folders in \/sys \(EPERM\)/ },
    { args: [`--out=${join(dir, 'x'.repeat(5_000))}`], says: /the path is \d+ bytes long; at most 4,000/ },
    { args: [`--out=${join(dir, 'y'.repeat(300))}`], says: /a folder name is at most 255 bytes; "y+\.\.\." is 300/ },
    { args: ['--out='], says: /--out= is empty: name a folder/ },
    { args: ['--window=2025-02-30'], says: /--window=2025-02-30: not a day of the calendar/ },
    { args: ['--window=0000-01-01'], says: /--window=0000-01-01: a window date between 2000 and 2100/ },
    { args: ['--out=  '], says: /--out= is empty: name a folder/ },
  ];
  // A read-only folder stops only an unprivileged user (root writes anywhere): checked for real when not root.
  if (process.getuid?.() !== 0)
    cases.push({ args: [`--out=${join(readOnly, 'run')}`], says: /cannot create folders in .*read-only \(EACCES\)/ });
  // The lab command refuses the same fault arguments: one list of what the lab has.
  cases.push({
    script: 'lab.ts',
    args: ['--fault=dns-servfail:ns1', `--dir=${join(dir, 'lab')}`],
    says: /the lab has no nameserver "ns1"/,
  });
  const before = runFolders();
  const replay = async (c: (typeof cases)[number]) => {
    const r = await runCli(c.script ?? 'smoke.ts', [...(c.script ? [] : BASE), ...c.args]);
    const label = `${c.script ?? 'smoke.ts'} ${c.args.join(' ').slice(0, 100)}`;
    assert.equal(r.code, 64, `${label}: exit ${r.code}\n${r.stderr}`);
    assert.match(r.stderr, c.says, label);
    assert.doesNotMatch(r.stderr, /\n\s+at |harness error/, `${label}: a usage error, no crash`);
  };
  for (let i = 0; i < cases.length; i += 2) await Promise.all(cases.slice(i, i + 2).map(replay));
  assert.deepEqual(runFolders(), before, 'no run folder is created by a refused command line');
  assert.equal(existsSync(join(dir, 'lab')), false, 'the lab never started');
});

test('a failed --env run leaves no empty folder under runs/', async () => {
  const blank = join(tempDir('hardening-env'), 'blank.config.ts');
  writeFileSync(
    blank,
    `import base from ${JSON.stringify(join(ROOT, 'harness.config.ts'))};\nexport default { ...base, environments: { production: { domain: 'invoicecloud.com', addresses: {} } } };\n`,
  );
  const before = runFolders();
  try {
    const r = await runCli('smoke.ts', [...BASE, '--env=production', '--force', `--config=${blank}`], { HARNESS_LOCAL_CONFIG: '' });
    assert.equal(r.code, 78, r.stderr);
    assert.deepEqual(runFolders(), before, 'the refused run left a folder behind');
  } finally {
    for (const f of runFolders().filter((x) => !before.includes(x))) rmSync(join(RUNS, f), { recursive: true, force: true });
  }
});
