// What the suites run against, read from the environment the harness (or a person) sets:
// the lab by default (hosts under .test reached through the lab gateway), a named environment only when asked.
import { readFileSync } from 'node:fs';
import { HOST_KEYS, type HostKey } from '../core/config/estate.ts';
import { LAB_DEFAULT_PASSWORD, LAB_DEFAULT_USER } from '../estate/model.ts';
import type { LabManifest } from '../lab/manifest.ts';

/** Environment variables the Playwright run reads (the harness's e2e adapter sets them). */
export const ENV = {
  /** `lab` (default) or the name of a configured environment such as `production`. */
  env: 'HARNESS_E2E_ENV',
  /** JSON file of the running lab's manifest (lab only). */
  labManifest: 'HARNESS_LAB_MANIFEST',
  /** Per-host base URL outside the lab: HARNESS_E2E_BASE_URL_WWW, _WWW2, _MY, _SSO. */
  baseUrlPrefix: 'HARNESS_E2E_BASE_URL_',
  user: 'HARNESS_E2E_USER',
  password: 'HARNESS_E2E_PASSWORD',
  /** Comma-separated hosts the phase expects behind the maintenance page. */
  maintenanceOn: 'HARNESS_E2E_MAINTENANCE_ON',
  maintenanceMarker: 'HARNESS_E2E_MAINTENANCE_MARKER',
  marker: 'HARNESS_E2E_MARKER',
  /** Text the document title must contain, when it is not the body marker (config: hosts[].title). */
  title: 'HARNESS_E2E_TITLE',
  /** '1' where the environment declares data-changing flows (payments) safe; the lab always is, nothing else by default. */
  safeToChangeData: 'HARNESS_E2E_SAFE_TO_CHANGE_DATA',
  /** Folder for the JSON report, allure results, test-results, blob reports. */
  output: 'HARNESS_E2E_OUTPUT',
  chromium: 'CHROMIUM_PATH',
  /** Short folder for the browser's TMPDIR / XDG dirs (set by e2e/run.ts). */
  scratch: 'HARNESS_E2E_SCRATCH',
  /** Outside the lab: PEM file of the environment's CA (environments.<env>.caFile); pins of verified certificates. */
  caFile: 'HARNESS_E2E_CA_FILE',
  /** Outside the lab: address:port every host is mapped to (environments.<env>.browserVia: 'gateway'). */
  resolveTo: 'HARNESS_E2E_RESOLVE_TO',
  /** '1' where the environment runs the lab's own app, so the hand-written lab specs (@lab-app) apply there too. */
  labSpecs: 'HARNESS_E2E_LAB_SPECS',
} as const;

export interface E2eTarget {
  env: string;
  /** Base URL per host, or the reason it is missing (a test on that host fails with it). */
  baseURLs: Record<HostKey, string | { missing: string }>;
  /** Text every healthy page body contains. */
  marker: string;
  /** Text the document title contains (the marker unless the config gives a title). */
  title: string;
  /** Flows that change data (a payment) may run: the lab, or an environment that says so; never by default. */
  safeToChangeData: boolean;
  maintenance: { on: HostKey[]; marker: string };
  account: { user: string | undefined; password: string | undefined };
  /** Lab only: where the browser is pointed and which CA it trusts. */
  lab?: LabManifest;
  /** Outside the lab: the environment's CA and the gateway its hosts are mapped to, when the config says so. */
  trust?: { caFile?: string; resolveTo?: { address: string; port: number } };
}

/** The hand-written lab specs (@lab-app: "Pay your bill", the test cards) run in the lab, elsewhere only when declared. */
export function runsLabSpecs(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env[ENV.env] || 'lab') === 'lab' || env[ENV.labSpecs] === '1';
}

function resolveTo(text: string | undefined): { address: string; port: number } | undefined {
  if (!text) return undefined;
  const m = /^(.+):(\d{1,5})$/.exec(text);
  const port = Number(m?.[2]);
  if (!m || port < 1 || port > 65_535) throw new TargetError(`${ENV.resolveTo}=${text}: expected address:port (the gateway)`);
  return { address: m[1]!.replace(/^\[|\]$/g, ''), port };
}

export class TargetError extends Error {
  override readonly name = 'TargetError';
}

function readManifest(file: string): LabManifest {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new TargetError(
      `${ENV.labManifest}=${file}: cannot read the lab manifest (${(err as NodeJS.ErrnoException).code ?? 'error'}); start the lab with \`npm run lab\` or run the suites through \`npm run smoke\``,
    );
  }
  try {
    return JSON.parse(text) as LabManifest;
  } catch {
    throw new TargetError(`${file}: the lab manifest is not JSON; rewrite it from \`npm run lab\``);
  }
}

function hostList(text: string | undefined, name: string): HostKey[] {
  const items = (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const h of items)
    if (!(HOST_KEYS as readonly string[]).includes(h))
      throw new TargetError(`${name}: unknown host "${h}" (known: ${HOST_KEYS.join(', ')})`);
  return items as HostKey[];
}

/** Reads the target from the environment; a lab run without a manifest file gets `lab: undefined` (global setup starts one). */
export function resolveTarget(env: NodeJS.ProcessEnv = process.env): E2eTarget {
  const name = env[ENV.env] || 'lab';
  const marker = env[ENV.marker] || 'InvoiceCloud';
  const common = {
    env: name,
    marker,
    title: env[ENV.title] || marker,
    safeToChangeData: name === 'lab' || env[ENV.safeToChangeData] === '1',
    maintenance: {
      on: hostList(env[ENV.maintenanceOn], ENV.maintenanceOn),
      marker: env[ENV.maintenanceMarker] || 'Scheduled maintenance in progress',
    },
  };
  if (name === 'lab') {
    const lab = env[ENV.labManifest] ? readManifest(env[ENV.labManifest]!) : undefined;
    const domain = lab?.domain ?? 'invoicecloud.test';
    const baseURLs = Object.fromEntries(HOST_KEYS.map((h) => [h, `https://${lab?.hosts[h] ?? `${h}.${domain}`}`])) as Record<
      HostKey,
      string
    >;
    // By hand the lab takes its account from the default token variables; the harness passes HARNESS_E2E_*.
    const user = env[ENV.user] || env.HARNESS_TEST_USER || lab?.account.user || LAB_DEFAULT_USER;
    const password = env[ENV.password] || env.HARNESS_TEST_PASSWORD || LAB_DEFAULT_PASSWORD;
    return { ...common, baseURLs, account: { user, password }, ...(lab ? { lab } : {}) };
  }
  // Outside the lab every address comes from the environment: the suites never default to a production name.
  const baseURLs = Object.fromEntries(
    HOST_KEYS.map((h) => {
      const v = env[`${ENV.baseUrlPrefix}${h.toUpperCase()}`];
      return [
        h,
        v
          ? v.replace(/\/+$/, '')
          : {
              missing: `${ENV.baseUrlPrefix}${h.toUpperCase()} is not set: with --env=${name} the base URL of ${h} comes from the environment (e.g. https://${h}.invoicecloud.com)`,
            },
      ];
    }),
  ) as E2eTarget['baseURLs'];
  const via = resolveTo(env[ENV.resolveTo]);
  const trust = { ...(env[ENV.caFile] ? { caFile: env[ENV.caFile] } : {}), ...(via ? { resolveTo: via } : {}) };
  return {
    ...common,
    baseURLs,
    account: { user: env[ENV.user], password: env[ENV.password] },
    ...(trust.caFile || trust.resolveTo ? { trust } : {}),
  };
}
