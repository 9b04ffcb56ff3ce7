// `npm run report`: JUnit, Allure results, the Allure HTML report and optionally the Slack post, for one run folder.
import { join, resolve } from 'node:path';
import type { z } from 'zod';
import type { SlackChannelConfig } from '../core/config/estate.ts';
import { reportTitle, writeAllureResultsFor } from './allure-results.ts';
import { AllureHtmlError, buildAllureHtml } from './allure-html.ts';
import { decisionPanel } from './decision-page.ts';
import type { DecisionInput } from './decision-page.ts';
import { baselineOf, findingOf } from './findings.ts';
import { writeJUnit } from './junit.ts';
import { RunFolderError, readRunFolder } from './run-folder.ts';
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
  /**
   * The window's baseline run (pre-maintenance): a non-blocking failure it had the same way is shown as pre-existing.
   * Without it each run is compared with the baseline its summary names (summary.json `baseline`), when that is readable.
   */
  baselineDir?: string;
  /** One report over a window's steps (reports/window-report.ts): written under `outDir`, run folders left as they are. */
  window?: WindowReportLayout;
  html?: boolean;
  historyPath?: string;
  reportUrl?: string;
  slack?: {
    channels: readonly z.input<typeof SlackChannelConfig>[];
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

export interface WindowReportLayout {
  /** allure-results/<nn>-<step>/ and allure-report/index.html go here. */
  outDir: string;
  reportName: string;
  /** HTML before the steps' decision blocks (the timeline). */
  headerHtml: string;
  /** The tree's first level for a run (the step with its time). */
  suiteOf: (run: RunView) => string;
  /** The block's anchor for a run (the timeline links to it). */
  anchorOf: (run: RunView) => string;
  /** The report's metadata (Allure's environment): the window's, not one step's. */
  environment: readonly [string, string][];
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
  const applied = run.applied ? ` → ${run.applied.verdict.toUpperCase()} after --apply` : '';
  log(`run ${run.dir}: ${run.phase} · window ${run.window} · ${run.env} · verdict ${run.verdict.toUpperCase()}${applied} (${source})`);
  if (run.missing.length) log(`${run.missing.length} planned check(s) have no result; shown as broken`);
}

/** Never changes the verdict; a failed Slack post or HTML build is reported after everything else is on disk. */
export async function runReport(opts: ReportOptions): Promise<ReportOutcome> {
  const redact = opts.redact ?? ((t: string) => t);
  const log = (line: string) => opts.log(redact(line));
  const run = await readRunFolder(opts.runDir, { redact });
  const more = await Promise.all((opts.moreRunDirs ?? []).map((d) => readRunFolder(d, { redact })));
  const given = opts.baselineDir ? await readRunFolder(opts.baselineDir, { redact }) : undefined;
  if (given)
    log(
      `baseline ${given.dir}: ${given.phase} · verdict ${given.verdict.toUpperCase()} (non-blocking failures it had the same way are pre-existing)`,
    );
  // Without --baseline, each run's own baseline (the one its gate compared with), read once per folder.
  const baselines = new Map<string, Promise<RunView | undefined>>();
  const baselineFor = (view: RunView): Promise<RunView | undefined> => {
    if (given || !view.baseline) return Promise.resolve(given);
    const dir = resolve(view.baseline);
    if (!baselines.has(dir))
      baselines.set(
        dir,
        readRunFolder(dir, { redact }).catch((err: unknown) => {
          if (!(err instanceof RunFolderError)) throw err;
          log(`warning: the baseline ${dir} of ${view.dir} cannot be read (${err.message}): its non-blocking failures are not compared`);
          return undefined;
        }),
      );
    return baselines.get(dir)!;
  };
  // the baseline run itself has nothing to compare with
  const findingsFor = async (view: RunView) => {
    const baseline = await baselineFor(view);
    const before = view.dir === baseline?.dir ? undefined : baselineOf(baseline);
    return (c: ReportedCheck) => findingOf(c, before);
  };

  const decisions: DecisionInput[] = [];
  const resultsDirs: string[] = [];
  let junitPath = '';
  let allureResultsDir = '';
  const layout = opts.window;
  for (const [i, view] of [run, ...more].entries()) {
    for (const w of view.warnings) log(`warning: ${w}`);
    logRun(view, log);
    const findings = await findingsFor(view);
    // A window report reads the run folders and leaves them as they are; its results are its own.
    const junit = layout ? '' : await writeJUnit(view);
    if (junit) log(`junit: ${junit}`);
    const written = await writeAllureResultsFor(
      view,
      findings,
      layout
        ? {
            outDir: join(layout.outDir, 'allure-results', `${String(i + 1).padStart(2, '0')}-${view.phase}`),
            // the same check id runs at several steps: each step's is its own test case, with its own history
            caseKey: (c) => `${view.phase}:${c.id}`,
            suite: layout.suiteOf(view),
            environment: layout.environment,
          }
        : {},
    );
    log(`allure results: ${written.dir}`);
    resultsDirs.push(written.dir);
    decisions.push({
      run: view,
      uuidById: written.uuidById,
      findings,
      ...(layout ? { anchor: layout.anchorOf(view), listChecks: true } : {}),
    });
    if (view === run) [junitPath, allureResultsDir] = [junit, written.dir];
  }

  let htmlPath: string | null = null;
  let htmlFailed = false;
  if (opts.html ?? true) {
    const hideEnv = opts.slack?.channels.map((c) => c.webhookEnv) ?? [];
    try {
      htmlPath = await buildAllureHtml({
        resultsDir: allureResultsDir,
        moreResultsDirs: resultsDirs.slice(1),
        outDir: join(layout?.outDir ?? run.dir, 'allure-report'),
        reportName: layout?.reportName ?? reportTitle(run),
        historyPath: opts.historyPath,
        hideEnv,
        decisionHtml: decisionPanel(decisions, layout?.headerHtml),
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
