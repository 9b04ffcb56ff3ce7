// startSite2: the second test site, Northwind Utilities, on loopback — five backends (four HTTPS signed by its own
// internal CA, one plain HTTP), its gateway and ILB, Azure's backend-health API and an App Service managed-identity
// endpoint — and the overlay file that is all the harness is given about it (HARNESS_LOCAL_CONFIG).
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import type { HostKey } from '../../core/config/estate.ts';
import { startArmLab, type ArmMember } from '../../azure/lab-arm.ts';
import type { LocalConfigInput } from '../../estate/overlay.ts';
import { listenOnLoopback } from '../http-util.ts';
import { NORTHWIND, type Site2State } from './app.ts';
import { NODE_HEADER, Site2Backend } from './backend.ts';
import { Site2Balancer } from './balancer.ts';
import { createSite2Pki } from './pki.ts';

export const SITE2_ENV = 'site2';
const DOMAIN = 'northwind.test';
/** Host key → label: other names than the lab's (www → shop …). */
const LABELS: Record<HostKey, string> = { www: 'shop', www2: 'classic', my: 'account', sso: 'id' };
/** The runbook's server names (windows select them), the nodes' own names in the identity header, one plain HTTP. */
const SERVERS = [
  { name: 'IC-Web1', node: 'NW-NODE-A', address: '127.0.2.1', scheme: 'https' },
  { name: 'IC-Web2', node: 'NW-NODE-B', address: '127.0.2.2', scheme: 'https' },
  { name: 'IC-Web3', node: 'NW-NODE-C', address: '127.0.2.3', scheme: 'https' },
  { name: 'IC-Web4', node: 'NW-NODE-D', address: '127.0.2.4', scheme: 'https' },
  { name: 'IC-Web5', node: 'NW-NODE-E', address: '127.0.2.5', scheme: 'http' },
] as const;
const GATEWAY = { name: 'nw-agw-01', address: '127.0.2.10' };
const ILB = { name: 'nw-ilb-01', address: '127.0.2.11' };
const RESOURCE_GROUP = 'rg-northwind-web';

/** What can go wrong on the site, set and cleared by tests (and by hand through the script). */
export interface Site2Faults {
  /** Hosts whose pages lose their main landmark. */
  landmarkGone?: HostKey[];
  /** Every log-on refused. */
  loginBroken?: boolean;
  /** Backends presenting a certificate for another name. */
  wrongCert?: string[];
  /** Backends out of both balancers' pools (neither routes to them; Azure does not list them). */
  poolDrop?: string[];
  /** Backends Azure reports Down (their health probe fails there) while the balancers still route to them. */
  azureDown?: string[];
}

export interface Site2 {
  dir: string;
  /** The overlay the harness runs with (HARNESS_LOCAL_CONFIG); everything it knows about this site. */
  overlayFile: string;
  caFile: string;
  /** Variables a run needs: the overlay, the test account, the managed identity (Azure's default credential chain). */
  env: Record<string, string>;
  hosts: Record<HostKey, string>;
  setFaults(f: Site2Faults): Promise<void>;
  stop(): Promise<void>;
}

export interface StartSite2Options {
  /** Where the CA, the overlay and the stand-ins' files go. */
  dir: string;
}

