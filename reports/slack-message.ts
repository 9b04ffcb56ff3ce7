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

export function buildSlackMessage(run: RunView, links: MessageLinks): SlackMessage {
  const verdict = run.verdict.toUpperCase();
  const headline = `${EMOJI[run.verdict]} ${verdict}: ${run.phase} · window ${run.window} · ${run.env}${run.partial ? ' · PARTIAL RUN' : ''}`;
  const c = run.counts;
  const findings = run.findings.length ? ` · ${run.findings.length} non-critical finding(s) in the report` : '';
  const counts = `passed ${c.passed} · failed ${c.failed} · broken ${c.broken} · skipped ${c.skipped}${run.missing.length ? ` · no result ${run.missing.length}` : ''}${findings}`;
  const link = links.reportUrl === undefined ? undefined : slackLink(links.reportUrl);
  const report = link ? `<${link}|Allure report>` : `Report: \`${slackEscape(links.reportPath)}\``;
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
    { type: 'section', text: { type: 'mrkdwn', text: clip(`*Action:* ${slackEscape(run.action ?? 'none')}`, SECTION_LIMIT) } },
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
  const text = [slackEscape(headline), `Action: ${slackEscape(run.action ?? 'none')}`, ...reasons, counts, report].join('\n');
  return { text: clip(text, 3900), blocks };
}
