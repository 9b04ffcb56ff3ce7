// Which Slack channels hear about which phase: the runbook's routing as a table, resolved against the config.
import type { z } from 'zod';
import type { SlackChannelConfig } from '../core/config/estate.ts';

type ChannelConfig = z.infer<typeof SlackChannelConfig>;

const PER_PHASE = '#eng-monthlymaintenance';
const WINDOW_CLOSED = ['#eng-monthlymaintenance', '#engineering-maintenance', '#dailyopsissues'];

/** Per-phase results go to #eng-monthlymaintenance; the end of the window also to the wider channels. */
export const SLACK_ROUTES: Readonly<Record<string, readonly string[]>> = {
  'pre-maintenance': [PER_PHASE],
  'web1-5': [PER_PHASE],
  'web6-10': [PER_PHASE],
  'maintenance-start': [PER_PHASE],
  'internal-network': [PER_PHASE],
  'dns-migration': [PER_PHASE],
  'post-window': WINDOW_CLOSED,
  regression: WINDOW_CLOSED,
};

export type RoutedChannel = { name: string; configured: true; webhookEnv: string } | { name: string; configured: false };

/** A phase the table does not know (a partial run without plan.json) still reaches the per-phase channel. */
export function routeFor(phase: string, channels: readonly ChannelConfig[]): RoutedChannel[] {
  const names = SLACK_ROUTES[phase] ?? [PER_PHASE];
  return names.map((name) => {
    const found = channels.find((c) => c.name === name);
    return found ? { name, configured: true, webhookEnv: found.webhookEnv } : { name, configured: false };
  });
}
