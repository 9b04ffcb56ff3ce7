// The report's first screen: verdict, action, the reasons and the warnings in plain words, before any chart.
import { createHash } from 'node:crypto';
import { reportedChecks } from './checks.ts';
import type { ReportedCheck } from './checks.ts';
import { FINDING_TITLE, findingOf, reasonLines } from './findings.ts';
import type { Finding, ReasonLine } from './findings.ts';
import { finalVerdict, type RunView } from './run-folder.ts';
import { appliedLine } from './applied.ts';

export interface DecisionInput {
  run: RunView;
  /** check id → uuid of its Allure result: a reason links to `#md5(uuid)`, the check's page in the report. */
  uuidById?: ReadonlyMap<string, string>;
  findings?: (c: ReportedCheck) => Finding;
  /** id of the block, so a window's timeline can link to it. */
  anchor?: string;
  /** A collapsed list of every check, each linking to its page (the window report's way into a step's checks). */
  listChecks?: boolean;
}

const MAX_REASONS = 8;
const MAX_WARNINGS = 5;
const MAX_NAMED = 4;

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

function checkLink(c: ReportedCheck, text: string, uuids?: ReadonlyMap<string, string>): string {
  const uuid = uuids?.get(c.id);
  return uuid ? `<a href="#${md5(uuid)}">${esc(text)}</a>` : esc(text);
}

const TAG: Partial<Record<Finding, string>> = {
  new: 'new',
  'pre-existing': 'pre-existing',
  warning: 'not blocking',
  broken: 'not checked',
  flaky: 'flaky',
};

function lineItem(line: ReasonLine, uuids?: ReadonlyMap<string, string>, finding?: (c: ReportedCheck) => Finding): string {
  const f = finding && line.checks[0] ? finding(line.checks[0]) : undefined;
  const tag = f && TAG[f] ? `<span class="hd-tag hd-tag-${f}">${TAG[f]}</span> ` : '';
  if (!line.checks.length) return `<li>${esc(line.text)}</li>`;
  if (line.checks.length === 1) return `<li>${tag}${checkLink(line.checks[0]!, line.text, uuids)}</li>`;
  const named = line.checks
    .slice(0, MAX_NAMED)
    .map((c) => checkLink(c, c.id, uuids))
    .join(', ');
  const more = line.checks.length > MAX_NAMED ? `, … +${line.checks.length - MAX_NAMED} more` : '';
  return `<li>${tag}${esc(line.text)}<div class="hd-ids">${named}${more}</div></li>`;
}

function list(
  lines: ReasonLine[],
  max: number,
  more: string,
  uuids?: ReadonlyMap<string, string>,
  finding?: (c: ReportedCheck) => Finding,
): string {
  const shown = lines
    .slice(0, max)
    .map((l) => lineItem(l, uuids, finding))
    .join('');
  const rest = lines.length > max ? `<li class="hd-more">… and ${lines.length - max} more ${esc(more)}</li>` : '';
  return `<ul>${shown}${rest}</ul>`;
}

/** 2025-06-22T04:05:00.000Z → 2025-06-22 04:05 UTC (the report is read in several time zones). */
const readableTime = (iso: string): string =>
  /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(iso) && iso.endsWith('Z') ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : iso;

const VERDICT_WORD = { go: 'GO', 'no-go': 'NO-GO', inconclusive: 'INCONCLUSIVE' } as const;

function tally(checks: readonly ReportedCheck[], findings: (c: ReportedCheck) => Finding): string {
  const counts = new Map<Finding, number>();
  for (const c of checks) {
    const f = findings(c);
    counts.set(f, (counts.get(f) ?? 0) + 1);
  }
  const order: Finding[] = ['blocking-failed', 'blocking-broken', 'new', 'pre-existing', 'warning', 'broken', 'flaky', 'passed', 'skipped'];
  return order
    .filter((f) => counts.get(f))
    .map((f) => `<span class="hd-f hd-f-${f}">${esc(FINDING_TITLE[f])}: <b>${counts.get(f)}</b></span>`)
    .join(' ');
}

