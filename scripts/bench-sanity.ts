// npm run bench:sanity — the direct HTTPS probes (every lab server × host, full handshakes) through the harness's
// sanity path (plan + runner + probe), interleaved in one run with a bare undici loop, Prometheus blackbox_exporter
// driven by one client, and one `curl --parallel` (each skipped with the reason when absent). The lab runs in a
// child process. Prints per-round times, medians and ratios; targets: ≤ 1.1× bare undici, ≤ 1.0× blackbox_exporter.
// Flags: --rounds=N (default 10), --concurrency=N (default policy.concurrency), --help. Exit 1 when a target is missed.
import { parseArgs } from 'node:util';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { Client, Pool } from 'undici';
import { loadConfig } from '../core/config/load.ts';
import { runTasks } from '../core/runner.ts';
import type { Step } from '../core/window/schema.ts';
import { estateFromLab, type ResolvedEstate } from '../estate/model.ts';
import { startLabInChild } from '../lab/remote.ts';
import { directKind } from '../sanity/plan.ts';
import { procCpuMs, statCpuMs } from './lib/proc-cpu.ts';

const TARGET_BARE = 1.1;
const TARGET_BLACKBOX = 1.0;
const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '10' }, concurrency: { type: 'string' }, help: { type: 'boolean', default: false } },
});
if (values.help) {
  console.log(`usage: npm run bench:sanity [-- --rounds=10] [--concurrency=16]
  every lab server × host probed directly (full TLS handshake each): the harness vs a bare undici loop,
  blackbox_exporter (one client) and curl --parallel, interleaved; targets ≤ ${TARGET_BARE}× bare undici, ≤ ${TARGET_BLACKBOX}× blackbox_exporter.`);
  process.exit(0);
}

interface Probe {
  server: { name: string; address: string; port: number };
  host: { key: string; name: string; path: string; marker: string };
}

const config = await loadConfig();
const concurrency = Number(values.concurrency ?? config.policy.concurrency);
const rounds = Math.max(1, Number(values.rounds));
const probeMs = config.policy.timeouts.probeMs;

/** The harness path: the sanity kind's own planner (one trust per plan), the runner, the direct HTTPS probe. */
async function harness(estate: ResolvedEstate): Promise<number> {
  const t0 = performance.now();
  const tasks = directKind.plan({ step: {} as Step, config, estate, runDir: '.tmp' }, { servers: 'all', hosts: 'all' }, 'critical');
  const results = await runTasks(tasks, {
    concurrency,
    backoffMs: config.policy.retryBackoffMs,
    runDir: '.tmp',
    signal: new AbortController().signal,
    onResult: () => undefined,
  });
  const ms = performance.now() - t0;
  const bad = results.filter((r) => r.status !== 'passed');
  if (bad.length)
    throw new Error(`harness: the healthy lab should pass every probe:\n${bad.map((r) => `  ${r.id}: ${r.message}`).join('\n')}`);
  return ms;
}

async function limited<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/** What anyone would write with undici: a client per server × host (its own SNI, no session cache), GET, read, close. */
async function bareUndici(ca: string, probes: Probe[]): Promise<number> {
  const t0 = performance.now();
  let wrong = 0;
  await limited(probes, async ({ server, host }) => {
    const client = new Client(`https://${server.address}:${server.port}`, { connect: { ca, servername: host.name, maxCachedSessions: 0 } });
    try {
      const res = await client.request({ path: host.path, method: 'GET', headers: { host: host.name } });
      const body = await res.body.text();
      if (res.statusCode !== 200 || !body.includes(host.marker)) wrong += 1;
    } finally {
      await client.close();
    }
  });
  const ms = performance.now() - t0;
  if (wrong) throw new Error(`bare undici: ${wrong} of ${probes.length} answers were not 200 with the marker`);
  return ms;
}

const freePort = () =>
  new Promise<number>((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => ok(p));
    });
  });

const which = (bin: string) =>
  new Promise<string | undefined>((ok) =>
    execFile('sh', ['-c', `command -v ${bin}`], (err, out) => ok(err ? undefined : out.trim() || undefined)),
  );

