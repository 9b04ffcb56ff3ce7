// Builds the single-file Allure 3 HTML report offline by running the installed `allure` CLI in a child process.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { injectDecision } from './decision-page.ts';
import { FINDING_TITLE } from './findings.ts';
import type { Finding } from './findings.ts';
import { dirname, join, resolve } from 'node:path';

export interface AllureHtmlOptions {
  resultsDir: string;
  /** Further results folders in one report (several run folders: a window's steps). */
  moreResultsDirs?: readonly string[];
  outDir: string;
  reportName: string;
  /** Allure 3 history file (JSONL) shared by runs; absent → no history. */
  historyPath?: string;
  /** Environment variable names the child must not see (the Slack webhooks). */
  hideEnv?: readonly string[];
  timeoutMs?: number;
  /** HTML put first in <body> (the decision panel of reports/decision-page.ts). */
  decisionHtml?: string;
}

/** The tree: step (suite label = phase) › kind › target. */
export const GROUP_BY = ['suite', 'feature', 'target'] as const;

/** Allure categories from the `finding` label each result carries (first match wins; unmatched = Allure's defaults). */
export function categoriesConfig(): { rules: { id: string; name: string; matchers: Record<string, unknown>; expand?: boolean }[] } {
  const order: Finding[] = ['blocking-failed', 'blocking-broken', 'new', 'pre-existing', 'warning', 'broken', 'flaky'];
  return {
    rules: order.map((f) => ({
      id: `harness-${f}`,
      name: FINDING_TITLE[f],
      matchers: { labels: { finding: `^${f}$` } },
      ...(f.startsWith('blocking') ? { expand: true } : {}),
    })),
  };
}

export class AllureHtmlError extends Error {
  override readonly name = 'AllureHtmlError';
}

/** The awesome plugin hard-codes a Google Analytics tag; a report opened during the window must not call out. */
const ANALYTICS_BLOCK =
  /\s*<script async src="https:\/\/www\.googletagmanager\.com\/gtag\/js[^"]*"><\/script>\s*<script>[^<]*?gtag\([^<]*?<\/script>/;

export function stripAnalytics(html: string): { html: string; clean: boolean } {
  const out = html.replace(ANALYTICS_BLOCK, '');
  return { html: out, clean: !/googletagmanager|gtag\(/.test(out) };
}

function allureCli(): string {
  // the package exports only dist/index.js; its bin sits two levels up
  const main = createRequire(import.meta.url).resolve('allure');
  return join(dirname(dirname(main)), 'cli.js');
}

function childEnv(hide: readonly string[]): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };
  for (const name of Object.keys(env)) if (name.startsWith('SLACK_') || hide.includes(name)) delete env[name];
  return env;
}

/** Runs `allure awesome --single-file`; returns the path of index.html. Throws AllureHtmlError with the CLI's own words. */
export async function buildAllureHtml(options: AllureHtmlOptions): Promise<string> {
  const opts = {
    ...options,
    resultsDir: resolve(options.resultsDir),
    outDir: resolve(options.outDir),
    historyPath: options.historyPath && resolve(options.historyPath),
  };
  await rm(opts.outDir, { recursive: true, force: true });
  const configPath = `${opts.outDir}.allurerc.json`;
  await writeFile(configPath, JSON.stringify({ categories: categoriesConfig() }, null, 2), 'utf8');
  const args = [
    allureCli(),
    'awesome',
    opts.resultsDir,
    ...(opts.moreResultsDirs ?? []).map((d) => resolve(d)),
    '--output',
    opts.outDir,
    '--single-file',
    '--name',
    opts.reportName,
    '--config',
    configPath,
    '--group-by',
    GROUP_BY.join(','),
  ];
  if (opts.historyPath) args.push('--history-path', opts.historyPath);
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    // cwd is the results' parent so an allurerc in the repo cannot change what is generated
    const child = spawn(process.execPath, args, {
      cwd: dirname(opts.resultsDir),
      env: childEnv(opts.hideEnv ?? []),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new AllureHtmlError(`cannot start the allure CLI: ${err.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  }).finally(() => rm(configPath, { force: true }));
  if (code !== 0) {
    const tail = output
      .replace(/\u001b\[[0-9;]*m/g, '')
      .trim()
      .split('\n')
      .slice(-5)
      .join('\n');
    throw new AllureHtmlError(
      code === null ? `allure did not finish within ${timeoutMs} ms` : `allure exited with ${code}: ${tail || 'no output'}`,
    );
  }
  const index = join(opts.outDir, 'index.html');
  const html = await readFile(index, 'utf8').catch(() => {
    throw new AllureHtmlError(`allure reported success but wrote no ${index}:\n${output.trim()}`);
  });
  const stripped = stripAnalytics(html);
  if (!stripped.clean)
    throw new AllureHtmlError(
      `${index} still loads Google Analytics after stripping: the allure version changed its template; update ANALYTICS_BLOCK in reports/allure-html.ts`,
    );
  await writeFile(index, opts.decisionHtml ? injectDecision(stripped.html, opts.decisionHtml) : stripped.html, 'utf8');
  return index;
}
