// CLI: npm run report -- --run=DIR [--slack] [--config=FILE] [--history=FILE] [--report-url=URL] [--no-html]
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../core/config/load.ts';
import { makeRedactor, secretValues } from '../core/redact.ts';
import { REPORT_EXIT, runReport } from '../reports/report.ts';
import { RunFolderError } from '../reports/run-folder.ts';

const USAGE = `usage: npm run report -- --run=DIR [--slack] [--config=FILE] [--history=FILE] [--report-url=URL] [--no-html]

Writes DIR/junit.xml, DIR/allure-results/ and DIR/allure-report/index.html for a run folder;
with --slack also posts the summary to the channels routed for the run's phase (webhook URLs
come from the environment variables named in estate.slack.channels) and writes DIR/slack.json.

exit codes: 0 done · 3 reports written but the Slack post failed or reached no channel ·
4 the HTML report could not be built (other reports written) · 64 bad usage ·
65 malformed run files · 66 no such run folder · 78 bad configuration`;

/** Error text can quote file content; secret-looking env values are masked in it as everywhere else. */
const redactErrors = makeRedactor(secretValues(process.env));

function fail(code: number, message: string): never {
  process.stderr.write(`${redactErrors(message)}\n`);
  process.exit(code);
}

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      options: {
        run: { type: 'string' }, slack: { type: 'boolean' }, config: { type: 'string' }, history: { type: 'string' },
        'report-url': { type: 'string' }, 'no-html': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
      strict: true, allowPositionals: false,
    }));
  } catch (err) {
    fail(REPORT_EXIT.usage, `${(err as Error).message}\n\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return REPORT_EXIT.ok;
  }
  if (!values.run) fail(REPORT_EXIT.usage, `--run=DIR is required\n\n${USAGE}`);

  let slack;
  if (values.slack) {
    const config = await loadConfig(values.config ?? 'harness.config.ts');
    slack = { channels: config.estate.slack.channels, env: process.env };
  }
  const redact = makeRedactor(secretValues(process.env, slack?.channels.map((c) => c.webhookEnv) ?? []));
  const outcome = await runReport({
    runDir: values.run, html: !values['no-html'], historyPath: values.history, reportUrl: values['report-url'], slack,
    log: (line) => process.stdout.write(`${line}\n`), redact,
  });
  return outcome.exitCode;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof RunFolderError) fail(err.exitCode, `report: ${err.message}`);
    if (err instanceof ConfigError) fail(REPORT_EXIT.config, err.message);
    fail(70, `report: unexpected error: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  },
);
