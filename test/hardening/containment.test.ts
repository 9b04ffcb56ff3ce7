// Issue 14, containment: a full lab post-window run inside a network namespace with only loopback, every socket
// recorded (strace); any socket towards an address off the machine fails the test. Skipped, with the reason, where
// the machine cannot do it (not root, no unshare -n, no strace).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isLoopback } from '../../dns/cidr.ts';
import { ROOT, tempDir } from '../cli/helpers.ts';

/** Why this machine cannot run the test, or undefined when it can. */
function cannot(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root for a network namespace (unshare -n)';
  for (const [tool, args] of [
    ['unshare', ['-n', 'true']],
    ['strace', ['-V']],
    ['ip', ['-V']],
  ] as const) {
    const r = spawnSync(tool, args, { stdio: 'ignore' });
    if (r.error || r.status !== 0) return `${tool} ${args.join(' ')} is not available here (${r.error?.message ?? `exit ${r.status}`})`;
  }
  return undefined;
}

export interface Socket {
  pid: number;
  exe: string | undefined;
  call: string;
  address: string;
  port: number;
  line: string;
}

const INET = /sa_family=AF_INET, sin_port=htons\((\d+)\), sin_addr=inet_addr\("([^"]+)"\)/;
const INET6 = /sa_family=AF_INET6, sin6_port=htons\((\d+)\),.*?inet_pton\(AF_INET6, "([^"]+)"/;

/**
 * Every connect/send with an IP destination in an `strace -f -Y` log, with the program (execve) of its process. The
 * programs are resolved after the whole log is read: with -f a child's execve may be logged before its parent's clone
 * returns, so who ran whom is known only at the end.
 */
export function socketsIn(log: string): Socket[] {
  const exec = new Map<number, string>();
  const parent = new Map<number, number>();
  const found: Omit<Socket, 'exe'>[] = [];
  for (const line of log.split('\n')) {
    const pid = Number(/^(\d+)</.exec(line)?.[1]);
    if (!pid) continue;
    const program = /> execve\("([^"]+)"/.exec(line)?.[1];
    if (program) exec.set(pid, program);
    const child = /> (?:<\.\.\. )?(?:clone3?|v?fork)\b.*= (\d+)(?:<[^>]*>)?$/.exec(line);
    if (child?.[1]) parent.set(Number(child[1]), pid);
    const call = /> (connect|sendto|sendmsg|sendmmsg)\(/.exec(line)?.[1];
    const dest = INET.exec(line) ?? INET6.exec(line);
    if (call && dest) found.push({ pid, call, address: dest[2]!, port: Number(dest[1]), line });
  }
  // Chromium starts its zygote and helpers as /proc/self/exe: the program of the process that ran it.
  const exeOf = (pid: number, depth = 0): string | undefined => {
    const own = exec.get(pid);
    if (own && own !== '/proc/self/exe') return own;
    const up = parent.get(pid);
    return up !== undefined && depth < 64 ? (exeOf(up, depth + 1) ?? own) : own;
  };
  return found.map((f) => ({ ...f, exe: exeOf(f.pid) }));
}

/** On this machine: 127.0.0.0/8, ::1, or an IPv4-mapped loopback (::ffff:127.x.y.z). */
const onMachine = (address: string) => isLoopback(address) || isLoopback(address.replace(/^::ffff:/i, ''));

/** Chromium's HostResolverManager IPv6 reachability probe: a UDP connect, no datagram (see the issue-14 report). */
const chromiumProbe = (s: Socket) =>
  /chrom/i.test(s.exe ?? '') && s.call === 'connect' && s.address === '2001:4860:4860::8888' && s.port === 443;

