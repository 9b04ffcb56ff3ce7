// The 2025-06-22 monthly maintenance window as data: the runbook's steps in order, what each checks, which
// checks block, and what the on-call engineer does next. `npm run plan -- --window=2025-06-22` lists it.
import { defineWindow } from '../kinds.ts';

const webs = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `IC-Web${from + i}`);
const PAGE = ['www', 'my', 'sso'] as const;
const ALL_HOSTS = ['www', 'www2', 'my', 'sso'] as const;
// The runbook's notice for Sunday morning, posted when the maintenance page is confirmed up.
const NOTICE =
  'Today we are releasing changes for 2025-06-22 per our Weekly Change Window Guidelines: the maintenance page is up on www, my and sso.';

// Non-web server groups at the protocol level (kind service); groups not named here: TCP and the config's banner.
const SFTP_ACCOUNT = { userEnv: 'SFTP_CHECK_USER', passwordEnv: 'SFTP_CHECK_PASSWORD' } as const;
const SERVICE_PROBES = {
  app: { protocol: 'http', path: '/health' },
  gateway: { protocol: 'http', path: '/health' },
  pdfextract: { protocol: 'http', path: '/health' },
  // Host keys of SFTP1/SFTP2 are pinned here before the first production run (the lab publishes its own).
  sftp: { protocol: 'ssh', account: SFTP_ACCOUNT, list: '/', hostKeys: {} },
} as const;

/** Opsgenie (moving to JSM): the runbook turns alerting off for a batch while it is patched; it must be on again after. */
const alertingOn = (name: string, label: string, servers: readonly string[]) => ({
  kind: 'api' as const,
  name: `alerting:${name}`,
  title: `alerting is on again for ${label}`,
  endpoint: 'opsgenie',
  label: 'Opsgenie',
  path: '/v2/integrations',
  auth: { scheme: 'genie-key' as const, env: 'OPSGENIE_API_KEY' },
  expect: {
    json: servers.map((s) => ({
      path: `data[name=${s}].enabled`,
      op: 'equals' as const,
      value: true,
      fix: `turn alerting back on for ${s} in Opsgenie (JSM)`,
    })),
  },
  blocking: true,
});

/** A server group's patch step: its protocol check and its alerting, both blocking. */
const patched = (group: keyof typeof SERVICE_PROBES | 'management' | 'mcc-db' | 'proxy' | 'ts-licensing', servers: readonly string[]) => [
  { kind: 'service' as const, groups: [group], servers: [...servers], probes: SERVICE_PROBES, blocking: true },
  alertingOn(group, servers.join(', '), servers),
];

// K8s clusters (PLAT-1987): API server reachable at the planned version, every node Ready.
const K8S_VERSION = 'v1.31.4';
const k8sAuth = (cluster: string) => ({ scheme: 'bearer' as const, env: `K8S_TOKEN_${cluster.replace(/-/g, '_').toUpperCase()}` });
const k8sCluster = (cluster: string) => [
  {
    kind: 'api' as const,
    name: `k8s:${cluster}:version`,
    title: `K8s ${cluster} API server answers at ${K8S_VERSION}`,
    endpoint: `k8s:${cluster}`,
    label: `K8s ${cluster}`,
    path: '/version',
    auth: k8sAuth(cluster),
    expect: {
      json: [{ path: 'gitVersion', op: 'equals' as const, value: K8S_VERSION, fix: `finish the upgrade of ${cluster} (PLAT-1987)` }],
    },
    blocking: true,
  },
  {
    kind: 'api' as const,
    name: `k8s:${cluster}:nodes`,
    title: `every node of K8s ${cluster} is Ready`,
    endpoint: `k8s:${cluster}`,
    label: `K8s ${cluster}`,
    path: '/api/v1/nodes',
    auth: k8sAuth(cluster),
    expect: {
      json: [
        { path: 'items[*]', op: 'count' as const, min: 1 },
        {
          path: 'items[*].status.conditions[type=Ready].status',
          op: 'equals' as const,
          value: 'True',
          label: 'metadata.name',
          fix: `cordon and repair the node, or re-run the node pool upgrade (PLAT-1987)`,
        },
      ],
    },
    blocking: true,
  },
];

