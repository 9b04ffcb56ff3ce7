// The production estate the windows (windows/*.ts) run against, and the policy the gate applies.
// The lab is built from this same file (hosts move under .test, addresses are chosen at start).
import { defineConfig } from './core/config/schema.ts';
import { dnsConfig } from './config/dns.ts';
import { k6Config } from './config/k6.ts';
import { e2eConfig } from './config/e2e.ts';

const webServers = Array.from({ length: 10 }, (_, i) => ({ name: `IC-Web${i + 1}`, port: 443 }));

// Server groups of the runbook's parallel changes. Server names other than SFTP1/SFTP2 are
// placeholders: operators rename them to the real machines before the first production run.
const serverGroups = [
  { key: 'app', title: 'App servers', jira: 'JEDI-175', port: 443, servers: [{ name: 'IC-App1' }, { name: 'IC-App2' }] },
  { key: 'gateway', title: 'Gateway servers', jira: 'JEDI-176', port: 443, servers: [{ name: 'IC-GW1' }, { name: 'IC-GW2' }] },
  { key: 'management', title: 'Management servers', jira: 'JEDI-182', port: 3389, servers: [{ name: 'IC-MGMT1' }] },
  { key: 'mcc-db', title: 'MCC database server', jira: 'JEDI-177', port: 1433, servers: [{ name: 'IC-MCCDB1' }] },
  { key: 'pdfextract', title: 'PDFExtract servers', jira: 'JEDI-178', port: 443, servers: [{ name: 'IC-PDF1' }, { name: 'IC-PDF2' }] },
  { key: 'proxy', title: 'Proxy servers', jira: 'JEDI-179', port: 8080, servers: [{ name: 'IC-PROXY1' }, { name: 'IC-PROXY2' }] },
  {
    key: 'sftp',
    title: 'SFTP servers',
    jira: 'JEDI-180',
    port: 22,
    banner: '^SSH-2\\.0-',
    servers: [{ name: 'SFTP1' }, { name: 'SFTP2' }],
  },
  { key: 'ts-licensing', title: 'Terminal Services licensing servers', port: 135, servers: [{ name: 'IC-TSLIC1' }] },
];

const everyAddressedName = [
  ...webServers.map((s) => s.name),
  'agw-pri-appgateway0-prd',
  'IC-LB-WebSVR-4AppSVR',
  ...serverGroups.flatMap((g) => g.servers.map((s) => s.name)),
];

// Control-plane APIs the window's api, mailgun and secret-sync checks call over https, by endpoint name: public
// ones known, internal ones filled by operators. Their secrets come from the environment variables the window names.
const API_HOSTS = {
  opsgenie: 'api.opsgenie.com',
  mailgun: 'api.mailgun.net',
  keyvault: '',
  jobs: '',
  'k8s:aks-prd-1': '',
  'k8s:aks-prd-2': '',
};

export default defineConfig({
  estate: {
    domain: 'invoicecloud.com',
    hosts: [
      { key: 'www', label: 'www', marker: 'InvoiceCloud', maintenancePage: true },
      { key: 'www2', label: 'www2', marker: 'InvoiceCloud', maintenancePage: false },
      { key: 'my', label: 'my', marker: 'InvoiceCloud', maintenancePage: true },
      { key: 'sso', label: 'sso', marker: 'InvoiceCloud', maintenancePage: true },
    ],
    webServers,
    gateway: { name: 'agw-pri-appgateway0-prd', port: 443 },
    ilb: { name: 'IC-LB-WebSVR-4AppSVR', port: 443 },
    serverGroups,
    slack: {
      channels: [
        {
          name: '#platform-support',
          webhookEnv: 'SLACK_WEBHOOK_PLATFORM_SUPPORT',
          purpose: 'the maintenance notice',
          audience: 'operations',
        },
        {
          name: '#engineering-maintenance',
          webhookEnv: 'SLACK_WEBHOOK_ENGINEERING_MAINTENANCE',
          purpose: 'maintenance finished and results',
        },
        {
          name: '#eng-monthlymaintenance',
          webhookEnv: 'SLACK_WEBHOOK_ENG_MONTHLYMAINTENANCE',
          purpose: 'per-phase results, smoke testing can begin',
        },
        {
          name: '#dailyopsissues',
          webhookEnv: 'SLACK_WEBHOOK_DAILYOPSISSUES',
          purpose: 'maintenance finished and results, in plain words',
          audience: 'operations',
        },
      ],
    },
  },
  // DoH through a busy resolver can take seconds; 5 s still fails a dead one fast.
  policy: { timeouts: { dnsMs: 5_000 } },
  dns: dnsConfig,
  k6: k6Config,
  e2e: e2eConfig,
  environments: {
    // Operators fill every address (IP or internal DNS name) and the CA in harness.local.ts (untracked), never here:
    // see "Pointing it at a real estate" in the README. '' means "operator, fill me"; npm run plan lists each one.
    production: {
      domain: 'invoicecloud.com',
      addresses: { ...Object.fromEntries(everyAddressedName.map((n) => [n, ''])), ...API_HOSTS },
      // The PEM bundle of the internal CA behind the gateway (or 'system' when the system roots are enough).
      caFile: '',
    },
  },
});
