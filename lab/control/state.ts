// The runbook state the lab is in: pool membership per balancer and the maintenance page per host.
// Faults block transitions: maintenance-stuck keeps a page up, maintenance-missing keeps it down,
// pool-missing keeps a server out of the gateway's pool; pull-ignored keeps a pulled one in it.
import type { HostKey } from '../../core/config/estate.ts';
import type { ActiveFaults } from '../faults.ts';

export type PoolName = 'gateway' | 'ilb';
export const POOL_NAMES: readonly PoolName[] = ['gateway', 'ilb'];

export class LabStateError extends Error {
  override readonly name = 'LabStateError';
}

export class RunbookState {
  private readonly pools: Record<PoolName, Set<string>>;
  /** What the operator asked for, and what is actually served. */
  private readonly wanted = new Set<HostKey>();
  private readonly served = new Set<HostKey>();
  dnsProvider: 'old' | 'new' = 'old';

  constructor(
    private readonly servers: readonly string[],
    private readonly pageHosts: readonly HostKey[],
    private readonly allHosts: readonly HostKey[],
    private readonly faults: ActiveFaults,
  ) {
    this.pools = { gateway: new Set(servers), ilb: new Set(servers) };
  }

  /** The configured name for a server, case-insensitively; unknown names are an error listing the known ones. */
  server(name: string): string {
    const found = this.servers.find((s) => s.toLowerCase() === name.toLowerCase());
    if (!found) throw new LabStateError(`unknown web server "${name}" (known: ${this.servers.join(', ')})`);
    return found;
  }

  host(key: string): HostKey {
    const found = this.allHosts.find((h) => h === key.toLowerCase());
    if (!found) throw new LabStateError(`unknown host "${key}" (known: ${this.allHosts.join(', ')})`);
    return found;
  }

  pool(name: string): PoolName {
    if (!(POOL_NAMES as readonly string[]).includes(name))
      throw new LabStateError(`unknown pool "${name}" (known: ${POOL_NAMES.join(', ')})`);
    return name as PoolName;
  }

  inPool(pool: PoolName, server: string): boolean {
    if (pool === 'gateway' && this.faults.has('pool-missing', server)) return false;
    // pull-ignored: the gateway keeps routing to a server the runbook pulled (the pull did not take).
    if (pool === 'gateway' && this.faults.has('pull-ignored', server)) return true;
    return this.pools[pool].has(server);
  }

  setInPool(pool: PoolName, server: string, inPool: boolean): void {
    const name = this.server(server);
    if (inPool) this.pools[pool].add(name);
    else this.pools[pool].delete(name);
  }

  /** Both pools hold exactly `servers`; unknown names fail before anything changes. */
  setPools(servers: 'all' | readonly string[]): void {
    const names = servers === 'all' ? this.servers : servers.map((s) => this.server(s));
    for (const p of POOL_NAMES) this.pools[p] = new Set(names);
  }

  setPage(host: string, on: boolean): void {
    const key = this.host(host);
    if (!this.pageHosts.includes(key))
      throw new LabStateError(
        `${key} has no maintenance page (maintenancePage: false in the config); pages exist for ${this.pageHosts.join(', ')}`,
      );
    if (on) this.wanted.add(key);
    else this.wanted.delete(key);
    this.reconcile();
  }

  /** Pages on exactly for `hosts`; checked in full before anything changes. */
  setPages(hosts: readonly string[]): void {
    const keys = this.checkPages(hosts);
    for (const k of this.pageHosts) this.setPage(k, keys.includes(k));
  }

  /** The host keys, when every one of them has a maintenance page. */
  checkPages(hosts: readonly string[]): HostKey[] {
    const keys = hosts.map((h) => this.host(h));
    const bad = keys.find((k) => !this.pageHosts.includes(k));
    if (bad)
      throw new LabStateError(
        `${bad} has no maintenance page (maintenancePage: false in the config); pages exist for ${this.pageHosts.join(', ')}`,
      );
    return keys;
  }

  /** Moves served pages towards the wanted ones unless a fault blocks the move. */
  reconcile(): void {
    for (const h of this.pageHosts) {
      const want = this.wanted.has(h);
      if (want && !this.served.has(h) && !this.faults.has('maintenance-missing', h)) this.served.add(h);
      if (!want && this.served.has(h) && !this.faults.has('maintenance-stuck', h)) this.served.delete(h);
    }
  }

  pageUp(host: HostKey): boolean {
    return this.served.has(host);
  }

  pages(): Record<string, boolean> {
    return Object.fromEntries(this.allHosts.map((h) => [h, this.served.has(h)]));
  }
}
