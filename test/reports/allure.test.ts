import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AllureTestResult } from '../../reports/allure-results.ts';
import { stableCaseId, writeAllureResults } from '../../reports/allure-results.ts';
import { buildAllureHtml, stripAnalytics } from '../../reports/allure-html.ts';
import { readRunFolder } from '../../reports/run-folder.ts';
import { makeRunFolder, tmpRoot, KIND_IDS } from './fixture.ts';

const TMP_ROOT = tmpRoot('allure');

async function readResults(dir: string): Promise<{ files: string[]; results: AllureTestResult[] }> {
  const files = await readdir(dir);
  const results = await Promise.all(
    files.filter((f) => f.endsWith('-result.json')).map(async (f) => JSON.parse(await readFile(join(dir, f), 'utf8')) as AllureTestResult),
  );
  return { files, results };
}

const label = (r: AllureTestResult, name: string) => r.labels.filter((l) => l.name === name).map((l) => l.value);

test('allure-results: one result per check of every kind and status, with stable ids, labels, parameters, attachments', async () => {
  const { dir, checks } = await makeRunFolder(TMP_ROOT);
  const out = await writeAllureResults(await readRunFolder(dir));
  const { files, results } = await readResults(out);
  assert.equal(results.length, checks.length);
  assert.deepEqual(new Set(results.map((r) => label(r, 'feature')[0])), new Set(KIND_IDS));
  assert.deepEqual(new Set(results.map((r) => r.status)), new Set(['passed', 'failed', 'broken', 'skipped']));

  for (const check of checks) {
    const r = results.find((x) => x.fullName === check.id);
    assert.ok(r, `a result for ${check.id}`);
    assert.ok(files.includes(`${r.uuid}-result.json`), 'file named by uuid');
    assert.equal(r.testCaseId, stableCaseId(check.id));
    assert.equal(r.historyId, stableCaseId(check.id));
    assert.equal(r.name, check.title);
    assert.equal(r.status, check.status);
    assert.equal(r.stage, 'finished');
    assert.equal(r.start, Date.parse(check.startedAt));
    assert.equal(r.stop! - r.start!, check.durationMs);
    assert.deepEqual(label(r, 'suite'), ['post-window']);
    assert.deepEqual(label(r, 'parentSuite'), ['2025-06-22']);
    assert.deepEqual(label(r, 'severity'), [{ critical: 'critical', major: 'normal', minor: 'minor' }[check.severity]]);
    assert.ok(label(r, 'tag').includes('lab'), 'env as tag');
    assert.deepEqual(label(r, 'host'), check.target.host ? [check.target.host] : []);
    assert.deepEqual(label(r, 'server'), check.target.server ? [check.target.server] : []);
    for (const [name, value] of Object.entries(check.target))
      assert.ok(
        r.parameters.some((p) => p.name === name && p.value === value),
        `parameter ${name}`,
      );
    assert.equal(r.statusDetails.message, check.message);
    assert.equal(r.statusDetails.flaky, check.flaky ? true : undefined);
    if (check.details) {
      assert.equal(r.attachments.length, 1);
      const source = r.attachments[0]!.source;
      assert.equal(r.attachments[0]!.type, 'application/json');
      assert.deepEqual(JSON.parse(await readFile(join(out, source), 'utf8')), check.details);
      assert.match(r.statusDetails.trace ?? '', /HTTP_STATUS/);
    } else {
      assert.deepEqual(r.attachments, []);
    }
  }
  assert.match(await readFile(join(out, 'environment.properties'), 'utf8'), /^phase=post-window$/m);
  assert.equal(JSON.parse(await readFile(join(out, 'executor.json'), 'utf8')).type, 'local');
});

test('allure-results: a replay replaces the folder; ids stay, uuids change', async () => {
  const { dir } = await makeRunFolder(TMP_ROOT);
  const run = await readRunFolder(dir);
  const first = (await readResults(await writeAllureResults(run))).results;
  const second = await readResults(await writeAllureResults(run));
  assert.equal(second.results.length, first.length, 'no duplicates left from the first write');
  assert.deepEqual(second.results.map((r) => r.historyId).sort(), first.map((r) => r.historyId).sort());
  assert.notDeepEqual(second.results.map((r) => r.uuid).sort(), first.map((r) => r.uuid).sort());
});

test('stripAnalytics removes the Google tag and says when it could not', () => {
  const html =
    '<body><div id="app"></div>\n    <script async src="https://www.googletagmanager.com/gtag/js?id=G-X"></script>\n    <script>\n window.dataLayer = window.dataLayer || [];\n function gtag(){dataLayer.push(arguments);}\n gtag(\'js\', new Date());\n</script>\n<script>data</script></body>';
  const out = stripAnalytics(html);
  assert.equal(out.clean, true);
  assert.equal(out.html, '<body><div id="app"></div>\n<script>data</script></body>');
  assert.equal(stripAnalytics('<script src="https://www.googletagmanager.com/x.js"></script>').clean, false);
});

test('allure HTML: one offline file, no analytics, built from the results', async () => {
  const { dir } = await makeRunFolder(TMP_ROOT);
  const run = await readRunFolder(dir);
  const resultsDir = await writeAllureResults(run);
  const started = Date.now();
  const index = await buildAllureHtml({ resultsDir, outDir: join(dir, 'allure-report'), reportName: 'harness test report' });
  assert.ok(Date.now() - started < 20_000, 'report generation stays fast');
  const html = await readFile(index, 'utf8');
  assert.doesNotMatch(html, /googletagmanager|gtag\(/);
  assert.doesNotMatch(html, /<script[^>]+src="https?:/, 'no remote scripts: it opens from disk');
  assert.match(html, /harness test report/);
  const stats = JSON.parse(await readFile(join(dir, 'allure-report', 'summary.json'), 'utf8')) as { stats: Record<string, number> };
  assert.deepEqual({ ...stats.stats }, { total: 28, passed: 7, failed: 7, broken: 7, skipped: 7, flaky: 1 });
  assert.equal(existsSync(join(dir, 'allure-report', 'index.html')), true);
});

test('allure HTML with a history file: the second run of the same checks knows them all (stable ids)', async () => {
  const { dir } = await makeRunFolder(TMP_ROOT);
  const historyPath = join(dir, 'history.jsonl');
  const newTests: number[] = [];
  for (let i = 0; i < 2; i += 1) {
    const resultsDir = await writeAllureResults(await readRunFolder(dir));
    await buildAllureHtml({ resultsDir, outDir: join(dir, 'allure-report'), reportName: `run ${i}`, historyPath });
    newTests.push(
      (JSON.parse(await readFile(join(dir, 'allure-report', 'summary.json'), 'utf8')) as { newTests: string[] }).newTests.length,
    );
  }
  assert.deepEqual(newTests, [28, 0]);
  assert.equal((await readFile(historyPath, 'utf8')).trim().split('\n').length, 2);
});

test('allure HTML: an empty results folder is a clear error, not a crash', async () => {
  const { dir } = await makeRunFolder(TMP_ROOT);
  await assert.rejects(buildAllureHtml({ resultsDir: join(dir, 'no-such-results'), outDir: join(dir, 'allure-report'), reportName: 'x' }), {
    name: 'AllureHtmlError',
    message: /allure exited with 1: No test results directories found/,
  });
});
