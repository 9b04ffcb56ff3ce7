// A new check kind is its own module plus a line in a registry: core plans it from a window, runs it, and the
// window's `blocking` decides the verdict, without any change to core/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { request } from 'undici';
import { parseConfig } from '../../core/config/load.ts';
import { defineKind, type PlanContext } from '../../core/kind.ts';
import { failed, passed } from '../../core/probe.ts';
import { runStep } from '../../core/run.ts';
import type { EstateSource } from '../../core/source.ts';
import { windowSchema } from '../../core/window/schema.ts';
import { KINDS } from '../../kinds.ts';
import harness from '../../harness.config.ts';
import { tempDir, ROOT } from '../cli/helpers.ts';

// The kind a team adds: GET a URL on the estate and expect a status. Lives entirely in this test.
const httpStatusKind = defineKind({
  id: 'http-status',
  family: 'api',
  summary: 'GET a path on the estate and expect a status',
  params: z.strictObject({ path: z.string().startsWith('/'), status: z.number().int().min(100).max(599).default(200) }),
  severity: 'major',
  plan: (ctx: PlanContext<unknown, { base: string }>, p, severity) => [
    {
      type: 'check',
      id: `http-status:${p.path}`,
      family: 'api',
      kind: 'http-status',
      title: `GET ${p.path} is ${p.status}`,
      target: {},
      severity,
      timeoutMs: 2_000,
      retries: 0,
      run: async (signal) => {
        const res = await request(new URL(p.path, ctx.estate.base), { signal });
        await res.body.dump();
        return res.statusCode === p.status
          ? passed({ status: res.statusCode })
          : failed({ layer: 'http', code: 'HTTP_STATUS', message: `GET ${p.path} answered ${res.statusCode}, expected ${p.status}` });
      },
    },
  ],
});

const registry = [...KINDS, httpStatusKind] as const;
const actions = { go: { say: 'go on' }, 'no-go': { say: 'stop' }, inconclusive: { say: 'look' } };
const windowWith = (blocking: boolean) =>
  windowSchema(registry).parse({
    date: '2026-01-18',
    title: 'custom kind',
    steps: [
      {
        id: 'api',
        at: { time: '01:00' },
        title: 'api check',
        checks: [
          { kind: 'http-status', path: '/health', blocking },
          { kind: 'http-status', path: '/ok' },
        ],
        actions,
      },
    ],
  });

test('a kind added outside core/ is planned from a window, run, and blocks only where the window says so', async () => {
  const server = createServer((req, res) => res.writeHead(req.url === '/ok' ? 200 : 503).end()).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const source: EstateSource = { env: 'test', open: async () => ({ estate: { base }, close: async () => undefined }) };
  const config = parseConfig(harness);
  try {
    for (const [blocking, verdict] of [
      [true, 'no-go'],
      [false, 'go'],
    ] as const) {
      const out = tempDir('kind');
      const step = windowWith(blocking).steps[0]!;
      const s = await runStep({
        config,
        kinds: registry,
        source,
        step,
        window: '2026-01-18',
        outDir: out,
        signal: new AbortController().signal,
      });
      assert.equal(s.verdict, verdict, `blocking: ${blocking}`);
      const health = s.checks.find((c) => c.id === 'http-status:/health')!;
      assert.equal(health.status, 'failed');
      assert.equal(health.severity, blocking ? 'critical' : 'major');
      assert.match(health.message!, /GET \/health answered 503, expected 200/);
      assert.equal(s.checks.find((c) => c.id === 'http-status:/ok')?.status, 'passed');
      assert.equal(s.action, blocking ? 'stop' : 'go on');
      rmSync(out, { recursive: true, force: true });
    }
  } finally {
    server.close();
  }
});

test('a window naming an unregistered kind or bad parameters is refused with every path named', () => {
  const r = windowSchema(KINDS).safeParse({
    date: '2026-02-30',
    title: 't',
    steps: [
      {
        id: 'a',
        at: { time: '25:00' },
        title: 'a',
        tickets: ['plat 1'],
        requires: ['b'],
        checks: [
          { kind: 'http-status', path: '/x' },
          { kind: 'k6', script: 'soak', hosts: ['www'] },
        ],
        actions,
      },
      { id: 'a', at: { time: '01:00' }, title: 'dup', checks: [{ kind: 'direct', servers: [] }], actions },
    ],
  });
  assert.equal(r.success, false);
  const paths = r.error!.issues.map((i) => i.path.join('.'));
  for (const p of ['steps.0.at.time', 'steps.0.tickets.0', 'steps.0.checks.0.kind', 'steps.0.checks.1.script', 'steps.1.checks.0.servers'])
    assert.ok(paths.includes(p), `${p} in ${paths.join(', ')}`);
});

test('core/ imports neither the lab nor the registry nor a family planner: kinds reach it as data', () => {
  const files = readdirSync(join(ROOT, 'core'), { recursive: true, withFileTypes: true }).filter(
    (f) => f.isFile() && f.name.endsWith('.ts'),
  );
  assert.ok(files.length > 15);
  for (const f of files) {
    const text = readFileSync(join(f.parentPath, f.name), 'utf8');
    // The config schema composes each family's own config section (one config document); nothing else leaves core.
    const allowed = /\/(dns|k6|e2e)\/config\.ts'$/;
    const outside = [...text.matchAll(/from '(\.\.\/[^']+)'/g)]
      .map((m) => m[1]!)
      .filter((p) => !p.startsWith('../') || /^(\.\.\/)+(lab|sanity|dns|k6|e2e|reports|estate|scripts|windows)\/|kinds\.ts$/.test(p));
    assert.deepEqual(
      outside.filter((p) => !allowed.test(`${p}'`)),
      [],
      `${f.name} imports outside core`,
    );
  }
});
