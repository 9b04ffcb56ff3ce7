// CLI: npm run report -- --run=DIR [--slack] [--config=FILE] [--history=FILE] [--report-url=URL] [--no-html]
import { runCommand } from '../core/cli.ts';
import { loadConfig } from '../core/config/load.ts';
import { UsageError } from '../core/errors.ts';
import { makeRedactor, secretValues } from '../core/redact.ts';
import { runReport } from '../reports/report.ts';

const USAGE = `usage: npm run report -- --run=DIR [--slack] [--config=FILE] [--history=FILE] [--report-url=URL] [--no-html]

Writes DIR/junit.xml, DIR/allure-results/ and DIR/allure-report/index.html for a run folder;
with --slack also posts the summary to the channels routed for the run's phase (webhook URLs
come from the environment variables named in estate.slack.channels) and writes DIR/slack.json.

exit codes: 0 done · 3 reports written but the Slack post failed or reached no channel ·
4 the HTML report could not be built (other reports written) · 64 bad usage ·
65 malformed run files · 66 no such run folder · 78 bad configuration`;

interface Flags {
  run?: string;
  slack?: boolean;
  config?: string;
  history?: string;
  'report-url'?: string;
  'no-html'?: boolean;
}

runCommand<Flags>({
  usage: USAGE,
  options: {
    run: { type: 'string' },
    slack: { type: 'boolean' },
    config: { type: 'string' },
    history: { type: 'string' },
    'report-url': { type: 'string' },
    'no-html': { type: 'boolean' },
  },
  run: async (values, io) => {
    if (!values.run) throw new UsageError(`--run=DIR is required\n\n${USAGE}`);
    let slack: { channels: Awaited<ReturnType<typeof loadConfig>>['estate']['slack']['channels']; env: NodeJS.ProcessEnv } | undefined;
    if (values.slack) {
      const config = await loadConfig(values.config ?? 'harness.config.ts');
      slack = { channels: config.estate.slack.channels, env: process.env };
    }
    const redact = makeRedactor(secretValues(process.env, slack?.channels.map((c) => c.webhookEnv) ?? []));
    const outcome = await runReport({
      runDir: values.run,
      html: !values['no-html'],
      historyPath: values.history,
      reportUrl: values['report-url'],
      slack,
      log: (line) => io.out.write(`${redact(line)}\n`),
      redact,
    });
    return outcome.exitCode;
  },
});
