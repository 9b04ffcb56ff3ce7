// Families switched off per environment (environments.<env>.outOfScope): never planned there, named in the summary
// apart from --only's partial run, so an estate without DNS (or k6) in scope can be go without --only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { parseConfig } from '../../core/config/load.ts';
import { UsageError } from '../../core/errors.ts';
import { defineKind } from '../../core/kind.ts';
import { planStep } from '../../core/plan.ts';
import { broken, passed } from '../../core/probe.ts';
import { runStep } from '../../core/run.ts';
import type { EstateSource } from '../../core/source.ts';
import { windowSchema } from '../../core/window/schema.ts';
import harness from '../../harness.config.ts';
import { ROOT, runCli, tempDir } from '../cli/helpers.ts';

// Two families: one that passes, and one (dns) that is always broken where the estate has no DNS in scope.
const kind = (id: string, family: string, ok: boolean) =>
  defineKind({
    id,
    family,
    summary: `${family} stand-in`,
    params: z.strictObject({}),
    severity: 'critical',
    plan: (_ctx, _p, severity) => [
      {
        type: 'check' as const,
        id: `${id}:one`,
        family,
        kind: id,
        title: `${family} check`,
        target: {},
        severity,
        timeoutMs: 2_000,
        retries: 0,
        run: async () => (ok ? passed() : broken('NO_NAMESERVERS', 'no nameserver configured for this estate')),
      },
    ],
  });
const KINDS = [kind('web', 'sanity', true), kind('zone', 'dns', false), kind('load', 'k6', false)] as const;
const STEP = windowSchema(KINDS).parse({
  date: '2026-03-15',
  title: 'scope',
  steps: [
    {
      id: 'web1-5',
      at: { time: '01:00' },
      title: 'web',
      checks: [
        { kind: 'web', blocking: true },
        { kind: 'zone', blocking: true },
        { kind: 'load', blocking: true },
      ],
      actions: { go: { say: 'go on' }, 'no-go': { say: 'stop' }, inconclusive: { say: 'look' } },
    },
  ],
}).steps[0]!;
const config = parseConfig(harness);
const source: EstateSource = { env: 'staging', open: async () => ({ estate: {}, close: async () => undefined }) };

const planned: { name: string; outOfScope?: string[]; ids: string[] }[] = [
  { name: 'nothing out of scope: every family planned', ids: ['web:one', 'zone:one', 'load:one'] },
  { name: 'dns out of scope: no dns check', outOfScope: ['dns'], ids: ['web:one', 'load:one'] },
  { name: 'dns and k6 out of scope', outOfScope: ['dns', 'k6'], ids: ['web:one'] },
];
for (const c of planned)
  test(`planStep: ${c.name}`, () => {
    const tasks = planStep(
      { step: STEP, config, estate: {}, runDir: '/tmp/unused' },
      { kinds: KINDS, policySeverity: {}, ...(c.outOfScope ? { outOfScope: c.outOfScope } : {}) },
    );
    assert.deepEqual(
      tasks.map((t) => t.id),
      c.ids,
    );
  });

test('an estate without dns and k6 in scope is go, and the summary says what was out of scope (not partial)', async () => {
  const run = async (outOfScope?: string[]) => {
    const out = tempDir('scope');
    try {
      return await runStep({
        config,
        kinds: KINDS,
        source,
        step: STEP,
        window: '2026-03-15',
        outDir: out,
        signal: new AbortController().signal,
        ...(outOfScope ? { outOfScope } : {}),
      });
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  };
  const before = await run();
  assert.equal(before.verdict, 'inconclusive', 'without the declaration the broken dns check holds the run');
  const s = await run(['dns', 'k6']);
  assert.equal(s.verdict, 'go', s.reasons.join('\n'));
  assert.deepEqual(s.outOfScope, { env: 'staging', families: ['dns', 'k6'] });
  assert.equal(s.partial, undefined, 'out of scope is not --only: the run is complete for this environment');
  assert.deepEqual(s.planned, ['web:one']);
});

test('--only naming a family out of scope is a usage error naming the environment', async () => {
  const out = tempDir('scope-only');
  await assert.rejects(
    runStep({
      config,
      kinds: KINDS,
      source,
      step: STEP,
      window: '2026-03-15',
      outDir: out,
      signal: new AbortController().signal,
      only: ['dns'],
      outOfScope: ['dns'],
    }),
    (err: Error) => err instanceof UsageError && /dns is out of scope for staging \(environments\.staging\.outOfScope\)/.test(err.message),
  );
  rmSync(out, { recursive: true, force: true });
});

test('a family the registry does not know is a configuration error naming its path (78)', async () => {
  const dir = tempDir('scope-cfg');
  const overlay = join(dir, 'local.ts');
  writeFileSync(overlay, `export default { environments: { production: { outOfScope: ['dns', 'dnz'] } } };\n`);
  const r = await runCli(
    'plan.ts',
    ['--window=2025-06-22', '--env=production', '--phase=web1-5', `--config=${join(ROOT, 'harness.config.ts')}`],
    {
      HARNESS_LOCAL_CONFIG: overlay,
    },
  );
  assert.equal(r.code, 78, r.stdout + r.stderr);
  assert.match(r.stderr, /environments\.production\.outOfScope\[1\]: no check family or kind "dnz" \(families: .*dns.*\)/);
  rmSync(dir, { recursive: true, force: true });
});

test('npm run plan says what is out of scope for the environment and plans none of it', async () => {
  const dir = tempDir('scope-plan');
  const overlay = join(dir, 'local.ts');
  writeFileSync(overlay, `export default { environments: { production: { outOfScope: ['dns', 'k6'] } } };\n`);
  const r = await runCli('plan.ts', ['--window=2025-06-22', '--env=production', '--phase=dns-migration'], {
    HARNESS_LOCAL_CONFIG: overlay,
  });
  assert.match(r.stdout, /^out of scope for production: dns, k6 \(not planned\)$/m, r.stdout + r.stderr);
  assert.doesNotMatch(r.stdout, /BLOCKS (dns|k6)[: ]/);
  rmSync(dir, { recursive: true, force: true });
});
