// The TLS trust every sanity probe verifies against: the system roots plus the estate's own CA (the lab's).
// Built once per plan so each connection reuses one secure context instead of re-parsing ~140 roots.
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';

export interface Trust {
  secureContext: SecureContext;
  /** True when an extra CA (the lab's) is trusted on top of the system roots. */
  extraCa: boolean;
}

export function createTrust(caPem?: string): Trust {
  const ca = caPem ? [...rootCertificates, caPem] : [...rootCertificates];
  return { secureContext: createSecureContext({ ca }), extraCa: Boolean(caPem) };
}
