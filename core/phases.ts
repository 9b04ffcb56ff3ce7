// The phase catalogue of DESIGN.md: when each phase runs, the state the estate must be in, what is verified.
import type { HostKey } from './config/estate.ts';
import type { Family } from './result.ts';

export const PHASE_IDS = ['pre-maintenance', 'web1-5', 'web6-10', 'maintenance-start', 'internal-network', 'dns-migration', 'post-window', 'regression'] as const;
export type PhaseId = (typeof PHASE_IDS)[number];

export type DnsCheckName = 'delegation' | 'parity' | 'resolvers' | 'mail' | 'dnssec' | 'ttl';
export type K6ScriptName = 'connection-sanity' | 'smoke-load' | 'backend-sweep';

/** The state the runbook has put the estate in when the phase runs (the lab is put into it too). */
export interface PhaseState {
  /** Web servers expected in both pools: all ten except during a batch's patching. */
  inPools: 'all' | string[];
  /** Hosts that must serve the maintenance page. */
  maintenanceOn: HostKey[];
  /** Which provider the parent zone delegates to. */
  dnsProvider: 'old' | 'new';
}

export interface PhasePlan {
  sanity?: {
    /** Web servers probed directly, by index range into the estate's list (1-based, inclusive). */
    servers: 'all' | [number, number];
    /** Hosts probed on each server; pool membership, maintenance and tokens go with them. */
    hosts: 'all' | HostKey[];
    pools: boolean;
    maintenance: boolean;
    tokens: boolean;
    services: boolean;
  };
  dns?: { checks: DnsCheckName[] };
  k6?: { runs: { script: K6ScriptName; hosts: HostKey[] }[] };
  e2e?: { suite: 'smoke' | 'regression'; hosts: HostKey[] };
}

export interface Phase {
  id: PhaseId;
  /** Runbook time, relative to the window's Sunday W, America/New_York. */
  at: { dayOffset: number; time: string; order?: number };
  title: string;
  requires: PhaseId[];
  state: PhaseState;
  /** The state the runbook's step starts from (the lab starts here, then performs the step), if different. */
  before?: PhaseState;
  plan: PhasePlan;
  /** At the end of the window the gate says whether to put the maintenance page back. */
  decidesMaintenancePage?: boolean;
}

const PAGE_HOSTS: HostKey[] = ['www', 'my', 'sso'];
const webs = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `IC-Web${from + i}`);
const ALL_SANITY = { servers: 'all', hosts: 'all', pools: true, maintenance: true, tokens: true, services: true } as const;

