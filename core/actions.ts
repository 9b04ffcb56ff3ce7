// What the on-call engineer does next, per phase and verdict: the runbook's next step or its fallback.
import type { PhaseId } from './phases.ts';
import type { CheckResult, Verdict } from './result.ts';

const PAGE = 'www, my, sso';

export const ACTIONS: Record<PhaseId, Record<Verdict, string>> = {
  'pre-maintenance': {
    go: 'baseline stored; the window can start at midnight',
    'no-go': 'fix the failing checks before the window starts; the baseline is not clean',
    inconclusive: 're-run pre-maintenance once the broken checks can run; the baseline is incomplete',
  },
  'web1-5': {
    go: 'post in #eng-monthlymaintenance that IC-Web1..5 are done and smoke testing can begin',
    'no-go': 'do not start IC-Web6..10: fix or pull the failing IC-Web1..5 servers and re-run web1-5',
    inconclusive: 'do not start IC-Web6..10 until the broken checks of web1-5 have run',
  },
  'web6-10': {
    go: 'IC-Web6..10 are back; continue with the maintenance page at 04:45',
    'no-go': 'keep the failing IC-Web6..10 servers out of the pools and fix them before 04:45',
    inconclusive: 'the IC-Web6..10 checks could not all run; re-run web6-10 before 04:45',
  },
  'maintenance-start': {
    go: `maintenance page is up on ${PAGE}; the 05:00 changes can begin`,
    'no-go': `put the maintenance page up on the hosts named below before any 05:00 change`,
    inconclusive: 'confirm the maintenance page by hand; the checks could not all run',
  },
  'internal-network': {
    go: 'routing change verified on www2 (PLAT-2018); the DNS move can begin',
    'no-go': 'roll back or fix the routing change (PLAT-2018) before the DNS move',
    inconclusive: 're-run internal-network before starting the DNS move',
  },
  'dns-migration': {
    go: 'zone verified at Cloudflare (PLAT-1125)',
    'no-go': 'fix the DNS findings below or move the delegation back to GoDaddy (PLAT-1125)',
    inconclusive: 're-run dns-migration; the DNS checks could not all run',
  },
  'post-window': {
    go: 'keep the site open: the maintenance page stays down',
    'no-go': `restore the maintenance page on ${PAGE}`,
    inconclusive: `the checks could not all run: re-run post-window now; if they still cannot run, restore the maintenance page on ${PAGE}`,
  },
  regression: {
    go: 'post the results to the team channels; the window is closed',
    'no-go': 'open incidents for the failing regression checks and post them to the team channels',
    inconclusive: 're-run the regression checks that could not run',
  },
};

const failureCode = (c: CheckResult) => (c.details?.failure as { code?: string } | undefined)?.code;

/** The phase's action, refined where the failures say the standard fallback would be wrong. */
export function actionFor(phase: PhaseId, verdict: Verdict, drivers: readonly CheckResult[]): string {
  // At 08:00 a page that is still up is not a reason to put it back up everywhere: take it down where it is stuck.
  if (phase === 'post-window' && verdict === 'no-go' && drivers.length && drivers.every((c) => failureCode(c) === 'MAINTENANCE_PAGE_STILL_UP')) {
    const hosts = drivers.map((c) => c.target.host ?? c.id).join(', ');
    return `the site is healthy but the maintenance page is still served on ${hosts}: take it down there, then re-run post-window`;
  }
  return ACTIONS[phase][verdict];
}
