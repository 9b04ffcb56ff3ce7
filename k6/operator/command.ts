// The k6:operator command: flags → manifests file. Returns the exit code (0, 64 usage, 78 configuration, 1 other).
import { parseArgs } from 'node:util';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from '../../core/config/load.ts';
import { loadLayeredConfig } from '../../estate/overlay.ts';
import { openEnvironment, type ResolvedHost } from '../../estate/model.ts';
import type { Needs } from '../../estate/needs.ts';
import { HostKey } from '../../core/config/estate.ts';
import { SCRIPT_NAMES, isScriptName } from '../contract.ts';
import type { K6Target, ScriptName } from '../contract.ts';
import { bundleScript, DIST_DIR } from '../build/bundle.ts';
import { hostPort, runPlanFor, targetFor } from '../adapter/run-plan.ts';
import { resolvePins, unresolvedMessage } from '../adapter/pins.ts';
import { operatorManifests, toYaml } from './manifests.ts';

const HELP = `Usage: npm run k6:operator -- --script=<name> --parallelism=<n> [options]

Writes <out>/<name>.yaml: a ConfigMap with the bundle and a k6-operator TestRun. Apply with
  kubectl apply -f <file>      and remove with      kubectl delete -f <file>

Options:
  --script=<name>       ${SCRIPT_NAMES.join(', ')}
  --parallelism=<n>     k6 runners (pods) sharing the load; each must get at least one VU
  --hosts=www,my,sso    hosts to load (default: connection-sanity www2; smoke-load www, my, sso; backend-sweep all four)
  --server=<IC-WebN>    backend-sweep only: the web server to sweep (needs --env for its address)
  --env=<name>          take addresses from environments.<name> in the config (pins names when k6.pinHosts is 'always')
  --vus=<n> --duration=<d>   override the script's load from the config
  --ca=FILE             PEM of an extra CA to trust (mounted; SSL_CERT_FILE points at it)
  --name=<name>         TestRun name (default harness-<script>)
  --namespace=<ns>      default: k6.operator.namespace in the config
  --out=DIR             default ${join(DIST_DIR, 'operator')}
  --config=FILE         default harness.config.ts

Thresholds are evaluated by each runner on its own share: the operator does not merge them across runners.`;

class Usage extends Error {}

export interface Io {
  log: (s: string) => void;
  error: (s: string) => void;
}

function positiveInt(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^[1-9]\d*$/.test(v)) throw new Usage(`--${flag}=${v}: expected a whole number of at least 1`);
  return Number(v);
}

