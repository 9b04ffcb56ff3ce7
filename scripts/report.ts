// CLI: npm run report -- --run=DIR [--run=DIR …] [--baseline=DIR] …  |  --window=DATE [--window-dir=DIR]: the reports.
import { ciRunUrl } from '../reports/ci-url.ts';
import { resolve } from 'node:path';
import { runCommand } from '../core/cli.ts';
import type { HarnessConfig } from '../core/config/schema.ts';
import { loadHarnessConfig } from './lib/context.ts';
import { UsageError } from '../core/errors.ts';
import { makeRedactor, secretValues } from '../core/redact.ts';
import { runReport } from '../reports/report.ts';
import { checkReportUrl } from '../reports/slack.ts';

const USAGE = `usage: npm run report -- --run=DIR [--run=DIR …] [--baseline=DIR] [--slack] [--config=FILE]
                         [--history=FILE] [--report-url=URL] [--no-html]
       npm run report -- --window=DATE|FILE [--window-dir=DIR] [--out=DIR] [--history=FILE|none] [--no-html]

--run=DIR        a run folder (smoke, regression): writes DIR/junit.xml, DIR/allure-results/ and
                 DIR/allure-report/index.html. Repeated: one HTML report over all of them, in the first
                 folder (each still gets its own junit.xml and allure-results/).
--baseline=DIR   the window's pre-maintenance run: a non-blocking failure it had the same way is
                 pre-existing (default: the baseline each run's summary names, when there is one).
--slack          also post the first run's summary to the channels routed for its phase (webhook URLs
                 from the environment variables named in estate.slack.channels) and write DIR/slack.json.
--window=DATE    the window report: one HTML file over every step's latest run of the window file's
                 steps, found in --window-dir (default runs/DATE/; a rehearsal's window folder works too),
                 written to --out (default WINDOW_DIR/window-report/allure-report/index.html), with the
                 timeline in ET and IST. Its Allure history is one point per window and environment in
                 --history (default runs/window-history.<env>.jsonl; none = no history).

exit codes: 0 done · 3 reports written but the Slack post failed or reached no channel ·
4 the HTML report could not be built (other reports written) · 64 bad usage ·
65 malformed run files (a window report is still written, the step shown as unreadable) ·
66 no such run folder, or no run of the window · 78 bad configuration or window file`;

interface Flags {
  run?: string[];
  baseline?: string;
  slack?: boolean;
  config?: string;
  history?: string;
  'report-url'?: string;
  'no-html'?: boolean;
  window?: string;
  'window-dir'?: string;
  out?: string;
}

async function windowReport(values: Flags, log: (line: string) => void, redact: (t: string) => string): Promise<number> {
  const misplaced = (['run', 'baseline', 'slack', 'report-url', 'config'] as const).filter((f) => values[f] !== undefined);
  if (misplaced.length)
    throw new UsageError(
      `--window builds the window report from the window's run folders; it takes no ${misplaced.map((f) => `--${f}`).join(', ')}\n\n${USAGE}`,
    );
  // loaded only here: the window file needs the check kinds, a run folder's report does not
  const [{ openWindow }, { windowSchedule }, { runWindowReport }] = await Promise.all([
    import('./lib/context.ts'),
    import('../core/schedule.ts'),
    import('../reports/window-report.ts'),
  ]);
  const chosen = await openWindow(values.window, 'lab');
  const windowDir = resolve(values['window-dir'] ?? resolve('runs', chosen.date));
  log(`window ${chosen.date}: ${chosen.window.title} (${chosen.file}); runs from ${windowDir}`);
  const history = values.history === 'none' ? null : values.history ? resolve(values.history) : undefined;
  const outcome = await runWindowReport({
    window: chosen.window,
    schedule: windowSchedule(chosen.window),
    windowDir,
    ...(values.out ? { outDir: resolve(values.out) } : {}),
    historyPath: history === undefined ? (env) => resolve('runs', `window-history.${env}.jsonl`) : history,
    html: !values['no-html'],
    log,
    redact,
  });
  if (outcome.htmlPath) log(`window report: ${outcome.htmlPath}`);
  return outcome.exitCode;
}

runCommand<Flags>({
  usage: USAGE,
  options: {
    run: { type: 'string', multiple: true },
    baseline: { type: 'string' },
    slack: { type: 'boolean' },
    config: { type: 'string' },
    history: { type: 'string' },
    'report-url': { type: 'string' },
    'no-html': { type: 'boolean' },
    window: { type: 'string' },
    'window-dir': { type: 'string' },
    out: { type: 'string' },
  },
  run: async (values, io) => {
    const plainRedact = makeRedactor(secretValues(process.env));
    if (values.window !== undefined) return windowReport(values, (line) => io.out.write(`${plainRedact(line)}\n`), plainRedact);
    const windowOnly = (['window-dir', 'out'] as const).filter((f) => values[f] !== undefined);
    if (windowOnly.length)
      throw new UsageError(`${windowOnly.map((f) => `--${f}`).join(', ')} belong to the window report (--window=DATE)\n\n${USAGE}`);
    const [runDir, ...moreRunDirs] = values.run ?? [];
    if (!runDir) throw new UsageError(`--run=DIR (or --window=DATE) is required\n\n${USAGE}`);
    // A bad --report-url is a usage error before anything is written.
    const reportUrl = values['report-url'] !== undefined ? checkReportUrl(values['report-url']) : ciRunUrl(process.env);
    if (values.history === 'none')
      throw new UsageError('--history=none is for the window report; without --history a run report has no history');
    let slack: { channels: HarnessConfig['estate']['slack']['channels']; env: NodeJS.ProcessEnv } | undefined;
    if (values.slack) {
      const config = await loadHarnessConfig(values.config ?? 'harness.config.ts');
      slack = { channels: config.estate.slack.channels, env: process.env };
    }
    const redact = makeRedactor(secretValues(process.env, slack?.channels.map((c) => c.webhookEnv) ?? []));
    const outcome = await runReport({
      runDir,
      moreRunDirs,
      ...(values.baseline ? { baselineDir: values.baseline } : {}),
      html: !values['no-html'],
      historyPath: values.history,
      ...(reportUrl ? { reportUrl } : {}),
      slack,
      log: (line) => io.out.write(`${redact(line)}\n`),
      redact,
    });
    return outcome.exitCode;
  },
});
