// The window report: one HTML file over every step's latest run of a window (or a rehearsal's window folder), with the
// runbook's timeline in ET and IST, each step's verdict, links into its checks, and Allure history across windows.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ScheduleRow } from '../core/schedule.ts';
import type { Verdict } from '../core/result.ts';
import { RunFolderError, finalVerdict, readRunFolder, type RunView } from './run-folder.ts';
import { REPORT_EXIT, runReport } from './report.ts';
import { commitHistory, stageHistory, windowReportName } from './window-history.ts';

export interface WindowStep {
  id: string;
  title: string;
}

/** A step of the window and the run the report shows for it. */
export interface StepRun {
  step: WindowStep;
  time: ScheduleRow;
  /** The latest run folder of the step; absent = not run. */
  dir?: string;
  /** How many run folders the step has (the latest is shown). */
  runs: number;
  view?: RunView;
  /** The latest run folder could not be read (65/66): shown as such, the rest of the report is still written. */
  error?: string;
}

const RUN_FILES = ['summary.json', 'plan.json', 'results.jsonl'];
const isRunFolder = (dir: string): boolean => RUN_FILES.some((f) => existsSync(join(dir, f)));

/** When a run started: summary.json, else plan.json, else the folder's time (a folder with neither is still a run). */
function startedAt(dir: string): number {
  for (const f of ['summary.json', 'plan.json']) {
    const file = join(dir, f);
    if (!existsSync(file)) continue;
    try {
      const t = Date.parse((JSON.parse(readFileSync(file, 'utf8')) as { startedAt?: string }).startedAt ?? '');
      if (Number.isFinite(t)) return t;
    } catch {
      // a broken file is reported when the run is read; only its order is decided here
    }
  }
  return statSync(dir).mtimeMs;
}

/** The step's run folders under DIR/<step>/: that folder itself when it is a run (a rehearsal's), else its subfolders. */
export function stepRunFolders(windowDir: string, stepId: string): string[] {
  const dir = join(windowDir, stepId);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  if (isRunFolder(dir)) return [dir];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && isRunFolder(join(dir, e.name)))
    .map((e) => join(dir, e.name))
    .map((d) => ({ d, t: startedAt(d) }))
    .sort((a, b) => a.t - b.t || a.d.localeCompare(b.d))
    .map((x) => x.d);
}

/** Folders under the window folder that are no step of the window file (an old step name, a typo): said, not shown. */
export function strayFolders(windowDir: string, stepIds: readonly string[]): string[] {
  if (!existsSync(windowDir)) return [];
  return readdirSync(windowDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !stepIds.includes(e.name) && e.name !== 'window-report')
    .map((e) => e.name);
}

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

export const stepAnchor = (id: string): string => `step-${id}`;

const WORD: Record<Verdict | 'not-run' | 'unreadable', string> = {
  go: 'GO',
  'no-go': 'NO-GO',
  inconclusive: 'INCONCLUSIVE',
  'not-run': 'NOT RUN',
  unreadable: 'UNREADABLE',
};

/** India has one zone and no daylight saving: its offset is IST to the people reading the report. */
const zoneWord = (zone: string): string => (zone === 'GMT+5:30' ? 'IST' : zone);

/** "Sun 2025-06-22 00:00 EDT" → "Sun 00:00 EDT 06-22" on one line, the full date in the tooltip. */
function when(text: string): string {
  const m = /^(\w{3}) (\d{4}-\d\d-\d\d) (\d\d:\d\d) (.+)$/.exec(text);
  return m
    ? `<span title="${esc(`${m[2]} ${m[3]} ${m[4]}`)}"><b>${esc(m[1]!)} ${esc(m[3]!)}</b> ${esc(zoneWord(m[4]!))} <small>${esc(m[2]!.slice(5))}</small></span>`
    : esc(text);
}

function stateOf(s: StepRun): Verdict | 'not-run' | 'unreadable' {
  if (s.error) return 'unreadable';
  return s.view ? finalVerdict(s.view) : 'not-run';
}

function verdictCell(s: StepRun): string {
  const state = stateOf(s);
  const notes: string[] = [];
  const v = s.view;
  if (v?.applied && v.applied.verdict !== v.verdict) notes.push(`${WORD[v.verdict]} before --apply`);
  else if (v?.applied) notes.push(`--apply ${v.applied.ok ? 'done' : 'failed'}`);
  if (v?.only) notes.push(`partial: --only=${v.only.join(',')}`);
  if (v?.partial) notes.push(v.hasSummary ? 'interrupted' : 'no summary (killed or running)');
  if (s.error) notes.push(s.error);
  return `<span class="hd-v hd-v-${state}">${WORD[state]}</span>${notes.map((n) => ` <span class="hd-note">${esc(n)}</span>`).join('')}`;
}

