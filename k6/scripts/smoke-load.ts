// A light, steady load across www, my and sso through the gateway: every VU visits each host in turn.
import { readPlan, optionsFor, probeTarget, pause, summaryOutput } from './lib/harness.ts';
import type { K6SummaryData } from '../contract.ts';

const plan = readPlan('smoke-load');
export const options = optionsFor(plan);

export default function (): void {
  for (const t of plan.targets) probeTarget(plan, t);
  pause(plan);
}

export function handleSummary(data: K6SummaryData): Record<string, string> {
  return summaryOutput(data);
}
