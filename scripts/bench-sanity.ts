// npm run bench:sanity — the web1-5 sanity plan on the lab (planner + runner + probes) against the same HTTPS
// requests sent by a bare undici loop at the same concurrency. Prints both medians and the ratio (target ≤ 1.25).
// Flags: --rounds=N (default 5), --help. Exit 1 when the target is missed.
import { parseArgs } from 'node:util';
import { Agent, request } from 'undici';
import { loadConfig } from '../core/config/load.ts';
import type { HarnessConfig } from '../core/config/schema.ts';
import { estateFromLab, type Endpoint, type ResolvedEstate } from '../estate/model.ts';
import { PHASES } from '../core/phases.ts';
import { runTasks } from '../core/runner.ts';
import { startLab } from '../lab/index.ts';
import { expectedPool, planSanity, selectHosts, selectServers } from '../sanity/plan.ts';

const TARGET = 1.25;
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, help: { type: 'boolean', default: false } } });
if (values.help) {
  console.log(`usage: npm run bench:sanity [-- --rounds=5]\n  web1-5 sanity plan on the lab vs the same HTTPS requests in a bare undici loop; target ratio ≤ ${TARGET}.`);
  process.exit(0);
}
const rounds = Math.max(1, Number(values.rounds));
const phase = PHASES['web1-5'];

interface BareRequest {
  endpoint: Endpoint;
  host: string;
  path: string;
  kind: 'get' | 'login' | 'verify';
}

/** Every HTTPS request the web1-5 sanity plan sends on a healthy lab, derived the way sanity/plan.ts derives them. */
function planRequests(config: HarnessConfig, estate: ResolvedEstate): BareRequest[] {
  const plan = phase.plan.sanity!;
  const servers = selectServers(estate, plan.servers);
  const hosts = selectHosts(estate, plan.hosts);
  const pool = expectedPool(estate, phase.state).members;
  const out: BareRequest[] = [];
  for (const s of servers) for (const h of hosts) out.push({ endpoint: s, host: h.name, path: h.path, kind: 'get' });
  const poolHost = [...hosts, ...estate.hosts].find((h) => !phase.state.maintenanceOn.includes(h.key))!;
  for (const b of [estate.gateway, estate.ilb]) {
    for (let i = 0; i < config.policy.poolSamplesPerMember * pool.length; i++) out.push({ endpoint: b, host: poolHost.name, path: poolHost.path, kind: 'get' });
  }
  for (const h of estate.hosts) out.push({ endpoint: estate.gateway, host: h.name, path: h.path, kind: 'get' });
  const tokenHost = estate.hosts.find((h) => h.key === estate.tokens.host)!.name;
  out.push({ endpoint: servers[0]!, host: tokenHost, path: estate.tokens.loginPath, kind: 'login' });
  for (const s of pool) out.push({ endpoint: s, host: tokenHost, path: estate.tokens.verifyPath, kind: 'verify' });
  return out;
}

/** The bare loop: one undici Agent trusting the lab CA, `concurrency` workers, SNI from the Host header. */
async function bareLoop(requests: BareRequest[], estate: ResolvedEstate, concurrency: number): Promise<number> {
  const agent = new Agent({ connect: { ca: estate.ca } });
  const { user = '', password = '' } = estate.account;
  let cookieReady: (c: string) => void = () => undefined;
  const cookie = new Promise<string>((r) => (cookieReady = r));
  const send = async (r: BareRequest) => {
    const verify = r.kind === 'verify' ? await cookie : undefined;
    const res = await request(`https://${r.endpoint.address}:${r.endpoint.port}${r.path}`, {
      dispatcher: agent,
      method: r.kind === 'login' ? 'POST' : 'GET',
      headers: { host: r.host, ...(r.kind === 'login' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...(verify ? { cookie: `${estate.tokens.cookieName}=${verify}` } : {}) },
      ...(r.kind === 'login' ? { body: new URLSearchParams({ user, password }).toString() } : {}),
    });
    await res.body.text();
    if (r.kind === 'login') {
      const set = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${estate.tokens.cookieName}=`));
      cookieReady(set?.split(';')[0]?.split('=').slice(1).join('=') ?? '');
    }
    return res.statusCode;
  };
  // The login goes first, as in the token probe; verifies wait for its cookie.
  const queue = [...requests].sort((a, b) => Number(b.kind === 'login') - Number(a.kind === 'login'));
  const t0 = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < queue.length) await send(queue[next++]!);
  }));
  const ms = performance.now() - t0;
  await agent.close();
  return ms;
}

async function harnessRun(config: HarnessConfig, estate: ResolvedEstate): Promise<number> {
  const t0 = performance.now();
  const tasks = planSanity({ phase, config, estate, runDir: '.tmp' });
  const results = await runTasks(tasks, { concurrency: config.policy.concurrency, backoffMs: config.policy.retryBackoffMs, runDir: '.tmp', signal: new AbortController().signal, onResult: () => undefined });
  const ms = performance.now() - t0;
  const bad = results.filter((r) => r.status !== 'passed');
  if (bad.length) throw new Error(`the healthy lab should pass every check; these did not:\n${bad.map((r) => `  ${r.id}: ${r.message}`).join('\n')}`);
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const config = await loadConfig();
const lab = await startLab({ config, state: phase.state });
try {
  const estate = estateFromLab(config, lab.manifest);
  const requests = planRequests(config, estate);
  const concurrency = config.policy.concurrency;
  await harnessRun(config, estate); // warm-up: module loading, JIT, the lab's first handshakes
  await bareLoop(requests, estate, concurrency);
  const harness: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < rounds; i++) {
    // Alternate, so machine noise falls on both sides alike.
    harness.push(await harnessRun(config, estate));
    bare.push(await bareLoop(requests, estate, concurrency));
  }
  const ratio = median(harness) / median(bare);
  console.log(`web1-5 sanity plan: ${requests.length} HTTPS requests, concurrency ${concurrency}, ${rounds} rounds`);
  console.log(`  harness (plan + runner + probes): median ${median(harness).toFixed(1)} ms  [${harness.map((x) => x.toFixed(0)).join(', ')}]`);
  console.log(`  bare undici loop:                 median ${median(bare).toFixed(1)} ms  [${bare.map((x) => x.toFixed(0)).join(', ')}]`);
  console.log(`  ratio ${ratio.toFixed(2)} (target ≤ ${TARGET}): ${ratio <= TARGET ? 'met' : 'NOT met'}`);
  process.exitCode = ratio <= TARGET ? 0 : 1;
} finally {
  await lab.stop();
}