export const PHASES: Record<PhaseId, Phase> = {
  'pre-maintenance': {
    id: 'pre-maintenance', at: { dayOffset: -1, time: '19:00' }, title: 'Baseline before the window', requires: [],
    state: { inPools: 'all', maintenanceOn: [], dnsProvider: 'old' },
    plan: { sanity: ALL_SANITY, dns: { checks: ['delegation', 'parity', 'mail', 'ttl'] }, e2e: { suite: 'smoke', hosts: ['www', 'www2', 'my', 'sso'] } },
  },
  'web1-5': {
    id: 'web1-5', at: { dayOffset: 0, time: '00:00' }, title: 'IC-Web1..5 patched and back in both pools', requires: [],
    state: { inPools: 'all', maintenanceOn: [], dnsProvider: 'old' },
    before: { inPools: webs(6, 10), maintenanceOn: [], dnsProvider: 'old' },
    plan: { sanity: { servers: [1, 5], hosts: 'all', pools: true, maintenance: true, tokens: true, services: false }, e2e: { suite: 'smoke', hosts: ['www'] } },
  },
  'web6-10': {
    id: 'web6-10', at: { dayOffset: 0, time: '04:30' }, title: 'IC-Web6..10 patched and back in both pools', requires: ['web1-5'],
    state: { inPools: 'all', maintenanceOn: [], dnsProvider: 'old' },
    before: { inPools: webs(1, 5), maintenanceOn: [], dnsProvider: 'old' },
    plan: { sanity: { servers: [6, 10], hosts: 'all', pools: true, maintenance: true, tokens: true, services: false }, e2e: { suite: 'smoke', hosts: ['www'] } },
  },
  'maintenance-start': {
    id: 'maintenance-start', at: { dayOffset: 0, time: '04:45' }, title: 'Maintenance page up on www, my, sso; www2 serving', requires: [],
    state: { inPools: 'all', maintenanceOn: PAGE_HOSTS, dnsProvider: 'old' },
    before: { inPools: 'all', maintenanceOn: [], dnsProvider: 'old' },
    plan: { sanity: { servers: [1, 0], hosts: 'all', pools: false, maintenance: true, tokens: false, services: false } },
  },
  'internal-network': {
    id: 'internal-network', at: { dayOffset: 0, time: '05:00', order: 1 }, title: 'Routing change done (PLAT-2018)', requires: [],
    state: { inPools: 'all', maintenanceOn: PAGE_HOSTS, dnsProvider: 'old' },
    plan: { sanity: { servers: 'all', hosts: ['www2'], pools: false, maintenance: false, tokens: false, services: false }, k6: { runs: [{ script: 'connection-sanity', hosts: ['www2'] }] } },
  },
  'dns-migration': {
    id: 'dns-migration', at: { dayOffset: 0, time: '05:00', order: 2 }, title: 'Zone served by Cloudflare (PLAT-1125)', requires: ['internal-network'],
    state: { inPools: 'all', maintenanceOn: PAGE_HOSTS, dnsProvider: 'new' },
    before: { inPools: 'all', maintenanceOn: PAGE_HOSTS, dnsProvider: 'old' },
    plan: {
      sanity: { servers: 'all', hosts: ['www2'], pools: false, maintenance: false, tokens: false, services: false },
      dns: { checks: ['delegation', 'parity', 'resolvers', 'mail', 'dnssec'] },
      k6: { runs: [{ script: 'connection-sanity', hosts: ['www2'] }] },
    },
  },
  'post-window': {
    id: 'post-window', at: { dayOffset: 0, time: '08:00' }, title: 'Maintenance page removed; smoke on www, my, sso', requires: [],
    state: { inPools: 'all', maintenanceOn: [], dnsProvider: 'new' },
    before: { inPools: 'all', maintenanceOn: PAGE_HOSTS, dnsProvider: 'new' },
    plan: {
      sanity: ALL_SANITY,
      dns: { checks: ['delegation', 'parity', 'resolvers', 'mail', 'dnssec'] },
      k6: { runs: [{ script: 'connection-sanity', hosts: ['www', 'www2', 'my', 'sso'] }, { script: 'smoke-load', hosts: ['www', 'my', 'sso'] }] },
      e2e: { suite: 'smoke', hosts: ['www', 'my', 'sso'] },
    },
    decidesMaintenancePage: true,
  },
  regression: {
    id: 'regression', at: { dayOffset: 0, time: '09:00' }, title: 'Full regression after the window', requires: [],
    state: { inPools: 'all', maintenanceOn: [], dnsProvider: 'new' },
    plan: {
      k6: { runs: [{ script: 'connection-sanity', hosts: ['www', 'www2', 'my', 'sso'] }, { script: 'smoke-load', hosts: ['www', 'my', 'sso'] }, { script: 'backend-sweep', hosts: ['www', 'www2', 'my', 'sso'] }] },
      e2e: { suite: 'regression', hosts: ['www', 'www2', 'my', 'sso'] },
    },
  },
};

export function isPhaseId(id: string): id is PhaseId {
  return (PHASE_IDS as readonly string[]).includes(id);
}

export function familiesOf(phase: Phase): Family[] {
  return (['sanity', 'dns', 'k6', 'e2e'] as const).filter((f) => phase.plan[f] !== undefined);
}