function checksCell(s: StepRun): string {
  if (!s.view) return s.runs ? '' : '—';
  const c = s.view.counts;
  const bad = [c.failed ? `${c.failed} failed` : '', c.broken ? `${c.broken} broken` : ''].filter(Boolean).join(', ');
  const ran = s.view.finishedAt ?? s.view.startedAt;
  const more = s.runs > 1 ? ` · latest of ${s.runs} runs` : '';
  const title = `${s.dir ?? ''}, ${s.view.finishedAt ? 'finished' : 'started'} ${ran}`;
  return `<a href="#${stepAnchor(s.step.id)}" title="${esc(title)}">${c.passed + c.failed + c.broken + c.skipped} checks${bad ? ` · ${esc(bad)}` : ''}</a><span class="hd-note">${esc(more)}</span>`;
}

const TIMELINE_STYLE = `<style>
#harness-decision .hd-window{max-width:1100px;margin:0 auto 12px;background:#fff;border-radius:10px;padding:14px 22px;box-shadow:0 1px 3px #0002}
#harness-decision .hd-window h1{font-size:22px;margin:0}
#harness-decision .hd-timeline{width:100%;border-collapse:collapse;margin-top:8px;font-size:14px}
#harness-decision .hd-timeline th{text-align:left;font-size:12px;text-transform:uppercase;letter-spacing:.06em;color:#475569;border-bottom:1px solid #cbd5e1;padding:4px 6px}
#harness-decision .hd-timeline td{border-bottom:1px solid #e2e8f0;padding:3px 6px;vertical-align:top}
#harness-decision .hd-timeline td:nth-child(-n+2),#harness-decision .hd-timeline td:nth-child(5),#harness-decision .hd-v{white-space:nowrap}
#harness-decision .hd-timeline small,#harness-decision .hd-note{color:#64748b;font-size:12px}
#harness-decision .hd-v{font-weight:800;padding:1px 8px;border-radius:4px;background:#e2e8f0;color:#334155;white-space:nowrap}
#harness-decision .hd-v-go{background:#dcfce7;color:#15803d}#harness-decision .hd-v-no-go{background:#fee2e2;color:#b91c1c}
#harness-decision .hd-v-inconclusive,#harness-decision .hd-v-unreadable{background:#fef3c7;color:#b45309}
#harness-decision .hd-v-not-run{background:#f1f5f9;color:#64748b;font-weight:600}
</style>`;

/** The night at a glance: one row per step of the window file, in runbook order. */
export function timelineHtml(info: { date: string; title: string; env: string; steps: readonly StepRun[] }): string {
  const count = (state: string) => info.steps.filter((s) => stateOf(s) === state).length;
  const ran = info.steps.filter((s) => s.view).length;
  const tally = (['go', 'no-go', 'inconclusive', 'unreadable', 'not-run'] as const)
    .filter((v) => count(v))
    .map((v) => `${count(v)} ${WORD[v]}`)
    .join(' · ');
  const rows = info.steps
    .map(
      (s) =>
        `<tr data-step="${esc(s.step.id)}" data-verdict="${stateOf(s)}"><td>${when(s.time.et)}</td><td>${when(s.time.ist)}</td><td>${
          s.view ? `<a href="#${stepAnchor(s.step.id)}">${esc(s.step.id)}</a>` : esc(s.step.id)
        } <span class="hd-note">${esc(s.step.title)}</span></td><td>${verdictCell(s)}</td><td>${checksCell(s)}</td></tr>`,
    )
    .join('\n');
  return `${TIMELINE_STYLE}<section class="hd-window" aria-label="Window timeline">
<h1>Window ${esc(info.date)} — ${esc(info.title)}</h1>
<p class="hd-meta">${esc(info.env)} · ${ran} of ${info.steps.length} steps run · ${esc(tally)}</p>
<table class="hd-timeline"><thead><tr><th>ET</th><th>IST</th><th>Step</th><th>Verdict</th><th>Checks</th></tr></thead>
<tbody>
${rows}
</tbody></table></section>`;
}

/**
 * The time a window's history point carries: the runbook time of its last step that ran (not when its runs or its
 * report happened to be made: a rehearsal runs any day), so the trend is in window order.
 */
export function windowTime(rows: readonly ScheduleRow[], date: string): number {
  const times = rows
    .map((r) => /(\d{4}-\d\d-\d\d) (\d\d:\d\d) UTC$/.exec(r.utc))
    .map((m) => (m ? Date.parse(`${m[1]}T${m[2]}:00Z`) : Number.NaN))
    .filter(Number.isFinite);
  return times.length ? Math.max(...times) : Date.parse(`${date}T00:00:00Z`);
}

export interface WindowReportOptions {
  window: { date: string; title: string; steps: readonly WindowStep[] };
  /** windowSchedule(window): the runbook times, one row per step. */
  schedule: readonly ScheduleRow[];
  /** Holds <step>/ run folders: runs/<date>/ or a rehearsal's window folder. */
  windowDir: string;
  /** Default: WINDOW_DIR/window-report. */
  outDir?: string;
  /** Allure history shared by the windows' reports (one point per window and environment), or per environment; null = none. */
  historyPath: string | null | ((env: string) => string);
  html?: boolean;
  log: (line: string) => void;
  redact?: (text: string) => string;
}

export interface WindowReportOutcome {
  exitCode: number;
  htmlPath: string | null;
  steps: StepRun[];
}

