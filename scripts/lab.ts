// npm run lab [-- --fault=NAME[:ARG] ... --phase=ID]: the lab in the foreground, its manifest printed and
// written to .lab/manifest.json; Ctrl-C stops it.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, ConfigError } from '../core/config/load.ts';
import { PHASES, PHASE_IDS, isPhaseId } from '../core/phases.ts';
import { FaultError, faultUsage, parseFault, type Fault } from '../lab/faults.ts';
import { startLab } from '../lab/index.ts';
import { ROUTES } from '../lab/control/http.ts';

const USAGE = `Usage: npm run lab [-- --fault=NAME[:ARG] ... --phase=ID --config=FILE --dir=DIR]

Starts the simulated estate on 127.0.0.1 in the foreground, prints its manifest (every address, the CA
to trust, the control API) and writes it to .lab/manifest.json. Ctrl-C stops it.

  --phase=ID     put the lab in that phase's state (${PHASE_IDS.join(', ')})
  --dir=DIR      where manifest.json, ca.pem and the lab's keys go (default .lab)
  --fault=F      inject a fault at start (repeatable); faults:
${faultUsage()}

Control API (JSON):
${ROUTES.map((r) => `  ${r}`).join('\n')}
`;

function usageError(message: string): never {
  process.stderr.write(`${message}\n(npm run lab -- --help for usage)\n`);
  process.exit(64);
}

/** Every DNS endpoint the DNS lab lists ({name, address, port} or {name, url}), wherever it nests them. */
function dnsLines(dns: unknown, path = 'dns'): string[] {
  if (Array.isArray(dns)) return dns.flatMap((x) => dnsLines(x, path));
  if (typeof dns !== 'object' || dns === null) return [];
  const o = dns as Record<string, unknown>;
  if (typeof o.name === 'string' && typeof o.port === 'number') return [`  ${path.padEnd(22)} ${o.name} udp/tcp ${String(o.address)}:${o.port}`];
  if (typeof o.name === 'string' && typeof o.url === 'string') return [`  ${path.padEnd(22)} ${o.name} ${o.url}`];
  return Object.entries(o).flatMap(([k, v]) => dnsLines(v, `${path}.${k}`));
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({ options: { fault: { type: 'string', multiple: true }, phase: { type: 'string' }, config: { type: 'string' }, dir: { type: 'string', default: '.lab' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (err) {
    usageError((err as Error).message);
  }
  if (values.help) return void process.stdout.write(USAGE);
  let faults: Fault[];
  try {
    faults = (values.fault ?? []).map(parseFault);
  } catch (err) {
    if (err instanceof FaultError) usageError(err.message);
    throw err;
  }
  if (values.phase !== undefined && !isPhaseId(values.phase)) usageError(`unknown phase "${values.phase}" (known: ${PHASE_IDS.join(', ')})`);
  const config = await loadConfig(values.config);
  const dir = values.dir ?? '.lab';
  const lab = await startLab({ config, faults, dir, ...(values.phase ? { state: PHASES[values.phase as keyof typeof PHASES].state } : {}) });
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
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(78);
  }
  if (err instanceof FaultError) usageError(err.message);
  process.stderr.write(`lab failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
