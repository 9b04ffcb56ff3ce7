// Every host on one web server directly: each host name is pinned to the server through `hosts`, so Host and
// the TLS server name stay the public name; the identity header must name that server. One run per server.
import { readPlan, optionsFor, probeTarget, pause, summaryOutput } from './lib/harness.ts';
import type { K6SummaryData } from '../contract.ts';

const plan = readPlan('backend-sweep');
export const options = optionsFor(plan);

export default function (): void {
  for (const t of plan.targets) probeTarget(plan, t);
  pause(plan);
}

export function handleSummary(data: K6SummaryData): Record<string, string> {
  return summaryOutput(data);
}