/** Reads every step's latest run and builds the report; a step's unreadable run is shown, and exits 65 after writing. */
export async function runWindowReport(opts: WindowReportOptions): Promise<WindowReportOutcome> {
  const windowDir = resolve(opts.windowDir);
  const redact = opts.redact ?? ((t: string) => t);
  const log = (line: string) => opts.log(redact(line));
  const ids = opts.window.steps.map((s) => s.id);
  const steps: StepRun[] = [];
  for (const [i, step] of opts.window.steps.entries()) {
    const time = opts.schedule.find((r) => r.phase === step.id) ?? opts.schedule[i]!;
    const folders = stepRunFolders(windowDir, step.id);
    const dir = folders.at(-1);
    const entry: StepRun = { step, time, runs: folders.length, ...(dir ? { dir } : {}) };
    if (dir) {
      try {
        entry.view = await readRunFolder(dir, { redact });
      } catch (err) {
        if (!(err instanceof RunFolderError)) throw err;
        entry.error = err.message;
        log(`warning: ${step.id}: ${err.message}`);
      }
    }
    steps.push(entry);
  }
  for (const name of strayFolders(windowDir, ids)) {
    // npm run rehearse writes runs/<date>/rehearsal-<time>/<step>/: a report of its own, never mixed with the night's runs
    if (name.startsWith('rehearsal-'))
      log(
        `a rehearsal of this window: ${join(windowDir, name)} (its report: npm run report -- --window=${opts.window.date} --window-dir=${join(windowDir, name)})`,
      );
    else log(`warning: ${join(windowDir, name)} is no step of window ${opts.window.date}: left out`);
  }
  const shown = steps.filter((s): s is StepRun & { view: RunView; dir: string } => s.view !== undefined && s.dir !== undefined);
  if (!shown.length) {
    throw new RunFolderError(
      `no readable run of window ${opts.window.date} in ${windowDir} (looked for ${ids.map((id) => `${id}/`).join(', ')}): run a step first, or pass --window-dir=DIR`,
      66,
    );
  }
  for (const s of steps)
    log(
      `${s.step.id.padEnd(20)} ${s.view ? finalVerdict(s.view).toUpperCase() : s.error ? 'UNREADABLE' : 'not run'}${s.dir ? `  ${s.dir}` : ''}`,
    );

  const envs = [...new Set(shown.map((s) => s.view.env))];
  if (envs.length > 1) log(`warning: the window's runs are from several environments (${envs.join(', ')})`);
  const env = envs.join('+');
  const outDir = resolve(opts.outDir ?? join(windowDir, 'window-report'));
  const reportName = windowReportName(opts.window.date, env);
  await rm(join(outDir, 'allure-results'), { recursive: true, force: true }); // an earlier build's steps are not this one's
  const historyPath = typeof opts.historyPath === 'function' ? opts.historyPath(env) : opts.historyPath;
  // without the HTML there is no Allure run, so no history point either
  const stage = historyPath && opts.html !== false ? join(outDir, 'history.staged.jsonl') : undefined;
  if (historyPath && stage) {
    const n = await stageHistory(historyPath, stage, opts.window.date, env);
    log(`history: ${n} earlier window${n === 1 ? '' : 's'} (${env}) from ${historyPath}`);
  }
  const byDir = new Map(steps.map((s) => [s.dir, s]));
  const outcome = await runReport({
    runDir: shown[0]!.dir,
    moreRunDirs: shown.slice(1).map((s) => s.dir),
    ...(opts.html === undefined ? {} : { html: opts.html }),
    ...(stage ? { historyPath: stage } : {}),
    log: opts.log,
    redact,
    window: {
      outDir,
      reportName,
      headerHtml: timelineHtml({ date: opts.window.date, title: opts.window.title, env, steps }),
      suiteOf: (run) => {
        const s = byDir.get(run.dir);
        const n = s ? steps.indexOf(s) + 1 : 0;
        return `${String(n).padStart(2, '0')} ${run.phase} · ${s?.time.et.slice(4) ?? ''}`.trim();
      },
      anchorOf: (run) => stepAnchor(run.phase),
      environment: [
        ['window', opts.window.date],
        ['env', env],
        ['steps run', `${shown.length} of ${steps.length}`],
        ...steps.map((s): [string, string] => [s.step.id, s.view ? finalVerdict(s.view) : s.error ? 'unreadable' : 'not run']),
      ],
    },
  });
  if (historyPath && stage) {
    if (outcome.htmlPath) {
      await commitHistory(
        historyPath,
        stage,
        opts.window.date,
        env,
        windowTime(
          shown.map((s) => s.time),
          opts.window.date,
        ),
      );
      log(`history: window ${opts.window.date} (${env}) recorded in ${historyPath}`);
    } else await rm(stage, { force: true }); // no report, no point: the history file is left as it was
  }
  const unreadable = steps.some((s) => s.error);
  const exitCode = outcome.exitCode !== REPORT_EXIT.ok ? outcome.exitCode : unreadable ? REPORT_EXIT.dataError : REPORT_EXIT.ok;
  return { exitCode, htmlPath: outcome.htmlPath, steps };
}