interface Blackbox {
  url: string;
  pool: Pool;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** blackbox_exporter with one http module per host (Host header, TLS server name, the lab CA, the marker). */
async function startBlackbox(bin: string, caFile: string, hosts: Probe['host'][], dir: string): Promise<Blackbox> {
  const modules = hosts
    .map(
      (h) => `  ${h.key}:
    prober: http
    timeout: ${Math.ceil(probeMs / 1000)}s
    http:
      preferred_ip_protocol: ip4
      valid_status_codes: [200]
      headers: { Host: "${h.name}" }
      fail_if_body_not_matches_regexp: ["${h.marker}"]
      tls_config: { ca_file: "${caFile}", server_name: "${h.name}" }`,
    )
    .join('\n');
  const file = join(dir, 'blackbox.yml');
  writeFileSync(file, `modules:\n${modules}\n`);
  const port = await freePort();
  const child = spawn(bin, [`--config.file=${file}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (d: Buffer) => void (log = (log + d.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const pool = new Pool(url, { connections: concurrency });
  for (let i = 0; ; i++) {
    try {
      const res = await pool.request({ path: '/metrics', method: 'GET' });
      await res.body.text();
      break;
    } catch {
      if (i > 100 || child.exitCode !== null) throw new Error(`blackbox_exporter did not start: ${log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  return {
    url,
    pool,
    child,
    stop: async () => {
      await pool.close();
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** One client (a keep-alive pool of `concurrency` connections) asking the exporter to probe each target. */
async function blackbox(bb: Blackbox, probes: Probe[]): Promise<number> {
  const t0 = performance.now();
  let wrong = 0;
  await limited(probes, async ({ server, host }) => {
    const target = encodeURIComponent(`https://${server.address}:${server.port}${host.path}`);
    const res = await bb.pool.request({ path: `/probe?module=${host.key}&target=${target}`, method: 'GET' });
    const text = await res.body.text();
    if (!/^probe_success 1$/m.test(text)) wrong += 1;
  });
  const ms = performance.now() - t0;
  if (wrong) throw new Error(`blackbox_exporter: ${wrong} of ${probes.length} probes did not succeed`);
  return ms;
}

/** One curl process, every URL with --parallel; --resolve pins each name:port to the lab, no session reuse. */
function curlArgs(caFile: string, probes: Probe[]): string[] {
  const args = [
    '--parallel',
    '--parallel-immediate',
    '--parallel-max',
    String(concurrency),
    '--silent',
    '--no-sessionid',
    '--cacert',
    caFile,
    '--write-out',
    '%{http_code}\\n',
  ];
  for (const { server, host } of probes)
    args.push(
      '--resolve',
      `${host.name}:${server.port}:${server.address}`,
      '-o',
      '/dev/null',
      `https://${host.name}:${server.port}${host.path}`,
    );
  return args;
}

/** Runs curl under sh, which prints its own /proc stat after curl exits: its waited-for child's CPU goes to `cpu`. */
function curl(bin: string, args: string[], total: number, cpu: (ms: number) => void): Promise<number> {
  const t0 = performance.now();
  const script = '"$0" "$@"; code=$?; cat /proc/$$/stat >&2; exit $code';
  return new Promise((ok, fail) =>
    execFile('sh', ['-c', script, bin, ...args], { maxBuffer: 1 << 20 }, (err, out, errText) => {
      const ms = performance.now() - t0;
      const stat = errText.split('\n').find((l) => /^\d+ \(/.test(l));
      if (stat) cpu(statCpuMs(stat, true));
      const good = out.split('\n').filter((l) => l === '200').length;
      if (err || good !== total) fail(new Error(`curl: ${good} of ${total} answered 200${err ? ` (${err.message})` : ''}`));
      else ok(ms);
    }),
  );
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

const work = mkdtempSync(join(resolve('.tmp'), 'bench-sanity-'));
const lab = await startLabInChild({ config, healthIntervalMs: 5_000 });
let bb: Blackbox | undefined;
try {
  const m = lab.manifest;
  const estate = estateFromLab(config, m);
  const ca = readFileSync(m.caFile, 'utf8');
  const hosts = config.estate.hosts.map((h) => ({ key: h.key, name: m.hosts[h.key], path: h.path, marker: h.marker }));
  const probes: Probe[] = m.webServers.flatMap((server) => hosts.map((host) => ({ server, host })));

  // `cpu`: the client's CPU for a round (ms) beyond this process's own, read from /proc where it runs elsewhere.
  const contenders: { name: string; run: () => Promise<number>; cpu?: () => number | undefined }[] = [
    { name: 'harness (plan + runner + probe)', run: () => harness(estate) },
    { name: 'bare undici loop', run: () => bareUndici(ca, probes) },
  ];
  const skipped: string[] = [];
  const bbBin = (await which('prometheus-blackbox-exporter')) ?? (await which('blackbox_exporter'));
  if (bbBin) {
    bb = await startBlackbox(bbBin, m.caFile, hosts, work);
    const b = bb;
    contenders.push({ name: 'blackbox_exporter, one client', run: () => blackbox(b, probes), cpu: () => procCpuMs(b.child.pid!) });
  } else skipped.push('blackbox_exporter: not installed (apt-get install prometheus-blackbox-exporter)');
  const curlBin = await which('curl');
  if (curlBin) {
    const args = curlArgs(m.caFile, probes);
    let curlCpu = 0;
    contenders.push({
      name: 'curl --parallel, one process',
      run: () => curl(curlBin, args, probes.length, (ms) => (curlCpu += ms)),
      cpu: () => curlCpu,
    });
  } else skipped.push('curl: not installed (apt-get install curl)');

  for (const c of contenders) await c.run(); // warm-up: module loading, JIT, the lab's first handshakes
  const times = contenders.map(() => [] as number[]);
  // CPU summed over the rounds (client: this process plus the tool's own; lab: its child), robust to a busy machine.
  const clientCpu = contenders.map(() => 0);
  const labCpu = contenders.map(() => 0);
  const selfCpu = () => {
    const c = process.cpuUsage();
    return (c.user + c.system) / 1000;
  };
  for (let r = 0; r < rounds; r++) {
    // Interleaved, the order rotated each round, so machine noise falls on every contender alike.
    for (let k = 0; k < contenders.length; k++) {
      const i = (r + k) % contenders.length;
      const c = contenders[i]!;
      const [self0, tool0, lab0] = [selfCpu(), c.cpu?.() ?? 0, procCpuMs(lab.pid) ?? 0];
      times[i]!.push(await c.run());
      clientCpu[i]! += selfCpu() - self0 + (c.cpu?.() ?? 0) - tool0;
      labCpu[i]! += (procCpuMs(lab.pid) ?? 0) - lab0;
    }
  }
  console.log(
    `direct HTTPS probes: ${m.webServers.length} servers × ${hosts.length} hosts = ${probes.length} per round, concurrency ${concurrency}, full handshakes, ${rounds} rounds (lab in child pid ${lab.pid})`,
  );
  const med = times.map(median);
  contenders.forEach((c, i) =>
    console.log(`  ${c.name.padEnd(34)} median ${med[i]!.toFixed(1).padStart(6)} ms  [${times[i]!.map((x) => x.toFixed(0)).join(', ')}]`),
  );
  console.log(`  CPU per round (mean; /proc counts in 10 ms ticks, summed over the ${rounds} rounds):`);
  contenders.forEach((c, i) =>
    console.log(
      `  ${c.name.padEnd(34)} client ${(clientCpu[i]! / rounds).toFixed(1).padStart(5)} ms (${((clientCpu[i]! / rounds / probes.length) * 1000).toFixed(0)} µs a probe), lab ${(labCpu[i]! / rounds).toFixed(1).padStart(5)} ms`,
    ),
  );
  console.log(
    `  load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} on ${cpus().length} cores (wall times include other processes' share)`,
  );
  for (const s of skipped) console.log(`  skipped ${s}`);
  let missed = false;
  const ratio = (name: string, target: number) => {
    const i = contenders.findIndex((c) => c.name.startsWith(name));
    if (i < 0) return;
    const q = med[0]! / med[i]!;
    missed ||= q > target;
    console.log(`  harness / ${name}: ${q.toFixed(2)}× (target ≤ ${target}×) ${q <= target ? 'met' : 'NOT met'}`);
  };
  ratio('bare undici', TARGET_BARE);
  ratio('blackbox_exporter', TARGET_BLACKBOX);
  const ci = contenders.findIndex((c) => c.name.startsWith('curl'));
  if (ci >= 0) console.log(`  harness / curl --parallel: ${(med[0]! / med[ci]!).toFixed(2)}× (for reference, no target)`);
  console.log(`  harness process peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB (the lab's is its own process)`);
  process.exitCode = missed ? 1 : 0;
} finally {
  await bb?.stop();
  await lab.stop();
  rmSync(work, { recursive: true, force: true });
}
