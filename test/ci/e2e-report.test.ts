// The pipelines' `npm run regression -- --e2e-report=merged.json`: e2e results read from the shards' merged Playwright
// report through the same adapter, every listed test still planned, a test the report lacks broken, Playwright not started.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JSONReport, JSONReportSuite } from '@playwright/test/reporter';
import type { Summary } from '../../core/result.ts';
import type { RunPlan } from '../../core/ledger.ts';
import { playwrightCli } from '../../e2e/run.ts';
import { ROOT, runCli, tempDir } from '../cli/helpers.ts';

const dir = tempDir('e2e-report');
after(() => rmSync(dir, { recursive: true, force: true }));

/** Playwright's own listing of the regression suite: what the shards run, as a JSON report without results. */
function listing(): JSONReport {
  const r = spawnSync(process.execPath, [playwrightCli(), 'test', '--list', '--reporter=json', '--grep=@regression'], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as JSONReport;
}

type Test = JSONReportSuite['specs'][number]['tests'][number];
const eachTest = (suites: readonly JSONReportSuite[], fn: (spec: JSONReportSuite['specs'][number], t: Test) => boolean): void => {
  for (const s of suites) {
    for (const spec of s.specs) spec.tests = spec.tests.filter((t) => fn(spec, t));
    eachTest(s.suites ?? [], fn);
  }
};

/** A merged report as `playwright merge-reports --reporter=json` writes it: test 0 failed, test 1 absent, the rest passed. */
interface Named {
  project: string;
  file: string;
  title: string;
}

function mergedReport(): { file: string; failed: Named; absent: Named; total: number } {
  const report = listing();
  let n = 0;
  let failed: Named | undefined;
  let absent: Named | undefined;
  eachTest(report.suites, (spec, t) => {
    const i = n++;
    const name = { project: t.projectName, file: spec.file, title: spec.title };
    if (i === 1) {
      absent = name;
      return false;
    }
    if (i === 0) failed = name;
    Object.assign(t, {
      status: i === 0 ? 'unexpected' : 'expected',
      results: [
        {
          workerIndex: 0,
          parallelIndex: 0,
          status: i === 0 ? 'failed' : 'passed',
          duration: 120,
          startTime: '2025-06-22T13:00:00.000Z',
          retry: 0,
          errors: i === 0 ? [{ message: 'Error: expect(locator).toBeVisible() failed\n\nCall log:\n  - waiting' }] : [],
          attachments: [],
          steps: [],
        },
      ],
    });
    return true;
  });
  const file = join(dir, 'merged.json');
  writeFileSync(file, JSON.stringify(report));
  assert.ok(failed && absent && n > 2, 'the suite lists tests');
  return { file, failed, absent, total: n };
}

const read = <T>(p: string): T => JSON.parse(readFileSync(p, 'utf8')) as T;

test('npm run regression --e2e-report: each listed test planned, results from the merged report, the missing one broken', async () => {
  const m = mergedReport();
  const out = join(dir, 'run');
  const r = await runCli('smoke.ts', ['--phase=regression', '--only=e2e', `--e2e-report=${m.file}`, `--out=${out}`]);
  const plan = read<RunPlan>(join(out, 'plan.json'));
  const summary = read<Summary>(join(out, 'summary.json'));
  const e2e = summary.checks.filter((c) => c.kind === 'e2e');
  assert.equal(plan.planned.length, m.total, 'every test Playwright lists is planned');
  assert.equal(e2e.length, m.total, r.stderr);
  const byName = (t: Named) => e2e.find((c) => c.id.startsWith(`e2e:${t.project}:${t.file}:`) && c.id.endsWith(t.title));
  assert.equal(byName(m.failed)?.status, 'failed');
  assert.match(byName(m.failed)?.message ?? '', /toBeVisible\(\) failed/);
  const missing = byName(m.absent);
  assert.equal(missing?.status, 'broken');
  assert.match(missing?.message ?? '', /not in the merged Playwright report .*merged\.json/);
  assert.equal(e2e.filter((c) => c.status === 'passed').length, m.total - 2);
  assert.equal(summary.verdict, 'no-go', 'the failed blocking test decides');
  assert.equal(r.code, 1);
  assert.ok(!existsSync(join(out, 'e2e', 'regression')), 'Playwright was not started (it writes run/e2e/regression/)');
});

test('--e2e-report: a file that is not a report leaves every e2e check broken, naming it; no file at all is a usage error', async () => {
  const bad = join(dir, 'not-a-report.json');
  writeFileSync(bad, '{"truncated": ');
  const out = join(dir, 'bad');
  const r = await runCli('smoke.ts', ['--phase=regression', '--only=e2e', `--e2e-report=${bad}`, `--out=${out}`]);
  const summary = read<Summary>(join(out, 'summary.json'));
  assert.ok(summary.checks.length > 1);
  for (const c of summary.checks) {
    assert.equal(c.status, 'broken', c.id);
    assert.match(c.message ?? '', /merged Playwright report .*not-a-report\.json cannot be read/);
  }
  assert.equal(summary.verdict, 'inconclusive');
  assert.equal(r.code, 2);

  const none = await runCli('smoke.ts', ['--phase=regression', '--only=e2e', `--e2e-report=${join(dir, 'absent.json')}`]);
  assert.equal(none.code, 64);
  assert.match(none.stderr, /--e2e-report=.*absent\.json: no such file/);
});