/** Every check of the run, failing ones first, each linked to its page; collapsed. */
function checkList(
  checks: readonly ReportedCheck[],
  uuids: ReadonlyMap<string, string> | undefined,
  findings: (c: ReportedCheck) => Finding,
): string {
  const order: Finding[] = ['blocking-failed', 'blocking-broken', 'new', 'warning', 'broken', 'pre-existing', 'flaky', 'skipped', 'passed'];
  const sorted = [...checks].sort((a, b) => order.indexOf(findings(a)) - order.indexOf(findings(b)));
  const items = sorted
    .map(
      (c) =>
        `<li><span class="hd-st hd-st-${c.status}">${esc(c.status)}</span> ${checkLink(c, `${c.id}${c.title && c.title !== c.id ? ` — ${c.title}` : ''}`, uuids)}</li>`,
    )
    .join('');
  return `<details class="hd-checks"><summary>All ${checks.length} checks of this run</summary><ul>${items}</ul></details>`;
}

/** The run-level facts a reader must know before trusting the verdict: partial, --only, --apply, baseline. */
function notes(run: RunView, checks: readonly ReportedCheck[], findings: (c: ReportedCheck) => Finding): string {
  const out: string[] = [];
  if (run.partial)
    out.push(
      `Partial run: ${run.hasSummary ? 'the run was interrupted before every check finished' : 'there is no summary.json (the run was killed or is still running); the verdict is the one npm run gate replays'}.`,
    );
  if (run.only)
    out.push(`Partial run: only ${run.only.join(', ')} checks (--only=${run.only.join(',')}); it never satisfies a later step.`);
  if (run.applied) out.push(`--apply: ${appliedLine(run.applied)}.`);
  const pre = checks.filter((c) => findings(c) === 'pre-existing').length;
  if (run.baseline)
    out.push(`Baseline: ${run.baseline}${pre ? ` (${pre} pre-existing ${pre === 1 ? 'failure' : 'failures'}, not counted)` : ''}.`);
  return out.map((t) => `<p class="hd-partial">${esc(t)}</p>`).join('');
}

