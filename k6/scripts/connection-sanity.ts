// Connection sanity on one host (the runbook's check on www2 after the routing change and the DNS move).
import { readPlan, optionsFor, probeTarget, pause, summaryOutput } from './lib/harness.ts';
import type { K6SummaryData } from '../contract.ts';

const plan = readPlan('connection-sanity');
export const options = optionsFor(plan);

export default function (): void {
  for (const t of plan.targets) probeTarget(plan, t);
  pause(plan);
}

export function handleSummary(data: K6SummaryData): Record<string, string> {
  return summaryOutput(data);
}