async function main(argv: string[], out: Io): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      script: { type: 'string' },
      parallelism: { type: 'string' },
      hosts: { type: 'string' },
      server: { type: 'string' },
      env: { type: 'string' },
      vus: { type: 'string' },
      duration: { type: 'string' },
      ca: { type: 'string' },
      name: { type: 'string' },
      namespace: { type: 'string' },
      out: { type: 'string' },
      config: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    out.log(HELP);
    return 0;
  }
  const script = values.script;
  if (!script || !isScriptName(script)) throw new Usage(`--script is required: one of ${SCRIPT_NAMES.join(', ')}`);
  const parallelism = positiveInt(values.parallelism, 'parallelism');
  if (parallelism === undefined) throw new Usage('--parallelism=<n> is required');
  // The tracked config and the untracked overlay (harness.local.ts), as every run loads them: production's addresses live there.
  const { config, files } = await loadLayeredConfig(values.config ?? 'harness.config.ts');
  const k6 = structuredClone(config.k6);
  const vus = positiveInt(values.vus, 'vus');
  if (vus) k6.scripts[script].vus = vus;
  if (values.duration) {
    if (!/^(\d+(ms|s|m|h))+$/.test(values.duration))
      throw new Usage(`--duration=${values.duration}: expected a k6 duration such as 30s or 2m`);
    k6.scripts[script].duration = values.duration;
  }
  if (parallelism > k6.scripts[script].vus) {
    throw new Usage(
      `--parallelism=${parallelism} is more than the ${k6.scripts[script].vus} VUs of ${script}: some runners would get no VU; raise --vus or lower --parallelism`,
    );
  }

  const defaultHosts: Record<ScriptName, string[]> = {
    'connection-sanity': ['www2'],
    'smoke-load': ['www', 'my', 'sso'],
    'backend-sweep': ['www', 'www2', 'my', 'sso'],
  };
  const keys = values.hosts ? values.hosts.split(',').map((h) => h.trim()) : defaultHosts[script];
  for (const k of keys)
    if (!HostKey.safeParse(k).success) throw new Usage(`--hosts: unknown host ${k} (known: ${HostKey.options.join(', ')})`);
  if (script === 'connection-sanity' && keys.length !== 1) throw new Usage('connection-sanity checks one host: pass --hosts=<one host>');

  const configFile = files.join(' + ');
  // The one address a runner is pinned to (the swept server, or the gateway when k6 pins always) is all the environment
  // is asked for; a DNS name is looked up here as for a run, and one that does not resolve is named (78).
  const pinnedName = script === 'backend-sweep' ? values.server : k6.pinHosts === 'always' ? config.estate.gateway.name : undefined;
  const need: Needs = {
    names: new Set(pinnedName ? [pinnedName] : []),
    account: false,
    by: new Map(pinnedName ? [[pinnedName, new Set(['k6'])]] : []),
  };
  const estate = values.env ? await openEnvironment(config, values.env, configFile, { needs: need }) : undefined;
  const hosts: ResolvedHost[] =
    estate?.hosts ??
    config.estate.hosts.map((h) => ({
      key: h.key,
      name: `${h.label}.${config.estate.domain}`,
      marker: h.marker,
      path: h.path,
      maintenancePage: h.maintenancePage,
    }));
  const chosen = keys.map((k) => hosts.find((h) => h.key === k)!).filter(Boolean);
  const base = { maintenanceOn: [] as const, maintenance: config.estate.maintenance };
  let targets: K6Target[];
  let server: string | undefined;
  if (script === 'backend-sweep') {
    if (!estate || !values.server) throw new Usage('backend-sweep needs --env=<name> (for server addresses) and --server=<IC-WebN>');
    const s = estate.webServers.find((w) => w.name === values.server);
    if (!s)
      throw new Usage(`--server=${values.server}: not a web server of the estate (${estate.webServers.map((w) => w.name).join(', ')})`);
    server = s.name;
    const pinTo = hostPort(s);
    targets = chosen.map((h) => targetFor(h, { ...base, maintenanceOn: [], pinTo }));
  } else {
    const pin = estate && k6.pinHosts === 'always' ? { pinTo: hostPort(estate.gateway) } : {};
    targets = chosen.map((h) => targetFor(h, { ...base, maintenanceOn: [], ...pin }));
  }
  // k6 never resolves a hosts value: the runners get the addresses the names resolved to above, or nothing is written.
  const pinned = await resolvePins(runPlanFor(script, targets, k6, config.estate.gateway.identityHeader, server));
  if (!pinned.ok) throw new ConfigError(configFile, [unresolvedMessage(pinned.unresolved)]);
  const plan = pinned.plan;
  const built = await bundleScript(script);
  const name = values.name ?? `harness-${script}`;
  const docs = operatorManifests({
    name,
    namespace: values.namespace ?? k6.operator.namespace,
    parallelism,
    image: k6.operator.image,
    file: `${script}.js`,
    bundleText: readFileSync(built.file, 'utf8'),
    plan,
    ...(values.ca ? { caPem: readFileSync(resolve(values.ca), 'utf8') } : {}),
  });
  const outDir = resolve(values.out ?? join(DIST_DIR, 'operator'));
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `${name}.yaml`);
  writeFileSync(file, toYaml(docs));
  out.log(`wrote ${file}: ConfigMap ${name}-bundle (${built.bytes} bytes) and TestRun ${name}, parallelism ${parallelism}, ${k6.scripts[script].vus} VUs for ${k6.scripts[script].duration}
apply:   kubectl apply -f ${file}
watch:   kubectl -n ${values.namespace ?? k6.operator.namespace} get testrun ${name} -w
logs:    kubectl -n ${values.namespace ?? k6.operator.namespace} logs -l k6_cr=${name},runner=true --prefix
remove:  kubectl delete -f ${file}
Thresholds are judged per runner (each on its share of the load); the operator does not merge them.`);
  return 0;
}

export async function runOperatorCli(argv: string[], io: Io = { log: console.log, error: console.error }): Promise<number> {
  try {
    return await main(argv, io);
  } catch (e) {
    if (e instanceof Usage || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.error(`${(e as Error).message}\n\n${HELP}`);
      return 64;
    }
    if (e instanceof ConfigError) {
      io.error(e.message);
      return 78;
    }
    // A crash is never a verdict-like 1: exit 2, one line, as every command of the harness (core/cli.ts).
    io.error(`k6:operator failed: ${(e as Error).message}`);
    return 2;
  }
}
