// The Slack summary of a run: verdict with emoji, where, the action, the reasons (capped), counts, the report.
import type { Verdict } from '../core/result.ts';
import type { IncomingWebhookSendArguments } from '@slack/webhook';
import type { RunView } from './run-folder.ts';

type Block = NonNullable<IncomingWebhookSendArguments['blocks']>[number];

export const MAX_REASONS = 10;
const MAX_REASON_CHARS = 300;
const SECTION_LIMIT = 2900; // Slack rejects section text over 3000 characters

const EMOJI: Record<Verdict, string> = { go: ':white_check_mark:', 'no-go': ':x:', inconclusive: ':warning:' };

/** Slack mrkdwn treats &, <, > as control characters. */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A URL as Slack link markup may hold it: http(s) only (javascript: and the like are never linked), parsed and
 * re-serialised, with the characters mrkdwn gives meaning to (& < > |) escaped. Undefined when it is not such a URL.
 */
export function slackLink(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
  return slackEscape(parsed.href).replace(/\|/g, '%7C');
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export interface SlackMessage {
  text: string;
  blocks: Block[];
}

export interface MessageLinks {
  /** Path of the HTML report on the operator's machine. */
  reportPath: string;
  /** Public URL of the report when it is published somewhere; preferred over the path. */
  reportUrl?: string;
}

export function reasonLines(reasons: readonly string[]): string[] {
  const shown = reasons.slice(0, MAX_REASONS).map((r) => `• ${slackEscape(clip(r, MAX_REASON_CHARS))}`);
  if (reasons.length > MAX_REASONS) shown.push(`… and ${reasons.length - MAX_REASONS} more in the report`);
  return shown;
}

/** What the message tells: the runbook's notice on go (`say`), else the action. */
function actionText(run: RunView, say?: string): string {
  const verdict = run.applied?.verdict ?? run.verdict;
  return verdict === 'go' && say ? say : (run.action ?? 'none');
}

/** The report as a link (a validated http(s) URL), never a path on the operator's disk. */
function reportLine(links: MessageLinks): string {
  const link = links.reportUrl === undefined ? undefined : slackLink(links.reportUrl);
  return link ? `<${link}|Report>` : 'Report: not published for this run (npm run report -- --report-url=URL, or the CI artifact)';
}

/** One line per driving check in plain words: what was checked and that it failed (no ids, no assertion text). */
export function plainCauses(run: RunView): string[] {
  const drivers = run.reasons
    .map((r) => run.checks.find((c) => r.startsWith(`${c.id} `)))
    .filter((c): c is RunView['checks'][number] => c !== undefined);
  const lines = drivers.map(
    (c) => `${c.title.replace(/^(e2e:[^:]+:)?\S+\.spec\.ts:/, '')}: ${c.status === 'failed' ? 'failed' : 'could not be checked'}`,
  );
  const unique = [...new Set(lines)];
  const shown = unique.slice(0, MAX_REASONS).map((l) => `• ${slackEscape(clip(l, 200))}`);
  if (unique.length > MAX_REASONS) shown.push(`… and ${unique.length - MAX_REASONS} more (see the report)`);
  if (!drivers.length && run.reasons.length && (run.applied?.verdict ?? run.verdict) !== 'go')
    shown.push('• the run did not finish (see the report)');
  return shown;
}

/** For operations (#dailyopsissues): the verdict, what to do, and the causes in plain words. */
export function buildOperationsMessage(run: RunView, links: MessageLinks, say?: string): SlackMessage {
  const verdict = run.applied?.verdict ?? run.verdict;
  const headline = `${EMOJI[verdict]} Maintenance window ${run.window}, ${run.title ?? run.phase}: ${WORDS[verdict]}`;
  const causes = verdict === 'go' ? [] : plainCauses(run);
  const action = actionText(run, say);
  const blocks: Block[] = [
    { type: 'section', text: { type: 'mrkdwn', text: clip(`*${slackEscape(headline)}*\n${slackEscape(action)}`, SECTION_LIMIT) } },
    ...(causes.length
      ? [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: clip(`*Why:*\n${causes.join('\n')}`, SECTION_LIMIT) } }]
      : []),
    { type: 'context', elements: [{ type: 'mrkdwn', text: clip(reportLine(links), SECTION_LIMIT) }] },
  ];
  return { text: clip([headline, action, ...causes].join('\n'), 3900), blocks };
}

const WORDS: Record<Verdict, string> = {
  go: 'all checks passed',
  'no-go': 'problems found',
  inconclusive: 'not everything could be checked',
};

export function buildSlackMessage(run: RunView, links: MessageLinks, say?: string): SlackMessage {
  const verdict = run.verdict.toUpperCase();
  const headline = `${EMOJI[run.verdict]} ${verdict}: ${run.phase} · window ${run.window} · ${run.env}${run.partial ? ' · PARTIAL RUN' : ''}`;
  const c = run.counts;
  const findings = run.findings.length ? ` · ${run.findings.length} non-critical finding(s) in the report` : '';
  const counts = `passed ${c.passed} · failed ${c.failed} · broken ${c.broken} · skipped ${c.skipped}${run.missing.length ? ` · no result ${run.missing.length}` : ''}${findings}`;
  const report = reportLine(links);
  const blocks: Block[] = [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: clip(
          `*${slackEscape(headline)}*\nPhase *${slackEscape(run.phase)}*, window ${slackEscape(run.window)}, env ${slackEscape(run.env)}`,
          SECTION_LIMIT,
        ),
      },
    },
    { type: 'section', text: { type: 'mrkdwn', text: clip(`*Action:* ${slackEscape(actionText(run, say))}`, SECTION_LIMIT) } },
  ];
  if (!run.hasSummary)
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: ':warning: The run has no summary.json: these are partial results and the verdict is inconclusive.' },
    });
  const reasons = reasonLines(run.reasons);
  if (reasons.length)
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(`*Why:*\n${reasons.join('\n')}`, SECTION_LIMIT) } });
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: clip(`${counts}\n${report}`, SECTION_LIMIT) }] });
  const text = [slackEscape(headline), `Action: ${slackEscape(actionText(run, say))}`, ...reasons, counts, report].join('\n');
  return { text: clip(text, 3900), blocks };
}
