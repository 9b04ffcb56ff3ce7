// The browser suites are driven by the config's page contracts, not by the lab's invented app: outside the lab the
// lab's hand-written specs (biller search, test cards) are not even listed; the pre-maintenance smoke records each
// contract page's accessibility tree and post-window compares with it (a change names the page and the lines; no
// baseline is broken, never passed).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HarnessConfig } from '../../core/config/schema.ts';
import type { Lab } from '../../lab/index.ts';
import { ariaDiff, diffSummary } from '../../e2e/aria-diff.ts';
import { ARIA_ENV, ariaDirOf, snapshotFile } from '../../e2e/contracts.ts';
import { ariaEnv, e2eBatch } from '../../e2e/plan.ts';
import { listTests } from '../../e2e/run.ts';
import { juneStep } from '../support/window.ts';
import { labFor, planContext, runBatch, tmpDir } from './support/lab.ts';

const LAB_APP = /(smoke|regression)\/(www|my|sso)\.spec\.ts/;

describe('which specs run where', () => {
  const listings: { name: string; env: Record<string, string>; suite: 'smoke' | 'regression'; labApp: boolean }[] = [
    { name: 'the lab runs its own app specs', env: {}, suite: 'smoke', labApp: true },
    { name: 'production smoke: contracts only', env: { HARNESS_E2E_ENV: 'production' }, suite: 'smoke', labApp: false },
    { name: 'production regression: no payment, no lab app', env: { HARNESS_E2E_ENV: 'production' }, suite: 'regression', labApp: false },
    {
      name: 'an environment that declares the lab app runs its specs',
      env: { HARNESS_E2E_ENV: 'staging', HARNESS_E2E_LAB_SPECS: '1' },
      suite: 'regression',
      labApp: true,
    },
  ];
  for (const c of listings)
    test(c.name, () => {
      const listed = listTests({ suite: c.suite, hosts: ['www', 'www2', 'my', 'sso'], env: c.env });
      assert.ok('ids' in listed, JSON.stringify(listed));
      const ids = listed.ids;
      assert.equal(
        ids.some((id) => LAB_APP.test(id)),
        c.labApp,
        ids.join('\n'),
      );
      assert.equal(
        ids.some((id) => /pays an invoice with the test card/.test(id)),
        c.labApp && c.suite === 'regression',
      );
      for (const h of ['www', 'www2', 'my', 'sso'])
        assert.ok(
          ids.includes(`e2e:${h}:smoke/all-hosts.spec.ts:every host › serves the app, not the maintenance page`),
          `${h}: contract pages`,
        );
    });
});

describe('the accessibility-tree baseline, by step', () => {
  const config = { environments: {} } as unknown as HarnessConfig;
  const ctx = (env: string, step: string, baselineRun?: string) => ({
    step: juneStep(step),
    config,
    estate: { env },
    runDir: '/runs/w/step/t1',
    ...(baselineRun ? { baselineRun } : {}),
  });
  const cases: { name: string; args: Parameters<typeof ariaEnv>; want: Record<string, string | RegExp> }[] = [
    {
      name: 'pre-maintenance records into its own run folder',
      args: [ctx('production', 'pre-maintenance') as never, 'smoke'],
      want: { [ARIA_ENV.mode]: 'record', [ARIA_ENV.dir]: ariaDirOf('/runs/w/step/t1') },
    },
    {
      name: 'post-window compares with the baseline run',
      args: [ctx('production', 'post-window', '/runs/w/pre/t0') as never, 'smoke'],
      want: { [ARIA_ENV.mode]: 'compare', [ARIA_ENV.dir]: ariaDirOf('/runs/w/pre/t0') },
    },
    {
      name: 'post-window without a baseline compares with nothing: broken, saying why',
      args: [ctx('production', 'post-window') as never, 'smoke'],
      want: { [ARIA_ENV.mode]: 'compare', [ARIA_ENV.missing]: /no complete pre-maintenance run of this window for production/ },
    },
    { name: 'the lab (a fresh estate) without a baseline: no comparison', args: [ctx('lab', 'post-window') as never, 'smoke'], want: {} },
    { name: 'web1-5: neither', args: [ctx('production', 'web1-5') as never, 'smoke'], want: {} },
    { name: 'regression: neither', args: [ctx('production', 'post-window', '/b') as never, 'regression'], want: {} },
    { name: "the window's aria: 'off'", args: [ctx('production', 'post-window', '/b') as never, 'smoke', 'off'], want: {} },
  ];
  for (const c of cases)
    test(c.name, () => {
      const got = ariaEnv(...c.args);
      assert.deepEqual(Object.keys(got).sort(), Object.keys(c.want).sort());
      for (const [k, v] of Object.entries(c.want)) typeof v === 'string' ? assert.equal(got[k], v) : assert.match(got[k] ?? '', v);
    });

  test('the diff names what the baseline had and what the page shows now, in page order', () => {
    const before = '- main:\n  - heading "Pay" [level=1]\n  - button "Find biller"\n- contentinfo: x';
    const now = '- main:\n  - heading "Pay" [level=1]\n  - button "Find a biller"\n- contentinfo: x\n- alert: down';
    assert.deepEqual(ariaDiff(before, now), ['- - button "Find biller"', '+ - button "Find a biller"', '+ - alert: down']);
    assert.equal(diffSummary(['a', 'b', 'c'], 2), 'a | b | … 1 more changed lines');
  });
});

