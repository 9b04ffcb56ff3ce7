// npm run bench:scale — the pre-maintenance step at scale: 1,000 web servers and a 5,000-name zone, the lab in a
// child process so the figures are the harness's own. Reports the time of the sanity family (every kind) and of the
// DNS family, and the harness process's peak RSS (process.resourceUsage().maxRSS).
// Targets: sanity for all servers ≤ 15 s, harness peak RSS ≤ 300 MB. Flags: --servers=N --names=N --help.
import { parseArgs } from 'node:util';
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { loadConfig } from '../core/config/load.ts';
import type { HarnessConfig } from '../core/config/schema.ts';
import { planStep } from '../core/plan.ts';
import type { CheckResult } from '../core/result.ts';
import { runTasks } from '../core/runner.ts';
import { stepOf } from '../core/window/load.ts';
import { windowSchema } from '../core/window/schema.ts';
import { estateFromLab } from '../estate/model.ts';
import { KINDS } from '../kinds.ts';
import { LAB_ZONE_FILE } from '../lab/dns/index.ts';
import { startLabInChild } from '../lab/remote.ts';
import june from '../windows/2025-06-22.ts';

const TARGET_SANITY_MS = 15_000;
const TARGET_RSS_MB = 300;
const { values } = parseArgs({
  options: {
    servers: { type: 'string', default: '1000' },
    names: { type: 'string', default: '5000' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(`usage: npm run bench:scale [-- --servers=1000 --names=5000]
  pre-maintenance sanity and DNS against a lab of N web servers and M zone names (the lab in a child process);
  targets: sanity ≤ ${TARGET_SANITY_MS / 1000} s, harness peak RSS ≤ ${TARGET_RSS_MB} MB.`);
  process.exit(0);
}
const servers = Number(values.servers);
const names = Number(values.names);
const rssMb = () => process.resourceUsage().maxRSS / 1024;
const cpuMs = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
/** CPU time of another process (the lab child) from /proc, in ms; undefined where /proc is absent. */
const procCpuMs = (pid: number) => {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
};

const base = await loadConfig();
const config: HarnessConfig = {
  ...base,
  estate: { ...base.estate, webServers: Array.from({ length: servers }, (_, i) => ({ name: `IC-Web${i + 1}`, port: 443 })) },
};
const work = mkdtempSync(join(resolve('.tmp'), 'bench-scale-'));
// The lab's own zone (web hosts, mail, the apex) plus `names` A records, served by the old and the new provider.
const zoneFile = join(work, 'scale.invoicecloud.test.zone');
copyFileSync(LAB_ZONE_FILE, zoneFile);
appendFileSync(
  zoneFile,
  `\n${Array.from({ length: names }, (_, i) => `bench${i}\t300\tIN\tA\t10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`).join('\n')}\n`,
);

/**
 * Waits until the lab child's CPU stays under 10% for a second: once "ready" it still finishes its balancers' first
 * health round (2,000 member connections at 1,000 servers), which is lab start-up, not the harness's time.
 */
async function labIdle(pid: number, limitMs = 60_000): Promise<number> {
  const t = performance.now();
  let last = procCpuMs(pid);
  if (last === undefined) return 0;
  while (performance.now() - t < limitMs) {
    await new Promise((r) => setTimeout(r, 1_000));
    const now = procCpuMs(pid)!;
    if (now - last < 100) break;
    last = now;
  }
  return performance.now() - t;
}

const step = stepOf(windowSchema(KINDS).parse(june), 'pre-maintenance');
const t0 = performance.now();
const lab = await startLabInChild({ config, zoneFile, state: step.after, healthIntervalMs: 60_000, healthTimeoutMs: 30_000 }, 300_000);
const labStartMs = performance.now() - t0;
const settleMs = await labIdle(lab.pid);
try {
  const estate = estateFromLab(config, lab.manifest);
  const run = async (family: string) => {
    const started = performance.now();
    const wallStart = Date.now();
    const cpu0 = cpuMs();
    const lab0 = procCpuMs(lab.pid);
    const tasks = planStep(
      { step, config, estate, runDir: work },
      { kinds: KINDS, policySeverity: config.policy.severity, only: [family] },
    );
    const planMs = performance.now() - started;
    const results: CheckResult[] = await runTasks(tasks, {
      concurrency: config.policy.concurrency,
      backoffMs: config.policy.retryBackoffMs,
      runDir: work,
      signal: new AbortController().signal,
      onResult: () => undefined,
    });
    const ms = performance.now() - started;
    const cpu = cpuMs() - cpu0;
    const labCpu = lab0 === undefined ? undefined : procCpuMs(lab.pid)! - lab0;
    const count = (s: string) => results.filter((r) => r.status === s).length;
    const bad = results.filter((r) => r.status !== 'passed');
    console.log(
      `  ${family.padEnd(7)} ${results.length} checks (${tasks.length} tasks) in ${(ms / 1000).toFixed(2)} s (plan ${planMs.toFixed(0)} ms): ${count('passed')} passed, ${count('failed')} failed, ${count('broken')} broken; harness peak RSS so far ${rssMb().toFixed(0)} MB`,
    );
    const kinds = new Map<string, number[]>();
    const mem = process.memoryUsage();
    const mb = (n: number) => (n / 2 ** 20).toFixed(0);
    console.log(
      `    memory now: rss ${mb(mem.rss)} MB, V8 heap ${mb(mem.heapUsed)} of ${mb(mem.heapTotal)} MB, external ${mb(mem.external)} MB (array buffers ${mb(mem.arrayBuffers)} MB)`,
    );
    console.log(
      `    CPU: harness ${(cpu / 1000).toFixed(1)} s, lab child ${labCpu === undefined ? '?' : (labCpu / 1000).toFixed(1)} s (2 cores shared with the lab and anything else running)`,
    );
    for (const r of results) kinds.set(r.kind, [...(kinds.get(r.kind) ?? []), r.durationMs]);
    console.log(
      `    by kind: ${[...kinds].map(([k, d]) => `${k} ${d.length}× (longest ${Math.max(...d)} ms, sum ${(d.reduce((a, b) => a + b, 0) / 1000).toFixed(1)} s)`).join('; ')}`,
    );
    // When each kind ran, in seconds from the family's start: which checks make the tail.
    const span = new Map<string, [number, number]>();
    for (const r of results) {
      const from = Date.parse(r.startedAt) - wallStart;
      const [a, b] = span.get(r.kind) ?? [from, from + r.durationMs];
      span.set(r.kind, [Math.min(a, from), Math.max(b, from + r.durationMs)]);
    }
    console.log(`    ran: ${[...span].map(([k, [a, b]]) => `${k} ${(a / 1000).toFixed(1)}–${(b / 1000).toFixed(1)} s`).join('; ')}`);
    for (const r of bad.slice(0, 5)) console.log(`    ${r.status} ${r.id}: ${r.message?.slice(0, 200)}`);
    return { ms, bad: bad.length };
  };
  console.log(
    `pre-maintenance at scale: ${servers} web servers, ${names} extra zone names, concurrency ${config.policy.concurrency}; lab up in ${(labStartMs / 1000).toFixed(1)} s in child pid ${lab.pid} (${(lab.rssBytes / 2 ** 20).toFixed(0)} MB there), idle after ${(settleMs / 1000).toFixed(1)} s more; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`,
  );
  const sanity = await run('sanity');
  const dns = await run('dns');
  const peak = rssMb();
  console.log(
    `  sanity ${(sanity.ms / 1000).toFixed(2)} s (target ≤ ${TARGET_SANITY_MS / 1000} s) ${sanity.ms <= TARGET_SANITY_MS ? 'met' : 'NOT met'}; dns ${(dns.ms / 1000).toFixed(2)} s`,
  );
  console.log(`  load average at the end ${loadavg()[0]!.toFixed(1)} (other processes share the cores)`);
  console.log(`  harness peak RSS ${peak.toFixed(0)} MB (target ≤ ${TARGET_RSS_MB} MB) ${peak <= TARGET_RSS_MB ? 'met' : 'NOT met'}`);
  process.exitCode = sanity.ms <= TARGET_SANITY_MS && peak <= TARGET_RSS_MB && !sanity.bad ? 0 : 1;
} finally {
  const labPeak = await lab.stop();
  if (labPeak) console.log(`  lab child peak RSS ${(labPeak / 1024).toFixed(0)} MB (its own process, not counted above)`);
  rmSync(work, { recursive: true, force: true });
}
