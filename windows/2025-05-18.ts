// An ordinary month: the two patch batches, the maintenance page, smoke at 08:00 and regression.
// Copy this file to windows/<the window's Sunday>.ts and add the month's own changes as steps.
import { defineWindow } from '../kinds.ts';

const webs = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `IC-Web${from + i}`);
const PAGE = ['www', 'my', 'sso'] as const;

const batch = (servers: string[]) =>
  [
    { kind: 'direct', servers, blocking: true },
    { kind: 'pool', blocking: true },
    { kind: 'maintenance', blocking: true },
    { kind: 'tokens', issuers: servers, blocking: true },
    { kind: 'e2e', suite: 'smoke', hosts: ['www'], blocking: true },
  ] as const;

export default defineWindow({
  date: '2025-05-18',
  title: 'Monthly maintenance, May 2025 (patching only)',
  steps: [
    {
      id: 'web1-5',
      at: { time: '00:00' },
      title: 'IC-Web1..5 patched and back in both pools',
      before: { inPools: webs(6, 10) },
      checks: [...batch(webs(1, 5))],
      actions: {
        go: { say: 'post in #eng-monthlymaintenance that IC-Web1..5 are done' },
        'no-go': { say: 'do not start IC-Web6..10: fix or pull the failing servers and re-run web1-5' },
        inconclusive: { say: 'do not start IC-Web6..10 until the blocking checks of web1-5 have run' },
      },
    },
    {
      id: 'web6-10',
      at: { time: '04:30' },
      title: 'IC-Web6..10 patched and back in both pools',
      requires: ['web1-5'],
      before: { inPools: webs(1, 5) },
      checks: [...batch(webs(6, 10))],
      actions: {
        go: { say: 'IC-Web6..10 are back; put the maintenance page up at 04:45' },
        'no-go': { say: 'keep the failing IC-Web6..10 servers out of the pools and fix them' },
        inconclusive: { say: 're-run web6-10 before 04:45' },
      },
    },
    {
      id: 'maintenance-start',
      at: { time: '04:45' },
      title: 'Maintenance page up on www, my, sso',
      after: { maintenanceOn: [...PAGE] },
      checks: [{ kind: 'maintenance', blocking: true }],
      actions: {
        go: { say: 'maintenance page is up; the window is open' },
        'no-go': { say: 'put the maintenance page up on the hosts named below' },
        inconclusive: { say: 'confirm the maintenance page by hand' },
      },
    },
    {
      id: 'post-window',
      at: { time: '08:00' },
      title: 'Maintenance page removed; smoke on www, my, sso',
      before: { maintenanceOn: [...PAGE] },
      checks: [
        { kind: 'direct', blocking: true },
        { kind: 'maintenance', blocking: true },
        { kind: 'e2e', suite: 'smoke', hosts: [...PAGE], blocking: true },
      ],
      actions: {
        go: { say: 'keep the site open: the maintenance page stays down' },
        'no-go': { say: 'the site is broken for users', do: { op: 'maintenance-page', turn: 'on', hosts: [...PAGE] } },
        inconclusive: { say: 're-run post-window now; if the checks still cannot run, restore the maintenance page' },
      },
      refine: [
        {
          when: { codes: ['MAINTENANCE_PAGE_STILL_UP'], alsoExplains: ['e2e'] },
          action: {
            say: 'the site is healthy but the page is still served',
            do: { op: 'maintenance-page', turn: 'off', hosts: 'failing' },
          },
          resolves: true,
        },
      ],
    },
    {
      id: 'regression',
      at: { time: '09:00' },
      title: 'Full regression after the window',
      checks: [{ kind: 'e2e', suite: 'regression', hosts: ['www', 'www2', 'my', 'sso'], blocking: true }],
      actions: {
        go: { say: 'post the results to the team channels; the window is closed' },
        'no-go': { say: 'open incidents for the failing regression checks' },
        inconclusive: { say: 're-run the regression checks that could not run' },
      },
    },
  ],
});
