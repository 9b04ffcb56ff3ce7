// Which k6 runs a phase makes and the plan (environment) each one gets: targets from the estate, thresholds and
// load from the k6 config. Shared by the planner and the k6-operator manifests.
import type { HarnessConfig } from '../../core/config/schema.ts';
import type { HostKey } from '../../core/config/estate.ts';
import type { Endpoint, ResolvedEstate, ResolvedHost } from '../../estate/model.ts';
import type { EstateState } from '../../core/window/schema.ts';
import type { Target } from '../../core/result.ts';
import { allCheckNames, checkNamesFor } from '../contract.ts';
import type { K6RunPlan, K6Target, ScriptName } from '../contract.ts';
import type { K6Config } from '../config.ts';
import { durationMs } from '../../core/config/limits.ts';
import type { K6RunSpec } from './interpret.ts';

export interface K6RunDef {
  script: ScriptName;
  /** Folder name under runDir/k6/: connection-sanity-www2. */
  slug: string;
  spec: K6RunSpec;
  target: Target;
  plan: K6RunPlan;
}

/** host:port for k6's `hosts` option (IPv6 in brackets): the IP a DNS-name address resolved to when the environment was opened. */
export function hostPort(e: Pick<Endpoint, 'address' | 'port' | 'ip'>): string {
  const a = e.ip ?? e.address;
  return `${a.includes(':') ? `[${a}]` : a}:${e.port}`;
}

export function thresholdsFor(script: ScriptName, targets: readonly K6Target[], k6: K6Config): Record<string, string[]> {
  const t = { ...k6.thresholds, ...k6.scripts[script].thresholds };
  // Latency over successful responses only: refused requests (0 ms) and errors must not make p(95) look good.
  const out: Record<string, string[]> = {
    http_req_failed: [`rate<${t.httpReqFailedRate}`],
    'http_req_duration{expected_response:true}': [`p(95)<${t.p95Ms}`],
    checks: [`rate>=${t.checksRate}`],
  };
  // Across several hosts, each host's latency on its own, so one slow host is named.
  if (targets.length > 1) for (const x of targets) out[`http_req_duration{host:${x.key},expected_response:true}`] = [`p(95)<${t.p95Ms}`];
  return out;
}

export interface TargetOptions {
  /** Hosts that serve the maintenance page in this phase: they must answer with it. */
  maintenanceOn: readonly HostKey[];
  maintenance: { status: number; marker: string };
  /** address:port every name is pinned to, or undefined for real DNS. */
  pinTo?: string;
}

export function targetFor(h: ResolvedHost, o: TargetOptions): K6Target {
  const page = h.maintenancePage && o.maintenanceOn.includes(h.key);
  return {
    key: h.key,
    name: h.name,
    path: h.path,
    marker: page ? o.maintenance.marker : h.marker,
    expectStatus: page ? o.maintenance.status : 200,
    ...(o.pinTo ? { address: o.pinTo } : {}),
  };
}

export function runPlanFor(
  script: ScriptName,
  targets: K6Target[],
  k6: K6Config,
  identityHeader: string,
  server?: string,
  lab = false,
): K6RunPlan {
  const configured = k6.scripts[script];
  // The lab's duration is a cap, as its VUs are: a script configured shorter keeps its own length.
  const duration =
    lab && (durationMs(configured.duration) ?? 0) > (durationMs(k6.lab.duration) ?? 0) ? k6.lab.duration : configured.duration;
  const s = lab ? { ...configured, vus: Math.min(configured.vus, k6.lab.maxVus), duration } : configured;
  return {
    script,
    targets,
    ...(server ? { server } : {}),
    identityHeader,
    thresholds: thresholdsFor(script, targets, k6),
    // Set deliberately, never k6's 30 s default: against the lab the cap stays a cap (3 s + 1 s).
    load: {
      vus: s.vus,
      duration: s.duration,
      pauseMs: s.pauseMs,
      requestTimeout: s.requestTimeout,
      gracefulStop: lab ? k6.lab.gracefulStop : (s.gracefulStop ?? s.requestTimeout),
    },
  };
}

function def(script: ScriptName, part: string, label: string, target: Target, plan: K6RunPlan): K6RunDef {
  return {
    script,
    slug: `${script}-${part}`.replace(/[^A-Za-z0-9._+-]/g, '_'),
    spec: {
      idPrefix: `k6:${script}:${part}`,
      label,
      thresholds: plan.thresholds,
      checks: allCheckNames(plan),
      checkHosts: Object.fromEntries(plan.targets.flatMap((t) => Object.values(checkNamesFor(plan, t)).map((n) => [n, t.name]))),
    },
    target,
    plan,
  };
}

/** Every k6 run of the phase: connection-sanity once per host, smoke-load once, backend-sweep once per web server. */
export function k6RunsForPhase(
  requested: readonly { script: ScriptName; hosts: readonly HostKey[] }[],
  state: EstateState,
  config: HarnessConfig,
  estate: ResolvedEstate,
): K6RunDef[] {
  const k6 = config.k6;
  const lab = estate.lab !== undefined;
  const pin = k6.pinHosts === 'always' || (k6.pinHosts === 'lab' && lab);
  const base = { maintenanceOn: state.maintenanceOn, maintenance: estate.maintenance };
  const through = { ...base, ...(pin ? { pinTo: hostPort(estate.gateway) } : {}) };
  const hostsOf = (keys: readonly HostKey[]) =>
    keys.map((k) => {
      const h = estate.hosts.find((x) => x.key === k);
      if (!h) throw new Error(`k6 is asked to run on host ${k}, which the estate config does not define`);
      return h;
    });
  const identity = estate.gateway.identityHeader;
  return requested.flatMap(({ script, hosts }): K6RunDef[] => {
    const hs = hostsOf(hosts);
    switch (script) {
      case 'connection-sanity':
        return hs.map((h) =>
          def(
            script,
            h.key,
            `connection-sanity on ${h.name}`,
            { host: h.name },
            runPlanFor(script, [targetFor(h, through)], k6, identity, undefined, lab),
          ),
        );
      case 'smoke-load':
        return [
          def(
            script,
            hosts.join('+'),
            `smoke-load on ${hs.map((h) => h.name).join(', ')} through ${estate.gateway.name}`,
            { server: estate.gateway.name },
            runPlanFor(
              script,
              hs.map((h) => targetFor(h, through)),
              k6,
              identity,
              undefined,
              lab,
            ),
          ),
        ];
      case 'backend-sweep':
        // Directly on each server, every name pinned to it whatever pinHosts says; the page lives on the gateway only.
        return estate.webServers.map((s) =>
          def(
            script,
            s.name,
            `backend-sweep on ${s.name}`,
            { server: s.name },
            runPlanFor(
              script,
              hs.map((h) => targetFor(h, { ...base, maintenanceOn: [], pinTo: hostPort(s) })),
              k6,
              identity,
              s.name,
              lab,
            ),
          ),
        );
    }
  });
}