/** One run's decision block. */
export function decisionBlock({ run, uuidById, findings = (c) => findingOf(c), anchor, listChecks }: DecisionInput): string {
  const checks = reportedChecks(run);
  const reasons = reasonLines(run.reasons, checks);
  // new findings first, pre-existing ones last: what changed tonight is what a reader needs
  const rank: Partial<Record<Finding, number>> = { new: 0, warning: 1, broken: 2, 'pre-existing': 3 };
  const warnings = reasonLines(run.findings, checks)
    .map((l, i) => ({ l, i, r: l.checks[0] ? (rank[findings(l.checks[0])] ?? 1) : 1 }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.l);
  const driving = reasons.reduce((n, r) => n + r.checks.length, 0);
  const when = run.finishedAt ? ` · finished ${readableTime(run.finishedAt)}` : ' · not finished';
  const partial = notes(run, checks, findings);
  const verdict = finalVerdict(run);
  const before = verdict !== run.verdict ? `<span class="hd-was">${VERDICT_WORD[run.verdict]} before --apply</span>` : '';
  const drove = `${driving || reasons.length} ${driving === 1 ? 'check' : 'checks'}`;
  const why =
    run.verdict === 'go'
      ? 'Why'
      : verdict !== run.verdict
        ? `Why it was ${VERDICT_WORD[run.verdict]} before --apply: ${drove}`
        : `Why: ${drove} drove the verdict`;
  return `<section class="hd-run hd-${verdict}" data-verdict="${verdict}" data-phase="${esc(run.phase)}"${anchor ? ` id="${esc(anchor)}"` : ''} aria-label="Decision for ${esc(run.phase)}">
<div class="hd-head"><span class="hd-verdict">${VERDICT_WORD[verdict]}</span>${before}<span class="hd-meta">${esc(run.phase)} · window ${esc(run.window)} · ${esc(run.env)}${esc(when)}</span></div>
${partial}<div class="hd-action"><span class="hd-label">Action</span> ${esc(run.action ?? 'none: nothing to do for this verdict')}</div>
<h2>${esc(why)}</h2>${list(reasons, MAX_REASONS, 'under “Blocking” in Categories', uuidById)}
${warnings.length ? `<h2>Warnings, not blocking (${run.findings.length})</h2>${list(warnings, MAX_WARNINGS, 'in Categories', uuidById, findings)}` : '<h2>Warnings, not blocking</h2><p>none</p>'}
<p class="hd-counts">${checks.length} checks · ${tally(checks, findings)}</p>
${listChecks ? checkList(checks, uuidById, findings) : ''}</section>`;
}

const STYLE = `<style>
#harness-decision{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#0f172a;background:#f1f5f9;padding:16px 16px 4px}
#harness-decision .hd-run{max-width:1100px;margin:0 auto 12px;background:#fff;border-radius:10px;border-left:10px solid #94a3b8;padding:14px 22px;box-shadow:0 1px 3px #0002}
#harness-decision .hd-go{border-left-color:#16a34a}#harness-decision .hd-no-go{border-left-color:#dc2626}#harness-decision .hd-inconclusive{border-left-color:#d97706}
#harness-decision .hd-head{display:flex;align-items:baseline;gap:18px;flex-wrap:wrap}
#harness-decision .hd-verdict{font-size:34px;font-weight:800;letter-spacing:.02em}
#harness-decision .hd-go .hd-verdict{color:#15803d}#harness-decision .hd-no-go .hd-verdict{color:#b91c1c}#harness-decision .hd-inconclusive .hd-verdict{color:#b45309}
#harness-decision .hd-meta{color:#475569}
#harness-decision .hd-action{font-size:19px;font-weight:600;margin:8px 0 4px;padding:8px 12px;background:#f8fafc;border-radius:6px}
#harness-decision .hd-label{font-size:12px;text-transform:uppercase;letter-spacing:.08em;color:#475569;margin-right:8px}
#harness-decision h2{font-size:15px;margin:12px 0 4px}#harness-decision ul{margin:0;padding-left:22px}#harness-decision li{margin:2px 0;overflow-wrap:anywhere}
#harness-decision .hd-ids{font-size:13px;color:#475569}#harness-decision .hd-more{list-style:none;color:#475569}
#harness-decision .hd-partial{background:#fef3c7;padding:6px 10px;border-radius:6px}
#harness-decision .hd-counts{color:#334155;font-size:13px;margin-top:12px}#harness-decision .hd-f{margin-right:10px;white-space:nowrap}
#harness-decision .hd-hint{max-width:1100px;margin:0 auto;color:#475569;font-size:13px}
#harness-decision a{color:#1d4ed8}
#harness-decision .hd-was{color:#475569;font-size:14px;text-decoration:line-through}
#harness-decision .hd-checks{margin:6px 0 4px;font-size:13px}#harness-decision .hd-checks summary{cursor:pointer;color:#1d4ed8}
#harness-decision .hd-checks ul{max-height:320px;overflow:auto;list-style:none;padding-left:4px}
#harness-decision .hd-st{display:inline-block;min-width:52px;font-size:11px;text-transform:uppercase;color:#475569}
#harness-decision .hd-st-failed{color:#b91c1c}#harness-decision .hd-st-broken{color:#b45309}#harness-decision .hd-st-passed{color:#15803d}
#harness-decision .hd-tag{font-size:11px;text-transform:uppercase;letter-spacing:.05em;padding:1px 6px;border-radius:4px;background:#e2e8f0;color:#334155}
#harness-decision .hd-tag-new{background:#fee2e2;color:#991b1b}#harness-decision .hd-tag-pre-existing{background:#e0e7ff;color:#3730a3}
#app article:has([aria-label^="Success rate"]){display:none}
</style>`;

/** The panel injected before the Allure app; several runs (a window's steps) are one block each. */
export function decisionPanel(inputs: readonly DecisionInput[], header = ''): string {
  const hint =
    '<p class="hd-hint">Below: every check, grouped by step › kind › target. The Categories tab tells blocking, new, pre-existing, flaky and broken checks apart.</p>';
  return `${STYLE}<div id="harness-decision" role="region" aria-label="Decision">${header}${inputs.map(decisionBlock).join('\n')}${hint}</div>`;
}

/** Puts the panel first in <body>, so the report opens on the decision. */
export function injectDecision(html: string, panel: string): string {
  const at = html.search(/<body[^>]*>/);
  if (at < 0) throw new Error('the report has no <body>: cannot put the decision first');
  const end = html.indexOf('>', at) + 1;
  return `${html.slice(0, end)}\n${panel}\n${html.slice(end)}`;
}