export async function startSite2(opts: StartSite2Options): Promise<Site2> {
  const dir = resolve(opts.dir);
  await mkdir(dir, { recursive: true });
  const hosts = Object.fromEntries(Object.entries(LABELS).map(([k, l]) => [k, `${l}.${DOMAIN}`])) as Record<HostKey, string>;
  const fqdns = Object.values(hosts);
  const wrongName = `intranet.${DOMAIN}`;
  const pki = await createSite2Pki(dir, [...fqdns, wrongName, '127.0.0.1']);
  const leafOf = (names: string[]) => new Map(names.map((n) => [n, pki.leaves.get(n)!]));
  const state: Site2State = { landmarkGone: new Set(), loginBroken: false };
  let faults: Site2Faults = {};
  const account = { user: 'meter.reader@northwind.test', password: `nw-${randomBytes(9).toString('base64url')}` };
  const farmKey = randomBytes(32);
  const byFqdn = new Map(Object.entries(hosts).map(([k, f]) => [f, k as HostKey]));

  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    await Promise.allSettled(
      stops
        .splice(0)
        .reverse()
        .map((s) => s()),
    );
  };
  try {
    const backends = SERVERS.map(
      (s) =>
        new Site2Backend({
          name: s.name,
          node: s.node,
          address: s.address,
          scheme: s.scheme,
          hosts: byFqdn,
          leaves: leafOf(fqdns),
          wrongLeaf: pki.leaves.get(wrongName)!,
          wrongCert: () => faults.wrongCert?.includes(s.name) ?? false,
          app: { farmKey, account, state },
        }),
    );
    await Promise.all(backends.map((b) => b.start()));
    stops.push(...backends.map((b) => () => b.stop()));
    const members = SERVERS.map((s, i) => ({ name: s.name, address: s.address, scheme: s.scheme, port: () => backends[i]!.port }));
    const inPool = (m: string) => !faults.poolDrop?.includes(m);
    const balancers = [GATEWAY, ILB].map(
      (b) => new Site2Balancer({ ...b, hosts: fqdns, leaves: leafOf(fqdns), caPem: pki.caPem, members, inPool }),
    );
    await Promise.all(balancers.map((b) => b.start()));
    stops.push(...balancers.map((b) => () => b.stop()));

    // Azure's view: the pool's members, Down where their probe fails (a wrong certificate) or the fault says so.
    const armMembers = (): ArmMember[] =>
      SERVERS.filter((s) => inPool(s.name)).map((s) => {
        const why = faults.wrongCert?.includes(s.name)
          ? `the backend's certificate is not valid for the probe's host name`
          : faults.azureDown?.includes(s.name)
            ? 'the health probe to /healthz timed out after 30 seconds'
            : undefined;
        return { name: s.name, address: s.address, health: why ? 'Down' : 'Up', ...(why ? { why } : {}) };
      });
    const armLeaf = pki.leaves.get('127.0.0.1')!;
    const arm = await startArmLab({
      dir,
      tls: { ...armLeaf, caPem: pki.caPem, caFile: pki.caFile },
      gateway: { resourceGroup: RESOURCE_GROUP, name: GATEWAY.name, members: armMembers },
      ilb: { resourceGroup: RESOURCE_GROUP, name: ILB.name, rule: 'https', members: armMembers },
    });
    stops.push(() => arm.stop());
    // An App Service managed identity (IDENTITY_ENDPOINT/IDENTITY_HEADER): DefaultAzureCredential gets its token here.
    const identityHeader = randomBytes(12).toString('hex');
    const msi = await listenOnLoopback(
      createServer((req, res) => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        if (url.pathname !== '/msi/token' || req.headers['x-identity-header'] !== identityHeader) {
          res.writeHead(400, { 'content-type': 'application/json' });
          return void res.end(JSON.stringify({ error: 'invalid_request' }));
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            access_token: arm.token,
            expires_on: String(Math.floor(Date.now() / 1000) + 3_600),
            resource: url.searchParams.get('resource'),
            token_type: 'Bearer',
          }),
        );
      }),
    );
    stops.push(() => msi.stop());

    const overlay = overlayFor({
      hosts,
      caFile: pki.caFile,
      ports: Object.fromEntries([...backends, ...balancers].map((b) => [b.name, b.port])),
      arm: { endpoint: arm.endpoint, subscriptionId: arm.subscriptionId },
    });
    const overlayFile = join(dir, 'site2.local.ts');
    await writeFile(
      overlayFile,
      `// The second test site (lab/site2), written by startSite2: everything the harness knows about it.\nexport default ${JSON.stringify(overlay, null, 2)};\n`,
    );
    return {
      dir,
      overlayFile,
      caFile: pki.caFile,
      hosts,
      env: {
        HARNESS_LOCAL_CONFIG: overlayFile,
        SITE2_USER: account.user,
        SITE2_PASSWORD: account.password,
        IDENTITY_ENDPOINT: `http://127.0.0.1:${msi.port}/msi/token`,
        IDENTITY_HEADER: identityHeader,
      },
      async setFaults(f: Site2Faults) {
        faults = f;
        state.landmarkGone = new Set(f.landmarkGone ?? []);
        state.loginBroken = f.loginBroken ?? false;
        // Connections made before the change must not keep the old certificate.
        for (const b of backends) b.dropConnections();
        await Promise.all(balancers.map((b) => b.reset()));
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

interface OverlayInput {
  hosts: Record<HostKey, string>;
  caFile: string;
  ports: Record<string, number>;
  arm: { endpoint: string; subscriptionId: string };
}

/** The overlay an operator would write for this site: hosts with their page contracts, servers, trust, scope. */
function overlayFor(o: OverlayInput): LocalConfigInput {
  const common = { marker: NORTHWIND.marker, title: NORTHWIND.title, path: '/' };
  const outages = { path: '/outages', landmark: 'main' as const, heading: 'Current outages', headingLevel: 2 };
  return {
    estate: {
      domain: DOMAIN,
      hosts: [
        {
          key: 'www',
          label: LABELS.www,
          ...common,
          maintenancePage: true,
          pages: [{ path: '/', landmark: 'main', heading: 'Start, stop or move service', headingLevel: 2 }, outages],
        },
        {
          key: 'www2',
          label: LABELS.www2,
          ...common,
          maintenancePage: false,
          pages: [{ path: '/', landmark: 'main', heading: 'Start, stop or move service' }],
        },
        {
          key: 'my',
          label: LABELS.my,
          ...common,
          maintenancePage: true,
          pages: [
            { path: '/', landmark: 'main', heading: 'Account centre' },
            { path: '/signin', landmark: 'form', heading: 'Log on to your account', baseline: false },
          ],
          signIn: {
            start: '/',
            via: 'Log on',
            userLabel: 'Customer ID',
            passwordLabel: 'Passcode',
            submit: 'Log on',
            success: { heading: 'Your account summary', url: '/summary' },
          },
        },
        {
          key: 'sso',
          label: LABELS.sso,
          ...common,
          maintenancePage: true,
          pages: [{ path: '/', landmark: 'banner', heading: 'One sign-in for every Northwind service' }],
        },
      ],
      webServers: SERVERS.map((s) => ({
        name: s.name,
        port: o.ports[s.name]!,
        identity: s.node,
        ...(s.scheme === 'http' ? { scheme: 'http' as const } : {}),
      })),
      gateway: { name: GATEWAY.name, port: o.ports[GATEWAY.name]!, identityHeader: NODE_HEADER },
      ilb: { name: ILB.name, port: o.ports[ILB.name]!, identityHeader: NODE_HEADER },
      serverGroups: [],
      maintenance: { status: 503, marker: 'Northwind is closed for planned work' },
      tokens: {
        formPath: '/signin',
        loginPath: '/signin',
        userField: NORTHWIND.userField,
        passwordField: NORTHWIND.passwordField,
        cookieName: NORTHWIND.cookie,
        verifyPath: '/summary',
        verifyMarker: 'Signed in as',
        host: 'my',
        userEnv: 'SITE2_USER',
        passwordEnv: 'SITE2_PASSWORD',
      },
    },
    environments: {
      [SITE2_ENV]: {
        domain: DOMAIN,
        addresses: Object.fromEntries([...SERVERS, GATEWAY, ILB].map((s) => [s.name, s.address])),
        caFile: o.caFile,
        browserVia: 'gateway',
        // No DNS, load tests, rotations, control-plane APIs or other server groups on this site.
        outOfScope: ['dns', 'k6', 'rotations', 'api', 'service'],
        azure: {
          subscriptionId: o.arm.subscriptionId,
          resourceManager: o.arm.endpoint,
          gateway: { resourceGroup: RESOURCE_GROUP, name: GATEWAY.name },
          ilb: { resourceGroup: RESOURCE_GROUP, name: ILB.name, rule: 'https' },
        },
      },
    },
  };
}
