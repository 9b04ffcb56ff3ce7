// The 2025-06-22 monthly maintenance window as data: the runbook's steps in order, what each checks, which
// checks block, and what the on-call engineer does next. `npm run plan -- --window=2025-06-22` lists it.
import { defineWindow } from '../kinds.ts';

const webs = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `IC-Web${from + i}`);
const PAGE = ['www', 'my', 'sso'] as const;
const ALL_HOSTS = ['www', 'www2', 'my', 'sso'] as const;

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
        { kind: 'sanity', blocking: true },
        { kind: 'pool', blocking: true },
        { kind: 'maintenance', blocking: true },
        { kind: 'tokens', blocking: true },
        { kind: 'service', blocking: false },
        { kind: 'dns', checks: ['delegation', 'parity', 'mail', 'ttl'], blocking: true },
        { kind: 'e2e', suite: 'smoke', hosts: [...ALL_HOSTS], blocking: false },
      ],
      actions: {
        go: { say: 'baseline stored; the window can start at midnight' },
        'no-go': { say: 'fix the failing checks before the window starts; the baseline is not clean' },
        inconclusive: { say: 're-run pre-maintenance once the broken checks can run; the baseline is incomplete' },
      },
    },
    {
      id: 'web1-5',
      at: { time: '00:00' },
      title: 'IC-Web1..5 patched and back in both pools',
      before: { inPools: webs(6, 10) },
      after: { inPools: 'all' },
      checks: [
        { kind: 'sanity', servers: webs(1, 5), blocking: true },
        { kind: 'pool', blocking: true },
        { kind: 'maintenance', blocking: true },
        { kind: 'tokens', issuers: webs(1, 5), blocking: true },
        { kind: 'e2e', suite: 'smoke', hosts: ['www'], blocking: true },
      ],
      actions: {
        go: { say: 'post in #eng-monthlymaintenance that IC-Web1..5 are done and smoke testing can begin' },
        'no-go': { say: 'do not start IC-Web6..10: fix or pull the failing IC-Web1..5 servers and re-run web1-5' },
        inconclusive: { say: 'do not start IC-Web6..10 until the broken checks of web1-5 have run' },
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
        { kind: 'sanity', servers: webs(6, 10), blocking: true },
        { kind: 'pool', blocking: true },
        { kind: 'maintenance', blocking: true },
        { kind: 'tokens', issuers: webs(6, 10), blocking: true },
        { kind: 'e2e', suite: 'smoke', hosts: ['www'], blocking: true },
      ],
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
        { kind: 'sanity', hosts: ['www2'], blocking: true },
        // The runbook: "Run connection sanity checks on www2" after the routing change.
        { kind: 'k6', script: 'connection-sanity', hosts: ['www2'], blocking: true },
      ],
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
        { kind: 'sanity', hosts: ['www2'], blocking: true },
        { kind: 'dns', checks: ['delegation', 'parity', 'resolvers', 'mail', 'dnssec'], blocking: true },
        { kind: 'k6', script: 'connection-sanity', hosts: ['www2'], blocking: true },
      ],
      actions: {
        go: { say: 'zone verified at Cloudflare (PLAT-1125)' },
        'no-go': { say: 'fix the DNS findings below or move the delegation back to GoDaddy (PLAT-1125)' },
        inconclusive: { say: 're-run dns-migration; the blocking checks could not all run' },
      },
      tolerate: [{ codes: ['DNS_RESOLVER_CACHED'], why: 'the delegation is right; the resolver clears when its cached TTL runs out' }],
    },
    {
      id: 'post-window',
      at: { time: '08:00' },
      title: 'Maintenance page removed; smoke on www, my, sso',
      before: { maintenanceOn: [...PAGE], dnsProvider: 'new' },
      after: { maintenanceOn: [], dnsProvider: 'new' },
      checks: [
        { kind: 'sanity', blocking: true },
        { kind: 'pool', blocking: true },
        { kind: 'maintenance', blocking: true },
        { kind: 'tokens', blocking: true },
        { kind: 'service', blocking: true },
        { kind: 'dns', checks: ['delegation', 'parity', 'resolvers', 'mail', 'dnssec'], blocking: true },
        { kind: 'k6', script: 'connection-sanity', hosts: [...ALL_HOSTS], blocking: true },
        { kind: 'k6', script: 'smoke-load', hosts: [...PAGE], blocking: true },
        { kind: 'e2e', suite: 'smoke', hosts: [...PAGE], blocking: true },
      ],
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
      actions: {
        go: { say: 'post the results to the team channels; the window is closed' },
        'no-go': { say: 'open incidents for the failing regression checks and post them to the team channels' },
        inconclusive: { say: 're-run the regression checks that could not run' },
      },
    },
  ],
});