test('a full lab post-window run opens no socket towards an address off the machine', { timeout: 600_000 }, async (t) => {
  const reason = cannot();
  if (reason) return t.skip(reason);
  const dir = tempDir('hardening-containment');
  const log = join(dir, 'strace.log');
  const links = join(dir, 'links.txt');
  const out = join(dir, 'run');
  // Loopback up, nothing else: whatever the harness (or a child: Chromium, k6, Playwright) tries, no packet can leave.
  const script = [
    'ip link set lo up',
    `ip -o link show > '${links}'`,
    `exec strace -f -qq -Y -e trace=connect,sendto,sendmsg,sendmmsg,execve,clone,clone3,fork,vfork -o '${log}' ${JSON.stringify(process.execPath)} --import tsx scripts/smoke.ts --phase=post-window --window=2025-06-22 --out='${out}'`,
  ].join(' && ');
  const child = spawn('unshare', ['-n', 'sh', '-c', script], {
    cwd: ROOT,
    env: { ...process.env, CI: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.resume();
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  try {
    process.kill(-child.pid!, 'SIGKILL'); // nothing of the run outlives it, whatever happened
  } catch {
    // the group is already gone: the normal case
  }
  assert.ok(code !== null && [0, 1, 2].includes(code), `the run ended with a verdict (exit ${code})\n${stderr.slice(-2_000)}`);
  assert.ok(existsSync(join(out, 'summary.json')), 'the run wrote its summary');
  assert.deepEqual(
    readFileSync(links, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(':')[1]?.trim()),
    ['lo'],
    'the namespace has only loopback',
  );

  const sockets = socketsIn(readFileSync(log, 'utf8'));
  assert.ok(sockets.filter((s) => onMachine(s.address)).length > 50, 'the trace saw the run talk to the lab (loopback)');
  const off = sockets.filter((s) => !onMachine(s.address));
  const unexplained = off.filter((s) => !chromiumProbe(s));
  assert.deepEqual(
    unexplained.map((s) => `${s.exe ?? `pid ${s.pid}`} ${s.call} ${s.address}:${s.port}`),
    [],
    `sockets towards addresses off the machine:\n${unexplained.map((s) => s.line).join('\n')}`,
  );
  const probes = off.filter(chromiumProbe);
  t.diagnostic(`Chromium IPv6 reachability probes (UDP connect, no datagram, unreachable in the namespace): ${probes.length}`);
  // Tolerated only as what it is: a connect, never data towards it.
  assert.equal(
    sockets.some((s) => s.call !== 'connect' && s.address === '2001:4860:4860::8888'),
    false,
    'no datagram is sent to the probe address',
  );
  await t.test(
    'Chromium opens no socket off the machine',
    {
      todo: "Chromium 156's HostResolverManager probes IPv6 reachability (UDP connect to 2001:4860:4860::8888:443) on every resolution, IP literals and --host-resolver-rules included; no switch or feature turns it off (EnableIPv6ReachabilityOverride only changes AAAA queries)",
    },
    () =>
      assert.deepEqual(
        probes.map((s) => s.line),
        [],
      ),
  );
});

test('the socket reader finds off-machine destinations and who opened them', () => {
  const log = [
    '100<node> execve("/usr/bin/node", ["node"], 0x0) = 0',
    '100<node> clone3({flags=CLONE_VM} => {parent_tid=[101<node>]}, 88) = 101<node>',
    '101<chromium> execve("/usr/lib/chromium/chromium", ["chromium"], 0x0) = 0',
    // -f logs the zygote's execve before the clone that made it returns in its parent (seen in CI).
    '103<chromium> execve("/proc/self/exe", ["chromium", "--type=zygote"], 0x0) = 0',
    '101<chromium> clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID) = 103<chromium>',
    '103<chromium> clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID) = 102',
    '102<Chrome_ChildIOT> connect(19, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "2001:4860:4860::8888", &sin6_addr), sin6_scope_id=0}, 28) = -1 ENETUNREACH',
    '100<node> connect(5, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
    '100<node> sendto(7, "x", 1, 0, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("8.8.8.8")}, 16) = 1',
    '100<node> connect(8, {sa_family=AF_INET6, sin6_port=htons(80), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::ffff:127.0.0.1", &sin6_addr), sin6_scope_id=0}, 28) = 0',
  ].join('\n');
  const s = socketsIn(log);
  assert.deepEqual(
    s.map((x) => [x.exe, x.call, x.address, x.port, onMachine(x.address)]),
    [
      ['/usr/lib/chromium/chromium', 'connect', '2001:4860:4860::8888', 443, false],
      ['/usr/bin/node', 'connect', '127.0.0.1', 443, true],
      ['/usr/bin/node', 'sendto', '8.8.8.8', 53, false],
      ['/usr/bin/node', 'connect', '::ffff:127.0.0.1', 80, true],
    ],
  );
  assert.equal(chromiumProbe(s[0]!), true);
  assert.equal(chromiumProbe(s[2]!), false, 'a node datagram to 8.8.8.8 is never excused');
});
