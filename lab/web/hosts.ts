// The lab's hosts under .test and the TLS contexts that serve them, shared by web servers and balancers.
import { createSecureContext, type SecureContext } from 'node:tls';
import type { HarnessConfig } from '../../core/config/schema.ts';
import type { HostKey } from '../../core/config/estate.ts';
import type { KeyPair, LabPki } from '../tls/pki.ts';

export interface LabHost {
  key: HostKey;
  fqdn: string;
  marker: string;
  maintenancePage: boolean;
}

/** invoicecloud.com → invoicecloud.test: the production domain's first label under .test. */
export function labDomain(config: HarnessConfig): string {
  return `${config.estate.domain.split('.')[0]}.test`;
}

export function labHosts(config: HarnessConfig, domain: string): LabHost[] {
  return config.estate.hosts.map((h) => ({
    key: h.key,
    fqdn: `${h.label}.${domain}`,
    marker: h.marker,
    maintenancePage: h.maintenancePage,
  }));
}

/** The host a request is for, from its Host header (port and case ignored); undefined when it is not a lab host. */
export function hostFor(hosts: readonly LabHost[], header: string | undefined): LabHost | undefined {
  const name = (header ?? '').toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
  return hosts.find((h) => h.fqdn === name);
}

export interface HostContexts {
  /** Context for an SNI name; the first host's for an unknown or absent name. */
  forName(servername: string | undefined, expired?: boolean): SecureContext;
  /** Key pair for the default (first) host, the server's fallback certificate. */
  fallback: KeyPair;
  /** The expired pair (web-cert-expired) for clients that send no SNI. */
  expiredPair: KeyPair;
}

export function hostContexts(pki: LabPki, hosts: readonly LabHost[]): HostContexts {
  const contexts = new Map<string, SecureContext>();
  for (const [name, pair] of pki.hosts) contexts.set(name, createSecureContext(pair));
  const expired = createSecureContext(pki.expired);
  const first = hosts[0];
  const fallback = first ? pki.hosts.get(first.fqdn) : undefined;
  if (!first || !fallback) throw new Error('the lab needs at least one host with a certificate');
  const fallbackContext = contexts.get(first.fqdn)!;
  return {
    forName: (servername, isExpired = false) => (isExpired ? expired : (contexts.get((servername ?? '').toLowerCase()) ?? fallbackContext)),
    fallback,
    expiredPair: pki.expired,
  };
}
