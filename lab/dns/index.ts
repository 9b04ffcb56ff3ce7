// The DNS part of the lab (parent zone, old and new authoritative servers, caching resolvers).
// Placeholder until the DNS issue builds it: starts nothing and says so in the manifest.
import type { HarnessConfig } from '../../core/config/schema.ts';
import type { ActiveFaults } from '../faults.ts';

export interface DnsLabOptions {
  config: HarnessConfig;
  faults: ActiveFaults;
  /** The lab's domain (invoicecloud.test). */
  domain: string;
  /** Address the web hosts resolve to in the lab (the gateway's). */
  gatewayAddress: string;
  dir: string;
}

export interface DnsLab {
  manifest: Record<string, unknown>;
  /** The runbook's cutover: the parent delegates to the old or the new provider. */
  setProvider(provider: 'old' | 'new'): void;
  stop(): Promise<void>;
}

export async function startDnsLab(_opts: DnsLabOptions): Promise<DnsLab> {
  return { manifest: { built: false }, setProvider: () => undefined, stop: async () => undefined };
}
