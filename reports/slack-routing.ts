// Which Slack channels hear about a run: the step's `notify` from the window file (plan.json), as the runbook
// routes it; runs written before windows said so fall back to the old table. Resolved against the config.
import type { z } from 'zod';
import type { SlackChannelConfig } from '../core/config/estate.ts';
import type { Notice } from '../core/window/schema.ts';

type ChannelConfig = z.input<typeof SlackChannelConfig>;

const PER_STEP = '#eng-monthlymaintenance';
const WINDOW_CLOSED = ['#dailyopsissues', '#engineering-maintenance', '#eng-monthlymaintenance'];

/** The fallback for a run folder without routing: per-step results to #eng-monthlymaintenance, the end wider. */
export const DEFAULT_ROUTES: Readonly<Record<string, readonly string[]>> = {
  'post-window': WINDOW_CLOSED,
  regression: WINDOW_CLOSED,
};

export type Audience = 'operations' | 'engineering';

export type RoutedChannel =
  | { name: string; configured: true; webhookEnv: string; audience: Audience; say?: string }
  | { name: string; configured: false; say?: string };

export function routeFor(run: { phase: string; notify?: readonly Notice[] }, channels: readonly ChannelConfig[]): RoutedChannel[] {
  const notices: Notice[] = run.notify?.length
    ? [...run.notify]
    : (DEFAULT_ROUTES[run.phase] ?? [PER_STEP]).map((channel) => ({ channel }));
  return notices.map(({ channel, say }) => {
    const found = channels.find((c) => c.name === channel);
    const note = say ? { say } : {};
    return found
      ? { name: channel, configured: true, webhookEnv: found.webhookEnv, audience: found.audience ?? 'engineering', ...note }
      : { name: channel, configured: false, ...note };
  });
}
