// npm run lab [-- --fault=NAME[:ARG] ... --phase=ID]: the lab in the foreground, its manifest printed and
// written to .lab/manifest.json; Ctrl-C stops it.
import { join } from 'node:path';
import { runCommand } from '../core/cli.ts';
import { stepOf } from '../core/window/load.ts';
import { faultUsage } from '../lab/faults.ts';
import { startLab } from '../lab/index.ts';
import { ROUTES } from '../lab/control/http.ts';
import { loadHarnessConfig, openWindow, parseFaults } from './lib/context.ts';

const USAGE = `Usage: npm run lab [-- --fault=NAME[:ARG] ... --phase=ID --window=DATE|FILE --config=FILE --dir=DIR]

Starts the simulated estate on 127.0.0.1 in the foreground, prints its manifest (every address, the CA
to trust, the control API) and writes it to .lab/manifest.json. Ctrl-C stops it.

  --phase=ID     put the lab in the state after that step of the window (npm run plan lists the steps)
  --window=W     the window file (default: the one dated today or next, else the latest)
  --dir=DIR      where manifest.json, ca.pem and the lab's keys go (default .lab)
  --fault=F      inject a fault at start (repeatable); faults:
${faultUsage()}

Control API (JSON):
${ROUTES.map((r) => `  ${r}`).join('\n')}
`;

/** Every DNS endpoint the DNS lab lists ({name, address, port} or {name, url}), wherever it nests them. */
function dnsLines(dns: unknown, path = 'dns'): string[] {
  if (Array.isArray(dns)) return dns.flatMap((x) => dnsLines(x, path));
  if (typeof dns !== 'object' || dns === null) return [];
  const o = dns as Record<string, unknown>;
  if (typeof o.name === 'string' && typeof o.port === 'number')
    return [`  ${path.padEnd(22)} ${o.name} udp/tcp ${String(o.address)}:${o.port}`];
  if (typeof o.name === 'string' && typeof o.url === 'string') return [`  ${path.padEnd(22)} ${o.name} ${o.url}`];
  return Object.entries(o).flatMap(([k, v]) => dnsLines(v, `${path}.${k}`));
}

interface Flags {
  fault: string[];
  phase?: string;
  window?: string;
  config: string;
  dir: string;
}

runCommand<Flags>({
  usage: USAGE,
  options: {
    fault: { type: 'string', multiple: true, default: [] as string[] },
    phase: { type: 'string' },
    window: { type: 'string' },
    config: { type: 'string', default: 'harness.config.ts' },
    dir: { type: 'string', default: '.lab' },
  },
  run: async (values) => {
    const faults = parseFaults(values.fault);
    const config = await loadHarnessConfig(values.config);
    const step = values.phase ? stepOf((await openWindow(values.window, 'lab')).window, values.phase) : undefined;
    const dir = values.dir;
    const lab = await startLab({ config, faults, dir, ...(step ? { state: step.after } : {}) });
    const m = lab.manifest;
    const lines = [
      `Lab up (${m.domain}); manifest: ${join(lab.dir, 'manifest.json')}; trust CA: ${m.caFile}`,
      `control API: ${m.control.url}   slack webhook: ${m.slack?.url ?? '-'}`,
      `gateway ${m.gateway.name}: https://${m.gateway.address}:${m.gateway.port}   ilb ${m.ilb.name}: https://${m.ilb.address}:${m.ilb.port}`,
      `hosts: ${Object.values(m.hosts).join(', ')}`,
      ...m.webServers.map((w) => `  ${w.name.padEnd(10)} https://${w.address}:${w.port}`),
      ...m.services.map((s) => `  ${s.name.padEnd(10)} tcp ${s.address}:${s.port} (${s.group})`),
      ...dnsLines(m.dns),
      `faults: ${lab.control.status().faults.join(', ') || 'none'}; phase state: ${values.phase ?? 'default (all in pools, no page, DNS old)'}`,
      'Ctrl-C to stop.',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      process.stdout.write('\nstopping the lab…\n');
      lab.stop().then(
        () => process.exit(0),
        (err: unknown) => {
          process.stderr.write(`lab stop failed: ${(err as Error).message}\n`);
          process.exit(1);
        },
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    return new Promise<number>(() => undefined); // runs until Ctrl-C
  },
});