describe('recorded before the window, compared after it (lab)', { concurrency: 1 }, () => {
  let config: HarnessConfig;
  let lab: Lab;
  const root = tmpDir('e2e-aria-');
  before(async () => ({ config, lab } = await labFor('post-window')));
  after(async () => {
    await lab?.stop();
    rmSync(lab.dir, { recursive: true, force: true });
    if (!process.env.KEEP) rmSync(root, { recursive: true, force: true });
  });

  const baselineRun = join(root, 'pre-maintenance');
  const snapshot = () => snapshotFile(ariaDirOf(baselineRun), 'www', '/');

  test('pre-maintenance records each contract page; post-window against it passes', async () => {
    const pre = planContext(config, lab, 'pre-maintenance', baselineRun);
    const recorded = await runBatch(e2eBatch(pre, 'smoke', ['www'], { grep: 'serves the app' }), baselineRun);
    assert.deepEqual(
      recorded.map((r) => r.status),
      ['passed'],
      JSON.stringify(recorded),
    );
    assert.ok(existsSync(snapshot()), 'the snapshot is in the pre-maintenance run folder');
    assert.match(readFileSync(snapshot(), 'utf8'), /- main:/);
    const runDir = join(root, 'post-same');
    const post = { ...planContext(config, lab, 'post-window', runDir), baselineRun };
    const results = await runBatch(e2eBatch(post, 'smoke', ['www'], { grep: 'before the window' }), runDir);
    assert.equal(results.length, 1, JSON.stringify(results));
    assert.equal(results[0]?.id, 'e2e:www:smoke/all-hosts.spec.ts:every host › renders as before the window (accessibility-tree baseline)');
    assert.equal(results[0]?.status, 'passed', results[0]?.message);
  });

  test('a page that renders differently fails, naming the page and the changed lines', async () => {
    writeFileSync(snapshot(), readFileSync(snapshot(), 'utf8').replace('button "Find biller"', 'button "Find a biller"'));
    const runDir = join(root, 'post-changed');
    const post = { ...planContext(config, lab, 'post-window', runDir), baselineRun };
    const [r, ...more] = await runBatch(e2eBatch(post, 'smoke', ['www'], { grep: 'before the window' }), runDir);
    assert.equal(more.length, 0);
    assert.equal(r?.status, 'failed', r?.message);
    assert.equal(r?.severity, 'critical');
    assert.match(
      r?.message ?? '',
      /www\.invoicecloud\.test\/ renders differently from before the window: - - button "Find a biller" \| \+ - button "Find biller" \(baseline .*%2F\.aria\.yml\)/,
    );
  });

  test('no baseline outside the lab: broken "no baseline", never passed', async () => {
    const runDir = join(root, 'post-none');
    const lab0 = planContext(config, lab, 'post-window', runDir);
    // The lab as a named environment: its hosts mapped to its gateway, its CA pinned, and no window history.
    const staging = { ...config, environments: { staging: { addresses: {}, browserVia: 'gateway' as const } } };
    const ctx = { ...lab0, config: staging, estate: { ...lab0.estate, env: 'staging' } };
    const results = await runBatch(e2eBatch(ctx, 'smoke', ['www'], { grep: 'before the window' }), runDir);
    assert.equal(results.length, 1, JSON.stringify(results));
    assert.equal(results[0]?.status, 'broken', results[0]?.message);
    assert.equal(results[0]?.details?.['harnessCode'], 'NO_BASELINE');
    assert.match(results[0]?.message ?? '', /no baseline: no complete pre-maintenance run of this window for staging/);
  });
});
