// The window report as the issue asks for it: run folders made by the real CLI on the lab, `npm run report --
// --window=2025-06-22`, the single HTML file opened from disk in Chromium: every step with its verdict, links into
// its checks, and a check's history from the previous window.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchTestBrowser, type TestBrowser } from '../support/browser.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from '@playwright/test';
import type { Summary } from '../../core/result.ts';
import { findChromium } from '../../e2e/browser.ts';
import { runCli } from '../cli/helpers.ts';
import { JUNE } from '../support/window.ts';
import { tmpRoot } from './fixture.ts';

const ROOT = tmpRoot('window-browser');
const executablePath = findChromium();
const skip = executablePath ? false : 'no Chromium (apt-get install -y chromium, or CHROMIUM_PATH)';
let browser: Browser | undefined;
let launched: TestBrowser | undefined;

before(async () => {
  launched = await launchTestBrowser();
  browser = launched?.browser;
});
after(async () => {
  await launched?.close();
});

/** Quick real runs: sanity checks only, one healthy, one with a server down, one the harness repairs with --apply. */
const JUNE_RUNS = [
  { step: 'pre-maintenance', args: [] },
  { step: 'web1-5', args: ['--fault=web-down:IC-Web3'] },
  { step: 'post-window', args: ['--fault=maintenance-stuck:my', '--apply'] },
];

async function smoke(windowDir: string, step: string, args: string[], window = '2025-06-22'): Promise<string> {
  const out = join(windowDir, step, 'r1');
  const r = await runCli('smoke.ts', [`--window=${window}`, `--phase=${step}`, '--only=sanity', `--out=${out}`, ...args]);
  // any verdict will do (on a loaded machine a healthy check can time out): the report must show the one the run wrote
  assert.ok([0, 1, 2].includes(r.code ?? -1), `${step}: exit ${r.code}\n${r.stderr.slice(-2000)}`);
  return out;
}

test('npm run report -- --window: one HTML file from disk shows every step of the window with its verdict', {
  skip,
  timeout: 240_000,
}, async () => {
  const june = join(ROOT, 'runs', '2025-06-22');
  const may = join(ROOT, 'runs', '2025-05-18');
  const history = join(ROOT, 'runs', 'window-history.lab.jsonl');
  // last month's window, where IC-Web3 was down at web1-5 too
  await smoke(may, 'web1-5', ['--fault=web-down:IC-Web3'], '2025-05-18');
  const mayReport = await runCli('report.ts', ['--window=2025-05-18', `--window-dir=${may}`, `--history=${history}`]);
  assert.equal(mayReport.code, 0, mayReport.stderr + mayReport.stdout);

  const verdicts = new Map<string, string>();
  const summaries = new Map<string, Summary>();
  for (const run of JUNE_RUNS) {
    const dir = await smoke(june, run.step, run.args);
    const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary;
    summaries.set(run.step, s);
    verdicts.set(run.step, s.applied?.verdict ?? s.verdict);
  }
  assert.equal(verdicts.get('web1-5'), 'no-go', 'IC-Web3 is down');
  assert.equal(summaries.get('post-window')?.verdict, 'no-go', 'the maintenance page stuck on my');
  assert.ok(summaries.get('post-window')?.applied, '--apply acted');
  const r = await runCli('report.ts', ['--window=2025-06-22', `--window-dir=${june}`, `--history=${history}`]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const html = /window report: (.+index\.html)/.exec(r.stdout)?.[1];
  assert.ok(html, r.stdout);
  assert.match(r.stdout, /history: 1 earlier window \(lab\)/);

  const page = await browser!.newPage({ viewport: { width: 1400, height: 1000 } });
  try {
    const requests: string[] = [];
    page.on('request', (q) => requests.push(q.url()));
    await page.goto(pathToFileURL(html).href);
    await page
      .locator('[data-testid="tree-section"], [data-testid="tree-leaf"], [data-testid="tree-item"]')
      .first()
      .waitFor({ timeout: 30_000 });
    assert.deepEqual(
      requests.filter((u) => !/^(file|data|blob):/.test(u)),
      [],
      'opens from disk: no network',
    );
    await page.screenshot({ path: join(ROOT, 'window-first-screen.png') });
    await page.screenshot({ path: join(ROOT, 'window-full.png'), fullPage: true });

    // every step of the window file, in runbook order, with its verdict (after --apply), the others not run
    const rows = page.locator('.hd-timeline tbody tr');
    assert.equal(await rows.count(), JUNE.steps.length);
    for (const [i, step] of JUNE.steps.entries()) {
      const row = rows.nth(i);
      assert.equal(await row.getAttribute('data-step'), step.id);
      const want = verdicts.get(step.id);
      const shown = (await row.locator('.hd-v').innerText()).trim();
      assert.equal(shown, want ? want.toUpperCase() : 'NOT RUN', `${step.id}: ${shown}`);
      const cells = await row.locator('td').allInnerTexts();
      assert.match(cells[0]!, /^\w{3} \d\d:\d\d E[DS]T/, `${step.id}: time in ET`);
      assert.match(cells[1]!, /^\w{3} \d\d:\d\d IST/, `${step.id}: time in IST`);
    }
    const first = await page.locator('.hd-timeline').boundingBox();
    assert.ok(first && first.y < 200, 'the timeline opens the report');
    const post = summaries.get('post-window')!;
    if (post.applied?.verdict !== post.verdict)
      assert.match(await rows.nth(JUNE.steps.findIndex((s) => s.id === 'post-window')).innerText(), /NO-GO before --apply/);

    // a step links to its block, and its block into its checks
    await rows
      .nth(JUNE.steps.findIndex((s) => s.id === 'web1-5'))
      .locator('td:nth-child(3) a')
      .click();
    const block = page.locator('#step-web1-5');
    assert.equal(await block.getAttribute('data-verdict'), 'no-go');
    const reason = block.locator('h2 + ul a').first();
    assert.match((await reason.getAttribute('href')) ?? '', /^#[0-9a-f]{32}$/);
    await reason.click();
    await page.getByText('refused the connection').first().waitFor({ timeout: 10_000 });
    // history across windows: the same check failed at web1-5 last month
    const tab = page.getByText(/^History/).first();
    await tab.click();
    assert.match(await tab.innerText(), /History\s*1/);
    await page.screenshot({ path: join(ROOT, 'window-check-history.png') });
  } finally {
    await page.close();
  }
});
