// A light, steady load across www, my and sso through the gateway: every VU visits each host in turn.
import { harnessScript } from './lib/harness.ts';

const script = harnessScript('smoke-load');
export const options = script.options;
export default script.iteration;
export const handleSummary = script.handleSummary;