// The Mailgun key (Key Vault secret mailgun-api-key) and the cron job that reads it through the CSI provider.
const MAILGUN_SECRET = {
  kind: 'secret-sync' as const,
  cluster: 'k8s:aks-prd-1',
  namespace: 'biller',
  secret: 'biller-mailgun',
  key: 'MAILGUN_API_KEY',
  cronJob: 'biller-mailgun-message-status-job',
  keyVault: { secret: 'mailgun-api-key' },
  k8sTokenEnv: 'K8S_TOKEN_AKS_PRD_1',
  blocking: true,
};

const jobsRunning = (group: 'integrations' | 'engineering', team: string) => ({
  kind: 'api' as const,
  name: `jobs:${group}`,
  title: `the ${team} jobs are running again`,
  endpoint: 'jobs',
  label: 'jobs API',
  path: '/api/jobs',
  query: { group },
  auth: { scheme: 'bearer' as const, env: 'JOBS_API_TOKEN' },
  expect: {
    json: [
      { path: 'jobs[*]', op: 'count' as const, min: 1 },
      {
        path: 'jobs[*].state',
        op: 'equals' as const,
        value: 'running',
        label: 'name',
        fix: `start the ${team} jobs (post-maintenance steps)`,
      },
    ],
  },
  blocking: true,
});

