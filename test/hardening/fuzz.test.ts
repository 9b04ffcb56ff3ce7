// Issue 14, fuzzing the config loader: 2,500 seeded random mutations of the repo's config. parseConfig never crashes
// or hangs; it throws a ConfigError naming paths, or returns a config that holds every invariant the issue names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { ConfigError, parseConfig } from '../../core/config/load.ts';
import type { HarnessConfig } from '../../core/config/schema.ts';
import { isLoopback } from '../../dns/cidr.ts';
import base from '../../harness.config.ts';
import { runCli, tempDir } from '../cli/helpers.ts';

const CASES = 2_500;
const SEED = Number(process.env.FUZZ_SEED ?? 14);

/** mulberry32: a small seeded PRNG, so a failing case can be replayed with FUZZ_SEED. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = unknown;
type Path = (string | number)[];

const NASTY: Json[] = [
  -1,
  0,
  -0,
  0.5,
  1,
  99_999,
  2 ** 31,
  2 ** 31 - 1,
  2 ** 53,
  1e308,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  '',
  ' ',
  '#',
  'www.',
  '.',
  'w#w',
  'https://evil.example/',
  'http://127.0.0.1.attacker.example/',
  '127.0.0.1',
  '::1',
  '__proto__',
  'constructor',
  '([',
  '^SSH-2\\.0-',
  'x'.repeat(5_000),
  '\u0000',
  '😀',
  'IC-Web1',
  'www',
  'lab',
  'production',
  '../../etc/passwd',
  true,
  false,
  null,
  [],
  {},
  [1, 2, 3],
  { nested: { deep: true } },
];

/** Every path in the value that holds something (objects, arrays and leaves). */
function paths(v: Json, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...prefix, i])));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...prefix, k]));
  return out;
}

function parentOf(root: Json, path: Path): Record<string | number, Json> | undefined {
  let v = root as Record<string | number, Json>;
  for (const p of path.slice(0, -1)) v = v[p] as Record<string | number, Json>;
  return v !== null && typeof v === 'object' ? v : undefined;
}

/** One random change at a random path: a nasty value, deletion, duplication, an unknown key, a numeric nudge. */
function mutate(root: Json, r: () => number): string {
  const all = paths(root).filter((p) => p.length > 0);
  const path = all[Math.floor(r() * all.length)]!;
  const parent = parentOf(root, path);
  if (!parent) return 'skip';
  const key = path[path.length - 1]!;
  const pick = r();
  if (pick < 0.55) parent[key] = structuredClone(NASTY[Math.floor(r() * NASTY.length)]);
  else if (pick < 0.65) {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
  } else if (pick < 0.78 && Array.isArray(parent)) parent.push(structuredClone(parent[Number(key)]));
  else if (pick < 0.86 && !Array.isArray(parent)) parent[`unknown${Math.floor(r() * 100)}`] = 1;
  else if (typeof parent[key] === 'number') parent[key] = (parent[key] as number) * (r() < 0.5 ? 1e6 : -1);
  else if (typeof parent[key] === 'string') parent[key] = `${parent[key] as string}${['#', '.', '/', ' ', ':'][Math.floor(r() * 5)]}`;
  else parent[key] = structuredClone(NASTY[Math.floor(r() * NASTY.length)]);
  return `${pick < 0.55 ? 'set' : 'change'} ${path.join('.')}`;
}

const LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;
const hostName = (s: string) => s.length > 0 && s.length <= 253 && s.split('.').every((l) => LABEL.test(l));
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** What an accepted config must hold, written independently of the schema: the invariants. */
function invariantProblems(c: HarnessConfig): string[] {
  const p: string[] = [];
  const e = c.estate;
  const unique = (what: string, names: string[]) => {
    const lower = names.map((n) => n.toLowerCase());
    if (new Set(lower).size !== lower.length) p.push(`${what} not unique: ${names.join(', ')}`);
  };
  unique(
    'host keys',
    e.hosts.map((h) => h.key),
  );
  unique(
    'host labels',
    e.hosts.map((h) => h.label),
  );
  unique('server names', [
    ...e.webServers.map((s) => s.name),
    e.gateway.name,
    e.ilb.name,
    ...e.serverGroups.flatMap((g) => g.servers.map((s) => s.name)),
  ]);
  unique(
    'group keys',
    e.serverGroups.map((g) => g.key),
  );
  if (!hostName(e.domain)) p.push(`domain ${e.domain}`);
  for (const h of e.hosts) if (!hostName(h.label)) p.push(`label ${h.label}`);
  for (const g of e.serverGroups)
    if (g.banner !== undefined)
      try {
        new RegExp(g.banner);
      } catch {
        p.push(`banner ${g.banner}`);
      }
  if (!(e.maintenance.status >= 100 && e.maintenance.status <= 599)) p.push(`maintenance.status ${e.maintenance.status}`);
  if (!e.maintenance.marker) p.push('empty maintenance marker');
  for (const b of [e.gateway, e.ilb]) if (!TOKEN.test(b.identityHeader)) p.push(`identityHeader "${b.identityHeader}"`);
  const t = c.policy.timeouts;
  for (const [k, v] of Object.entries(t)) if (!(Number.isInteger(v) && v > 0 && v < 2 ** 31)) p.push(`timeouts.${k} ${v}`);
  if (!(c.policy.poolSamplesPerMember >= 1 && c.policy.poolSamplesPerMember <= 100))
    p.push(`poolSamplesPerMember ${c.policy.poolSamplesPerMember}`);
  if (!(c.policy.retryBackoffMs * 2 ** c.policy.retries < 2 ** 31)) p.push('retry backoff overflows a timer');
  // The longest derived deadline (pool check: probe time per round of requests) must fit a timer.
  const rounds = 1 + Math.ceil((e.webServers.length * c.policy.poolSamplesPerMember) / c.policy.concurrency);
  if (!(t.probeMs * rounds < 2 ** 31)) p.push(`pool deadline ${t.probeMs * rounds} overflows a timer`);
  for (const [name, env] of Object.entries(c.environments)) {
    if (!Object.hasOwn(c.environments, name) || name === 'lab' || name in Object.prototype) p.push(`environment ${name}`);
    if (env.domain !== undefined && !hostName(env.domain)) p.push(`environment domain ${env.domain}`);
    for (const [n, a] of Object.entries(env.addresses)) if (a !== '' && isIP(a) === 0 && !hostName(a)) p.push(`address ${n}=${a}`);
  }
  for (const r of c.dns.resolvers)
    if (r.protocol === 'doh') {
      const u = new URL(r.url);
      if (u.protocol !== 'https:' && !(u.protocol === 'http:' && isLoopback(u.hostname))) p.push(`doh url ${r.url}`);
    }
  const numbers = (v: unknown, path: string): void => {
    if (typeof v === 'number' && !Number.isFinite(v)) p.push(`${path} is ${v}`);
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) numbers(x, `${path}.${k}`);
  };
  numbers(c, '');
  return p;
}

test(`${CASES} random mutations of the config: a ConfigError naming paths, or a config that holds every invariant`, async () => {
  const r = rng(SEED);
  let accepted = 0;
  const rejected: { what: string; config: unknown }[] = [];
  const started = performance.now();
  for (let i = 0; i < CASES; i++) {
    const config = structuredClone(base) as Json;
    const changes = Array.from({ length: 1 + Math.floor(r() * 3) }, () => mutate(config, r));
    const what = `case ${i} (FUZZ_SEED=${SEED}): ${changes.join('; ')}`;
    const t0 = performance.now();
    let result: HarnessConfig | undefined;
    try {
      result = parseConfig(config, 'fuzz.config.ts');
    } catch (err) {
      assert.ok(err instanceof ConfigError, `${what}: crashed with ${(err as Error)?.stack ?? String(err)}`);
      assert.ok(err.problems.length > 0, `${what}: a ConfigError names at least one problem`);
      for (const line of err.problems) assert.match(line, /^[^\n]+: \S/, `${what}: "${line}" names a path and says why`);
      if (rejected.length < 200) rejected.push({ what, config });
    }
    assert.ok(performance.now() - t0 < 2_000, `${what}: parsing took ${Math.round(performance.now() - t0)} ms`);
    if (result) {
      accepted += 1;
      assert.deepEqual(invariantProblems(result), [], `${what}: accepted an invalid config`);
    }
  }
  assert.ok(rejected.length > 0 && accepted > 0, `both outcomes occur (accepted ${accepted})`);
  assert.ok(performance.now() - started < 120_000, 'the whole fuzz run stays bounded');

  // A sample of the refused configs, replayed through the CLI: never exit 0, always 78.
  const dir = tempDir('hardening-fuzz');
  for (const [i, c] of rejected.slice(0, 4).entries()) {
    const file = join(dir, `fuzz-${i}.config.ts`);
    writeFileSync(file, `export default ${toSource(c.config)};\n`);
    const out = await runCli('plan.ts', ['--window=2025-06-22', '--phase=web1-5', `--config=${file}`], { HARNESS_LOCAL_CONFIG: '' });
    assert.equal(out.code, 78, `${c.what}\n${out.stderr}`);
    assert.doesNotMatch(out.stderr, /\n\s+at /, `${c.what}: no stack trace`);
  }
});

/** The config as TypeScript source: JSON, with NaN and ±Infinity written as themselves. */
function toSource(v: unknown): string {
  const json = JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? `@@${String(x)}@@` : x));
  return json.replace(/"@@(NaN|Infinity|-Infinity)@@"/g, '$1');
}
