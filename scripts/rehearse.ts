// npm run rehearse -- [--window=...] [--fault=NAME[:ARG]@STEP]...: the whole window on one lab, in runbook order,
// one window folder with every step's run and a timeline in ET and IST; it stops where the runbook would stop.
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runCommand } from '../core/cli.ts';
import { UsageError } from '../core/errors.ts';
import { EXIT_CODE } from '../core/gate.ts';
import { RunLedger } from '../core/ledger.ts';
import { rehearseWindow } from '../core/rehearse.ts';
import type { Fault } from '../lab/faults.ts';
import { steppedLabSource } from '../lab/rehearsal.ts';
import { readRunFolder } from '../reports/run-folder.ts';
import { postSlackSummary, writeSlackReport } from '../reports/slack.ts';
import { KINDS } from '../kinds.ts';
import { loadHarnessConfig, openWindow, parseFaults } from './lib/context.ts';

const USAGE = `Usage: npm run rehearse -- [--window=YYYY-MM-DD|FILE] [--fault=NAME[:ARG]@STEP]... [--out=DIR] [--config=FILE]
  Plays every step of the window on one lab, in runbook order, carrying the estate's state from step to step.
  --fault=web-down:IC-Web3@web1-5 injects the fault when the rehearsal reaches that step (npm run lab -- --help lists faults).
  Writes DIR/<step>/ (each step's run), DIR/timeline.txt and DIR/timeline.json (times in ET and IST, verdicts).
Exit codes: 0 every step go, else the verdict of the step it stopped at (1 no-go, 2 inconclusive); 64 bad usage; 78 bad configuration.`;

interface Flags {
  window?: string;
  fault: string[];
  out?: string;
  config: string;
}

runCommand<Flags>({
  usage: USAGE,
  options: {
    window: { type: 'string' },
    fault: { type: 'string', multiple: true, default: [] as string[] },
    out: { type: 'string' },
    config: { type: 'string', default: 'harness.config.ts' },
  },
  run: async (flags, io) => {
    const config = await loadHarnessConfig(flags.config);
    const chosen = await openWindow(flags.window, 'lab');
    const steps = chosen.window.steps.map((s) => s.id);
    const faults = new Map<string, Fault[]>();
    for (const text of flags.fault) {
      const at = text.lastIndexOf('@');
      if (at < 1) throw new UsageError(`--fault=${text}: say at which step, as NAME[:ARG]@STEP (steps: ${steps.join(', ')})`);
      const step = text.slice(at + 1);
      if (!steps.includes(step))
        throw new UsageError(`--fault=${text}: no step "${step}" in window ${chosen.date} (steps: ${steps.join(', ')})`);
      faults.set(step, [...(faults.get(step) ?? []), ...parseFaults([text.slice(0, at)])]);
    }
    const outDir = resolve(flags.out ?? join('runs', chosen.date, `rehearsal-${new Date().toISOString().replace(/[:.]/g, '-')}`));
    if (flags.out !== undefined && !flags.out.trim()) throw new UsageError('--out= is empty: name a folder');
    // The window folder is locked like a run folder: one rehearsal at a time.
    const lock = new RunLedger(outDir, (t) => t);
    io.err.write(`window ${chosen.date} (${chosen.why}): rehearsal of ${steps.length} steps into ${outDir}\n`);
    const source = steppedLabSource(config, outDir, faults);
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    try {
      const result = await rehearseWindow({
        config,
        kinds: KINDS,
        window: chosen.window,
        windowFile: chosen.file,
        source,
        outDir,
        signal: controller.signal,
        onStep: async (row) => {
          io.out.write(
            `${row.step.padEnd(20)} ${row.et.padEnd(26)} ${row.ist.padEnd(28)} ${row.verdict.toUpperCase()}${row.verdict === 'go' ? '' : `  ${row.reasons?.[0] ?? ''}`}\n`,
          );
          // Each step is posted as the runbook routes it, to the lab's Slack receiver (never a real workspace).
          const slackUrl = source.lab()?.manifest.slack?.url;
          if (!slackUrl || !row.run) return;
          const env = Object.fromEntries(
            config.estate.slack.channels.map((c) => [c.webhookEnv, new URL(`/services/LAB/${c.name.slice(1)}`, slackUrl).href]),
          );
          const report = await postSlackSummary(await readRunFolder(row.run), {
            channels: config.estate.slack.channels,
            env,
            reportPath: join(row.run, 'allure-report', 'index.html'),
          });
          await writeSlackReport(row.run, report);
        },
      });
      const last = result.rows.filter((r) => r.verdict !== 'not run').pop();
      io.out.write(
        result.stoppedAt ? `stopped at ${result.stoppedAt}: the runbook does not go on past a step that is not go\n` : 'every step go\n',
      );
      io.out.write(`timeline: ${join(outDir, 'timeline.txt')}\n`);
      return !last || last.verdict === 'not run' ? 2 : EXIT_CODE[last.verdict];
    } finally {
      // What the lab's Slack receiver got, per channel, kept beside the timeline before the lab stops.
      const messages = source.lab()?.control.slackMessages() ?? [];
      writeFileSync(join(outDir, 'slack-received.json'), `${JSON.stringify(messages, null, 2)}\n`);
      await source.stop();
      lock.release();
    }
  },
});
