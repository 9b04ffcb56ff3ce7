// Every host on one web server directly: each host name is pinned to the server through `hosts`, so Host and
// the TLS server name stay the public name; the identity header must name that server. One run per server.
import { harnessScript } from './lib/harness.ts';

const script = harnessScript('backend-sweep');
export const options = script.options;
export default script.iteration;
export const handleSummary = script.handleSummary;
