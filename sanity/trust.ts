// The TLS trust every sanity probe verifies against: the system roots plus the estate's own CA (the lab's).
// Built once per process per CA text and shared by every plan and probe: parsing ~140 roots costs ~20 ms a time.
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';

export interface Trust {
  secureContext: SecureContext;
  /** True when an extra CA (the lab's) is trusted on top of the system roots. */
  extraCa: boolean;
}

/** Keyed by the extra CA's PEM text ('' for the system roots alone); a handful of entries per process at most. */
const built = new Map<string, Trust>();

/**
 * The trust for `caPem` on top of the system roots, built on first use and the same object afterwards. A
 * SecureContext carries no session state for clients (a session is resumed only when passed to tls.connect), so
 * sharing it shares the parsed certificate store and nothing else.
 */
export function createTrust(caPem?: string): Trust {
  const key = caPem ?? '';
  let trust = built.get(key);
  if (!trust) {
    const ca = caPem ? [...rootCertificates, caPem] : [...rootCertificates];
    trust = { secureContext: createSecureContext({ ca }), extraCa: Boolean(caPem) };
    built.set(key, trust);
  }
  return trust;
}
