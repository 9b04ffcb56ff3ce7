// Connection sanity on one host (the runbook's check on www2 after the routing change and the DNS move).
import { harnessScript } from './lib/harness.ts';

const script = harnessScript('connection-sanity');
export const options = script.options;
export default script.iteration;
export const handleSummary = script.handleSummary;
