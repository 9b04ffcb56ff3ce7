// The runbook's operations on the lab (pull / put back, page on / off, DNS cutover, phase state) and fault
// injection, in-process; lab/control/http.ts exposes the same over HTTP.
import type { HostKey } from '../../core/config/estate.ts';
import type { EstateState as PhaseState } from '../../core/window/schema.ts';
import { FAULTS, parseFault, FaultError, type ActiveFaults, type Fault } from '../faults.ts';
import type { SlackMessage } from '../slack/index.ts';
import type { MemberStatus } from '../web/balancer.ts';
import { LabStateError, type PoolName, type RunbookState } from './state.ts';

export type { PoolName } from './state.ts';

export interface LabStatus {
  pools: Record<PoolName, { name: string; members: MemberStatus[] }>;
  /** Whether each host's maintenance page is served now. */
  pages: Record<string, boolean>;
  dnsProvider: 'old' | 'new';
  /** Active faults as `name[:arg]`. */
  faults: string[];
  webServers: { name: string; port: number; up: boolean; delayed: number }[];
  /** Why the lab could not apply a fault change in the background (e.g. a web-down port taken meanwhile). */
  syncError?: string;
}

export interface LabControl {
  pull(pool: PoolName, server: string): Promise<void>;
  putBack(pool: PoolName, server: string): Promise<void>;
  setMaintenance(host: HostKey, on: boolean): Promise<void>;
  setDnsProvider(provider: 'old' | 'new'): Promise<void>;
  /** Puts the lab in a phase's expected state: pools, pages on exactly for maintenanceOn, DNS provider. */
  applyState(state: PhaseState): Promise<void>;
  /** Waits for one health-probe round on both balancers, so routing reflects the current faults and pools. */
  settle(): Promise<void>;
  /** Accepts a Fault or its `name[:arg]` text; unknown names and arguments are errors. */
  addFault(fault: Fault | string): Promise<void>;
  removeFault(fault: Fault | string): Promise<void>;
  clearFaults(): Promise<void>;
  status(): LabStatus;
  slackMessages(): SlackMessage[];
}

export interface ControlParts {
  state: RunbookState;
  faults: ActiveFaults;
  webServers: readonly { name: string; port: number; up: boolean; delayed: number; sync(): Promise<void> }[];
  /** The non-web listeners (service-down), synced with the web servers. */
  services?: { sync(): Promise<unknown> };
  setDnsProvider(provider: 'old' | 'new'): void;
  slack?: { messages(): SlackMessage[] };
  /** Refuses a fault whose argument names nothing in this lab (a service, a server range …), as at start. */
  checkTargets?: (fault: Fault) => void;
}

export function faultText(f: Fault): string {
  return f.arg === undefined ? f.name : `${f.name}:${f.arg}`;
}

type BalancerView = { name: string; status(): MemberStatus[]; settle(): Promise<void> };

export class LabControlImpl implements LabControl {
  private balancers: Record<PoolName, BalancerView> | undefined;
  private syncError: string | undefined;

  constructor(private readonly p: ControlParts) {}

  /** The balancers start after the state they read is set, so they are attached last. */
  attachBalancers(balancers: Record<PoolName, BalancerView>): void {
    this.balancers = balancers;
  }

  async pull(pool: PoolName, server: string): Promise<void> {
    this.p.state.setInPool(this.p.state.pool(pool), server, false);
  }

  async putBack(pool: PoolName, server: string): Promise<void> {
    this.p.state.setInPool(this.p.state.pool(pool), server, true);
  }

  async setMaintenance(host: HostKey, on: boolean): Promise<void> {
    // Taking the page down on that host by hand (the control API, --apply) is what unsticks it; the runbook
    // step's bulk change (applyState) is what maintenance-stuck blocks.
    if (!on && this.p.faults.has('maintenance-stuck', host)) await this.removeFault(`maintenance-stuck:${host}`);
    this.p.state.setPage(host, on);
  }

  async setDnsProvider(provider: 'old' | 'new'): Promise<void> {
    if (provider !== 'old' && provider !== 'new') throw new LabStateError(`unknown DNS provider "${String(provider)}" (known: old, new)`);
    this.p.setDnsProvider(provider);
    this.p.state.dnsProvider = provider;
  }

  async applyState(state: PhaseState): Promise<void> {
    if (state.dnsProvider !== 'old' && state.dnsProvider !== 'new')
      throw new LabStateError(`unknown DNS provider "${String(state.dnsProvider)}" (known: old, new)`);
    // Validate everything before changing anything, so a bad state leaves the lab as it was.
    if (state.inPools !== 'all') state.inPools.forEach((s) => this.p.state.server(s));
    this.p.state.checkPages(state.maintenanceOn);
    this.p.state.setPools(state.inPools);
    this.p.state.setPages(state.maintenanceOn);
    await this.setDnsProvider(state.dnsProvider);
  }

  async settle(): Promise<void> {
    if (!this.balancers) return;
    await this.sync();
    await Promise.all([this.balancers.gateway.settle(), this.balancers.ilb.settle()]);
  }

  async addFault(fault: Fault | string): Promise<void> {
    const f = this.normalise(fault);
    this.p.checkTargets?.(f);
    this.p.faults.add(f);
    await this.sync();
  }

  async removeFault(fault: Fault | string): Promise<void> {
    this.p.faults.remove(this.normalise(fault));
    await this.sync();
  }

  async clearFaults(): Promise<void> {
    this.p.faults.clear();
    await this.sync();
  }

  status(): LabStatus {
    const pool = (k: PoolName) => ({ name: this.balancers?.[k].name ?? k, members: this.balancers?.[k].status() ?? [] });
    return {
      pools: { gateway: pool('gateway'), ilb: pool('ilb') },
      pages: this.p.state.pages(),
      dnsProvider: this.p.state.dnsProvider,
      faults: this.p.faults.list().map(faultText),
      webServers: this.p.webServers.map((w) => ({ name: w.name, port: w.port, up: w.up, delayed: w.delayed })),
      ...(this.syncError ? { syncError: this.syncError } : {}),
    };
  }

  slackMessages(): SlackMessage[] {
    return this.p.slack?.messages() ?? [];
  }

  /** Applies fault changes that need action (listeners, default certificates, pages). */
  async sync(): Promise<void> {
    await Promise.all([...this.p.webServers.map((w) => w.sync()), this.p.services?.sync()]);
    this.p.state.reconcile();
    this.syncError = undefined;
  }

  recordSyncError(err: unknown): void {
    const e = err as NodeJS.ErrnoException;
    this.syncError = `${e.code ?? e.name}: ${e.message}`;
  }

  normalise(fault: Fault | string): Fault {
    return normaliseFault(fault, this.p.state);
  }
}

/** Validates a fault and spells its argument the way the lab names things (IC-Web3, www). */
export function normaliseFault(fault: Fault | string, state: RunbookState): Fault {
  const f = typeof fault === 'string' ? parseFault(fault) : parseFault(faultText(fault));
  const spec = FAULTS.find((s) => s.name === f.name);
  if (f.arg === undefined || !spec) return f;
  try {
    if (spec.arg === 'server') return { name: f.name, arg: state.server(f.arg) };
    if (spec.arg === 'host') return { name: f.name, arg: state.host(f.arg.split('.')[0] ?? f.arg) };
  } catch (err) {
    throw new FaultError(`fault ${faultText(f)}: ${(err as Error).message}`);
  }
  return f;
}