export default defineWindow({
  date: '2025-06-22',
  timezone: 'America/New_York',
  title: 'Monthly maintenance, June 2025',
  runbook: '2025-06-22 Monthly maintenance (platform wiki)',
  steps: [
    {
      id: 'pre-maintenance',
      at: { day: -1, time: '19:00' },
      title: 'Baseline before the window',
      after: { inPools: 'all', maintenanceOn: [], dnsProvider: 'old' },
      checks: [
        { kind: 'direct', blocking: true },
        { kind: 'pool', blocking: true },
        { kind: 'maintenance', blocking: true },
        { kind: 'tokens', blocking: true },
        { kind: 'service', probes: SERVICE_PROBES, blocking: false },
        { kind: 'dns', checks: ['delegation', 'parity', 'mail', 'ttl'], blocking: true },
        { kind: 'e2e', suite: 'smoke', hosts: [...ALL_HOSTS], blocking: false },
      ],
      notify: [{ channel: '#eng-monthlymaintenance' }],
      actions: {
        go: { say: 'baseline stored; the window can start at midnight' },
        'no-go': { say: 'fix the failing checks before the window starts; the baseline is not clean' },
        inconclusive: { say: 're-run pre-maintenance once the broken checks can run; the baseline is incomplete' },
      },
    },
    {
      id: 'pull-web1-5',
      at: { time: '00:00' },
      title: 'IC-Web1..5 pulled out of the App Gateway and the ILB for patching',
      after: { inPools: webs(6, 10) },
      // The runbook pulls the batch before patching: no traffic may reach it (the pool check names any that answers).
      checks: [{ kind: 'pool', blocking: true }],
      notify: [{ channel: '#eng-monthlymaintenance' }],
      actions: {
        go: { say: 'no traffic reaches IC-Web1..5: patch them' },
        'no-go': { say: 'do not patch yet: traffic still reaches the servers named below; pull them again' },
        inconclusive: { say: 'confirm by hand that IC-Web1..5 get no traffic before patching' },
      },
    },
    {
      id: 'web1-5',
      at: { time: '00:00' },
      title: 'IC-Web1..5 patched and back in both pools',
      before: { inPools: webs(6, 10) },
      after: { inPools: 'all' },
      checks: [
        { kind: 'direct', servers: webs(1, 5), blocking: true },
        { kind: 'pool', blocking: true },
        { kind: 'maintenance', blocking: true },
        // No all-ten token check here: PLAT-2374 rolls the new machineKey to IC-Web1..5 first, so IC-Web6..10 still
        // reject their cookies until web6-10; the machinekey check says which servers share which key instead.
        // PLAT-2374: the new machineKey rolled to IC-Web1..5 and validated on IC-Web3, as the runbook did.
        { kind: 'machinekey', rolled: webs(1, 5), validateOn: 'IC-Web3', blocking: true },
        alertingOn('web1-5', 'IC-Web1..5', webs(1, 5)),
        { kind: 'e2e', suite: 'smoke', hosts: ['www'], blocking: true },
      ],
      notify: [
        { channel: '#eng-monthlymaintenance', say: 'IC-Web1..5 are patched, checked and back in both pools: smoke testing can begin' },
      ],
      actions: {
        go: { say: 'post in #eng-monthlymaintenance that IC-Web1..5 are done and smoke testing can begin' },
        'no-go': { say: 'do not start IC-Web6..10: fix or pull the failing IC-Web1..5 servers and re-run web1-5' },
        inconclusive: { say: 'do not start IC-Web6..10 until the broken checks of web1-5 have run' },
      },
    },
    {
      id: 'pull-web6-10',
      at: { time: '04:30' },
      title: 'IC-Web6..10 pulled out of the App Gateway and the ILB for patching',
      after: { inPools: webs(1, 5) },
      // The runbook pulls the batch before patching: no traffic may reach it (the pool check names any that answers).
      checks: [{ kind: 'pool', blocking: true }],
      notify: [{ channel: '#eng-monthlymaintenance' }],
      actions: {
        go: { say: 'no traffic reaches IC-Web6..10: patch them' },
        'no-go': { say: 'do not patch yet: traffic still reaches the servers named below; pull them again' },
        inconclusive: { say: 'confirm by hand that IC-Web6..10 get no traffic before patching' },
      },
    },
    {
      id: 'web6-10',
      at: { time: '04:30' },
      title: 'IC-Web6..10 patched and back in both pools',
      requires: ['web1-5'],
      before: { inPools: webs(1, 5) },
      after: { inPools: 'all' },
      checks: [
        { kind: 'direct', servers: webs(6, 10), blocking: true },
        { kind: 'pool', blocking: true },
        { kind: 'maintenance', blocking: true },
        { kind: 'tokens', issuers: webs(6, 10), blocking: true },
        // PLAT-2374: rolled to IC-Web6..10 once they are back: all ten share IC-Web3's key.
        { kind: 'machinekey', rolled: 'all', validateOn: 'IC-Web3', blocking: true },
        alertingOn('web6-10', 'IC-Web6..10', webs(6, 10)),
        { kind: 'e2e', suite: 'smoke', hosts: ['www'], blocking: true },
      ],
      notify: [{ channel: '#eng-monthlymaintenance', say: 'IC-Web6..10 are patched, checked and back in both pools' }],
      actions: {
        go: { say: 'IC-Web6..10 are back; continue with the maintenance page at 04:45' },
        'no-go': { say: 'keep the failing IC-Web6..10 servers out of the pools and fix them before 04:45' },
        inconclusive: { say: 'the IC-Web6..10 checks could not all run; re-run web6-10 before 04:45' },
      },
    },
    {
      id: 'maintenance-start',
      at: { time: '04:45' },
      title: 'Maintenance page up on www, my, sso; www2 serving',
      before: { maintenanceOn: [] },
      after: { maintenanceOn: [...PAGE] },
      checks: [{ kind: 'maintenance', blocking: true }],
      notify: [
        { channel: '#platform-support', say: NOTICE },
        { channel: '#engineering-maintenance', say: NOTICE },
      ],
      actions: {
        go: { say: 'maintenance page is up on www, my, sso; the 05:00 changes can begin' },
        'no-go': { say: 'put the maintenance page up on the hosts named below before any 05:00 change' },
        inconclusive: { say: 'confirm the maintenance page by hand; the checks could not all run' },
      },
    },
    {
      id: 'internal-network',
      at: { time: '05:00' },
      title: 'Routing change done (PLAT-2018)',
      tickets: ['PLAT-2018'],
      after: { maintenanceOn: [...PAGE] },
      checks: [
        { kind: 'direct', hosts: ['www2'], blocking: true },
        // The runbook: "Run connection sanity checks on www2" after the routing change.
        { kind: 'k6', script: 'connection-sanity', hosts: ['www2'], blocking: true },
      ],
      notify: [{ channel: '#eng-monthlymaintenance' }],
      actions: {
        go: { say: 'routing change verified on www2 (PLAT-2018); the DNS move can begin' },
        'no-go': { say: 'roll back or fix the routing change (PLAT-2018) before the DNS move' },
        inconclusive: { say: 're-run internal-network before starting the DNS move; the blocking checks could not all run' },
      },
    },
    {
      id: 'dns-migration',
      at: { time: '05:00' },
      title: 'Zone served by Cloudflare (PLAT-1125)',
      tickets: ['PLAT-1125'],
      requires: ['internal-network'],
      before: { maintenanceOn: [...PAGE], dnsProvider: 'old' },
      after: { maintenanceOn: [...PAGE], dnsProvider: 'new' },
      checks: [
        { kind: 'direct', hosts: ['www2'], blocking: true },
        { kind: 'dns', checks: ['delegation', 'parity', 'resolvers', 'mail', 'dnssec'], blocking: true },
        { kind: 'k6', script: 'connection-sanity', hosts: ['www2'], blocking: true },
      ],
      notify: [{ channel: '#eng-monthlymaintenance' }],
      actions: {
        go: { say: 'zone verified at Cloudflare (PLAT-1125)' },
        'no-go': { say: 'fix the DNS findings below or move the delegation back to GoDaddy (PLAT-1125)' },
        inconclusive: { say: 're-run dns-migration; the blocking checks could not all run' },
      },
      tolerate: [{ codes: ['DNS_RESOLVER_CACHED'], why: 'the delegation is right; the resolver clears when its cached TTL runs out' }],
    },
    // Parallel changes from 05:00: each server group patched, checked at the protocol level, alerting on again.
    {
      id: 'patch-app',
      at: { time: '05:00' },
      title: 'App servers patched (JEDI-175)',
      tickets: ['JEDI-175'],
      after: { maintenanceOn: [...PAGE], dnsProvider: 'new' },
      checks: patched('app', ['IC-App1', 'IC-App2']),
      notify: [{ channel: '#eng-monthlymaintenance' }],
      actions: {
        go: { say: 'App servers are back and healthy, alerting on (JEDI-175)' },
        'no-go': { say: 'fix the App servers named below (health, alerting) before the 08:00 checks (JEDI-175)' },
        inconclusive: { say: 're-run patch-app; the App server checks could not all run' },
      },
    },
    {
      id: 'patch-gateway',
      at: { time: '05:00' },
      title: 'Gateway servers patched (JEDI-176)',
      tickets: ['JEDI-176'],
      after: { maintenanceOn: [...PAGE], dnsProvider: 'new' },
      checks: patched('gateway', ['IC-GW1', 'IC-GW2']),
      notify: [{ channel: '#eng-monthlymaintenance' }],
      actions: {
        go: { say: 'Gateway servers are back and healthy, alerting on (JEDI-176)' },
        'no-go': { say: 'fix the Gateway servers named below before the 08:00 checks (JEDI-176)' },
        inconclusive: { say: 're-run patch-gateway; the Gateway server checks could not all run' },
      },
    },
    {
      id: 'patch-management',
      at: { time: '05:00' },
      title: 'Management servers patched (JEDI-182)',
      tickets: ['JEDI-182'],
      after: { maintenanceOn: [...PAGE], dnsProvider: 'new' },
      checks: patched('management', ['IC-MGMT1']),
      notify: [{ channel: '#eng-monthlymaintenance' }],
      actions: {
        go: { say: 'Management servers accept RDP again, alerting on (JEDI-182)' },
        'no-go': { say: 'fix the Management servers named below (JEDI-182)' },
        inconclusive: { say: 're-run patch-management; its checks could not all run' },
      },
    },
    {
      id: 'patch-mcc-db',
      at: { time: '05:00' },
      title: 'MCC database server patched (JEDI-177)',
      tickets: ['JEDI-177'],
      after: { maintenanceOn: [...PAGE], dnsProvider: 'new' },
      checks: patched('mcc-db', ['IC-MCCDB1']),
      notify: [{ channel: '#eng-monthlymaintenance' }],
      actions: {
        go: { say: 'the MCC database server accepts connections again, alerting on (JEDI-177)' },
        'no-go': { say: 'the MCC database server is not back: follow the patching procedure before 08:00 (JEDI-177)' },
        inconclusive: { say: 're-run patch-mcc-db; its checks could not all run' },
      },
    },
    {
      id: 'patch-pdfextract',
      at: { time: '05:00' },
      title: 'PDFExtract servers patched (JEDI-178)',
      tickets: ['JEDI-178'],
      after: { maintenanceOn: [...PAGE], dnsProvider: 'new' },
      checks: patched('pdfextract', ['IC-PDF1', 'IC-PDF2']),
      notify: [{ channel: '#eng-monthlymaintenance' }],
      actions: {
        go: { say: 'PDFExtract servers are back and healthy, alerting on (JEDI-178)' },
        'no-go': { say: 'fix the PDFExtract servers named below before 08:00 (JEDI-178)' },
        inconclusive: { say: 're-run patch-pdfextract; its checks could not all run' },
      },
    },
    {
      id: 'patch-proxy',
      at: { time: '05:00' },
      title: 'Proxy servers patched (JEDI-179)',
      tickets: ['JEDI-179'],
      after: { maintenanceOn: [...PAGE], dnsProvider: 'new' },
      checks: patched('proxy', ['IC-PROXY1', 'IC-PROXY2']),
      notify: [{ channel: '#eng-monthlymaintenance' }],
      actions: {
        go: { say: 'Proxy servers accept connections again, alerting on (JEDI-179)' },
        // The runbook: proxy alerts moved to JSM; whoever turned them off turns them on there.
        'no-go': { say: 'fix the Proxy servers named below; proxy alerting lives in JSM now (JEDI-179)' },
        inconclusive: { say: 're-run patch-proxy; its checks could not all run' },
      },
    },
    {
      id: 'patch-sftp1',
      at: { time: '05:00' },
      title: 'SFTP1 patched (JEDI-180); SFTP2 waits for it',
      tickets: ['JEDI-180'],
      after: { maintenanceOn: [...PAGE], dnsProvider: 'new' },
      checks: patched('sftp', ['SFTP1']),
      notify: [{ channel: '#eng-monthlymaintenance' }],
      actions: {
        go: { say: 'SFTP1 is back (banner, login, listing) with alerting on: SFTP2 can be patched now (JEDI-180)' },
        'no-go': { say: 'do not patch SFTP2 while SFTP1 is down: fix SFTP1 first (JEDI-180)' },
        inconclusive: { say: 'do not patch SFTP2 until SFTP1 has been checked: re-run patch-sftp1' },
      },
    },
    {
      id: 'patch-sftp2',
      at: { time: '05:00' },
      title: 'SFTP2 patched after SFTP1 (JEDI-180)',
      tickets: ['JEDI-180'],
      requires: ['patch-sftp1'],
      after: { maintenanceOn: [...PAGE], dnsProvider: 'new' },
      checks: [
        { kind: 'service', groups: ['sftp'], servers: ['SFTP1', 'SFTP2'], probes: SERVICE_PROBES, blocking: true },
        alertingOn('sftp2', 'SFTP2', ['SFTP2']),
      ],
      notify: [{ channel: '#eng-monthlymaintenance' }],
      actions: {
        go: { say: 'SFTP1 and SFTP2 are both serving, alerting on (JEDI-180)' },
        'no-go': { say: 'an SFTP server is not serving: fix the one named below (JEDI-180)' },
        inconclusive: { say: 're-run patch-sftp2; the SFTP checks could not all run' },
      },
    },
    {
      id: 'patch-ts-licensing',
      at: { time: '05:00' },
      title: 'Terminal Services licensing servers patched (no ticket)',
      after: { maintenanceOn: [...PAGE], dnsProvider: 'new' },
      checks: patched('ts-licensing', ['IC-TSLIC1']),
      notify: [{ channel: '#eng-monthlymaintenance' }],
      actions: {
        go: { say: 'TS licensing servers accept connections again, alerting on' },
        'no-go': { say: 'fix the TS licensing servers named below' },
        inconclusive: { say: 're-run patch-ts-licensing; its checks could not all run' },
      },
    },
    {
      id: 'k8s-clusters',
      at: { time: '05:00' },
      title: 'K8s clusters patched (PLAT-1987)',
      tickets: ['PLAT-1987'],
      after: { maintenanceOn: [...PAGE], dnsProvider: 'new' },
      checks: [
        ...k8sCluster('aks-prd-1'),
        ...k8sCluster('aks-prd-2'),
        {
          kind: 'api',
          name: 'k8s:aks-prd-1:mailgun-secret',
          title: 'the Key Vault-synced Mailgun secret exists on K8s aks-prd-1',
          endpoint: 'k8s:aks-prd-1',
          label: 'K8s aks-prd-1',
          path: '/api/v1/namespaces/biller/secrets/biller-mailgun',
          auth: k8sAuth('aks-prd-1'),
          // A Secret's body holds the value: never quote it.
          sensitive: true,
          expect: { json: [{ path: 'metadata.labels["secrets-store.csi.k8s.io/managed"]', op: 'equals', value: 'true' }] },
          blocking: true,
        },
        MAILGUN_SECRET,
      ],
      notify: [{ channel: '#eng-monthlymaintenance' }],
      actions: {
        go: { say: 'K8s clusters are at the planned version with every node Ready (PLAT-1987)' },
        'no-go': { say: 'fix the K8s findings below before 08:00 (PLAT-1987)' },
        inconclusive: { say: 're-run k8s-clusters; the cluster checks could not all run' },
      },
    },
    {
      id: 'mailgun-rotation',
      at: { time: '05:00' },
      title: 'Mailgun key rotated, IIS recycled on IC-Web1..10, mail routed, cron job secret updated',
      after: { maintenanceOn: [...PAGE], dnsProvider: 'new' },
      checks: [
        { kind: 'mailgun', blocking: true },
        // The IIS recycle: every web server's running app loaded the new key (one not recycled sends with the revoked one).
        { kind: 'recycle', keyVault: { secret: 'mailgun-api-key' }, blocking: true },
        MAILGUN_SECRET,
      ],
      notify: [{ channel: '#eng-monthlymaintenance' }],
      actions: {
        go: { say: 'the new Mailgun key works, every web server runs it, mail is routed, the cron job reads the current key' },
        'no-go': {
          say: 'finish the Mailgun rotation: fix the findings below (a server on the old key: recycle its IIS app pool; a stale cron job secret: delete it so it is recreated)',
        },
        inconclusive: { say: 're-run mailgun-rotation; its checks could not all run' },
      },
    },
    {
      id: 'jwt-certificates',
      at: { time: '05:00' },
      title: 'MyIIS JWT certificates set and redeployed to IC-Web1..10 (ARC-135)',
      tickets: ['ARC-135'],
      after: { maintenanceOn: [...PAGE], dnsProvider: 'new' },
      checks: [{ kind: 'jwt', blocking: true }],
      notify: [{ channel: '#eng-monthlymaintenance' }],
      actions: {
        go: { say: 'every web server signs with the new JWT certificate and my verifies it (ARC-135)' },
        'no-go': { say: 'redeploy MyIIS to the servers named below so they use JwtSigningCertificate1 (ARC-135)' },
        inconclusive: { say: 're-run jwt-certificates; the checks could not all run' },
      },
    },
    {
      id: 'post-window',
      at: { time: '08:00' },
      title: 'Maintenance page removed; smoke on www, my, sso',
      before: { maintenanceOn: [...PAGE], dnsProvider: 'new' },
      after: { maintenanceOn: [], dnsProvider: 'new' },
      checks: [
        { kind: 'direct', blocking: true },
        { kind: 'pool', blocking: true },
        { kind: 'maintenance', blocking: true },
        { kind: 'tokens', blocking: true },
        // PLAT-2374 at the end: all ten share one machineKey.
        { kind: 'machinekey', rolled: 'all', validateOn: 'IC-Web3', blocking: true },
        { kind: 'jwt', blocking: true },
        { kind: 'service', probes: SERVICE_PROBES, blocking: true },
        { kind: 'dns', checks: ['delegation', 'parity', 'resolvers', 'mail', 'dnssec'], blocking: true },
        { kind: 'k6', script: 'connection-sanity', hosts: [...ALL_HOSTS], blocking: true },
        { kind: 'k6', script: 'smoke-load', hosts: [...PAGE], blocking: true },
        { kind: 'e2e', suite: 'smoke', hosts: [...PAGE], blocking: true },
      ],
      notify: [{ channel: '#dailyopsissues' }, { channel: '#engineering-maintenance' }, { channel: '#eng-monthlymaintenance' }],
      actions: {
        go: { say: 'keep the site open: the maintenance page stays down' },
        'no-go': { say: 'the site is broken for users', do: { op: 'maintenance-page', turn: 'on', hosts: [...PAGE] } },
        inconclusive: {
          say: 'the checks could not all run: re-run post-window now; if they still cannot run, restore the maintenance page on www, my, sso',
        },
      },
      // A page still up is not a reason to put it back everywhere: take it down where it is stuck.
      // The 08:00 decision from causes: a page still up is taken down where it is stuck (the browser and k6 failures
      // on that host are the page, not the site) and the site stays open; only a site broken for users brings it back.
      refine: [
        {
          when: { codes: ['MAINTENANCE_PAGE_STILL_UP'], alsoExplains: ['e2e', 'k6'] },
          action: {
            say: 'the site is healthy but the maintenance page is still served; keep the site open',
            do: { op: 'maintenance-page', turn: 'off', hosts: 'failing' },
          },
          resolves: true,
        },
      ],
      tolerate: [{ codes: ['DNS_RESOLVER_CACHED'], why: 'the delegation is right; the resolver clears when its cached TTL runs out' }],
    },
    {
      id: 'post-steps',
      at: { time: '08:30' },
      title: 'Integrations and Engineering jobs started again; mail routing tested',
      after: { dnsProvider: 'new' },
      checks: [
        jobsRunning('integrations', 'Product Integrations'),
        jobsRunning('engineering', 'Product Engineering'),
        { kind: 'mailgun', checks: ['routing'], blocking: true },
      ],
      notify: [{ channel: '#eng-monthlymaintenance' }],
      actions: {
        go: { say: 'jobs are running and mail is routed; notify the channels that maintenance is finished' },
        'no-go': { say: 'start the jobs named below (post-maintenance steps) or fix mail routing before notifying' },
        inconclusive: { say: 're-run post-steps; the checks could not all run' },
      },
    },
    {
      id: 'regression',
      at: { time: '09:00' },
      title: 'Full regression after the window',
      after: { dnsProvider: 'new' },
      checks: [
        { kind: 'k6', script: 'connection-sanity', hosts: [...ALL_HOSTS], blocking: true },
        { kind: 'k6', script: 'smoke-load', hosts: [...PAGE], blocking: true },
        { kind: 'k6', script: 'backend-sweep', hosts: [...ALL_HOSTS], blocking: true },
        { kind: 'e2e', suite: 'regression', hosts: [...ALL_HOSTS], blocking: true },
      ],
      notify: [{ channel: '#dailyopsissues' }, { channel: '#engineering-maintenance' }, { channel: '#eng-monthlymaintenance' }],
      actions: {
        go: { say: 'post the results to the team channels; the window is closed' },
        'no-go': { say: 'open incidents for the failing regression checks and post them to the team channels' },
        inconclusive: { say: 're-run the regression checks that could not run' },
      },
    },
  ],
});
