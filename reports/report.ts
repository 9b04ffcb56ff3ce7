// `npm run report`: JUnit, Allure results, the Allure HTML report and optionally the Slack post, for one run folder.
import { join } from 'node:path';
import type { z } from 'zod';
import type { SlackChannelConfig } from '../core/config/estate.ts';
import { reportTitle, writeAllureResultsFor } from './allure-results.ts';
import { AllureHtmlError, buildAllureHtml } from './allure-html.ts';
import { decisionPanel } from './decision-page.ts';
import type { DecisionInput } from './decision-page.ts';
import { baselineOf, findingOf } from './findings.ts';
import { writeJUnit } from './junit.ts';
import { readRunFolder } from './run-folder.ts';
import type { RunView } from './run-folder.ts';
import type { ReportedCheck } from './checks.ts';
import { postSlackSummary, writeSlackReport } from './slack.ts';
import type { SlackReport } from './slack.ts';

/** Exit codes of `npm run report` (documented in docs/reports.md). */
export const REPORT_EXIT = { ok: 0, slackFailed: 3, reportFailed: 4, dataError: 65, noInput: 66, usage: 64, config: 78 } as const;

export interface ReportOptions {
  runDir: string;
  /** More run folders in the same HTML report (each gets its own junit.xml and allure-results/); Slack is about runDir. */
  moreRunDirs?: readonly string[];
  /** The window's baseline run (pre-maintenance): a non-blocking failure it had the same way is shown as pre-existing. */
  baselineDir?: string;
  html?: boolean;
  historyPath?: string;
  reportUrl?: string;
  slack?: {
    channels: readonly z.infer<typeof SlackChannelConfig>[];
    env: Readonly<Record<string, string | undefined>>;
    timeoutMs?: number;
    retries?: number;
    minBackoffMs?: number;
  };
  /** Where progress lines go (stdout in the CLI); every line passes `redact` first. */
  log: (line: string) => void;
  /** core/redact.ts redactor over the secret values of the environment; applied to everything read and printed. */
  redact?: (text: string) => string;
}

export interface ReportOutcome {
  exitCode: number;
  junitPath: string;
  allureResultsDir: string;
  htmlPath: string | null;
  slack: SlackReport | null;
}

function logRun(run: RunView, log: (line: string) => void): void {
  const source = run.hasSummary ? 'from summary.json' : 'the run has no summary.json: partial run';
  log(`run ${run.dir}: ${run.phase} · window ${run.window} · ${run.env} · verdict ${run.verdict.toUpperCase()} (${source})`);
  if (run.missing.length) log(`${run.missing.length} planned check(s) have no result; shown as broken`);
}

/** Never changes the verdict; a failed Slack post or HTML build is reported after everything else is on disk. */
export async function runReport(opts: ReportOptions): Promise<ReportOutcome> {
  const redact = opts.redact ?? ((t: string) => t);
  const log = (line: string) => opts.log(redact(line));
  const run = await readRunFolder(opts.runDir, { redact });
  const more = await Promise.all((opts.moreRunDirs ?? []).map((d) => readRunFolder(d, { redact })));
  const baseline = opts.baselineDir ? await readRunFolder(opts.baselineDir, { redact }) : undefined;
  const before = baselineOf(baseline);
  // the baseline run itself has nothing to compare with
  const findingsFor = (view: RunView) => (c: ReportedCheck) => findingOf(c, view.dir === baseline?.dir ? undefined : before);
  if (baseline)
    log(
      `baseline ${baseline.dir}: ${baseline.phase} · verdict ${baseline.verdict.toUpperCase()} (non-blocking failures it had the same way are pre-existing)`,
    );

  const decisions: DecisionInput[] = [];
  let junitPath = '';
  let allureResultsDir = '';
  for (const view of [run, ...more]) {
    for (const w of view.warnings) log(`warning: ${w}`);
    logRun(view, log);
    const junit = await writeJUnit(view);
    log(`junit: ${junit}`);
    const findings = findingsFor(view);
    const written = await writeAllureResultsFor(view, findings);
    log(`allure results: ${written.dir}`);
    decisions.push({ run: view, uuidById: written.uuidById, findings });
    if (view === run) [junitPath, allureResultsDir] = [junit, written.dir];
  }

  let htmlPath: string | null = null;
  let htmlFailed = false;
  if (opts.html ?? true) {
    const hideEnv = opts.slack?.channels.map((c) => c.webhookEnv) ?? [];
    try {
      htmlPath = await buildAllureHtml({
        resultsDir: allureResultsDir,
        moreResultsDirs: decisions.slice(1).map((d) => join(d.run.dir, 'allure-results')),
        outDir: join(run.dir, 'allure-report'),
        reportName: reportTitle(run),
        historyPath: opts.historyPath,
        hideEnv,
        decisionHtml: decisionPanel(decisions),
      });
      log(`allure report: ${htmlPath}`);
    } catch (err) {
      if (!(err instanceof AllureHtmlError)) throw err;
      htmlFailed = true;
      log(`allure report FAILED: ${err.message}`);
    }
  }

  let slack: SlackReport | null = null;
  if (opts.slack) {
    const reportPath = htmlPath ?? junitPath;
    slack = await postSlackSummary(run, { ...opts.slack, reportPath, ...(opts.reportUrl ? { reportUrl: opts.reportUrl } : {}) });
    const slackPath = await writeSlackReport(run.dir, slack);
    for (const c of slack.channels) log(`slack ${c.channel}: ${c.detail}`);
    const posted = slack.channels.filter((c) => c.outcome === 'posted').length;
    if (!slack.ok)
      log(
        `slack: post failed (${posted ? 'not every channel got it' : 'no channel got it'}); results and reports are on disk; per-channel outcome in ${slackPath}`,
      );
    else log(`slack: posted to ${posted} channel(s); outcome in ${slackPath}`);
  }

  const slackFailed = slack !== null && !slack.ok;
  const exitCode = htmlFailed ? REPORT_EXIT.reportFailed : slackFailed ? REPORT_EXIT.slackFailed : REPORT_EXIT.ok;
  return { exitCode, junitPath, allureResultsDir, htmlPath, slack };
}
