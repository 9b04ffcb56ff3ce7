// What a lab server's running app loaded from Key Vault at its last (re)start, served at /health/secrets (the
// endpoint the `recycle` check reads): each secret's version id and load time, never its value.
import type { ServerResponse } from 'node:http';
import type { ActiveFaults } from '../faults.ts';
import type { KeyVaultVersion } from '../apis/keyvault.ts';
import { send } from './http.ts';

export const SECRETS_PATH = '/health/secrets';

export interface LoadedSecret {
  version: string;
  /** ISO time the app pool (re)started and read the secret. */
  loadedAt: string;
}

/**
 * The lab's Key Vault holds the rotated key from the start; the rotation recycled every server's app pool so each
 * app loaded the current version, except a server under `iis-not-recycled`, whose app still runs the version before.
 */
export function loadedSecrets(
  server: string,
  secret: string,
  versions: readonly KeyVaultVersion[],
  faults: ActiveFaults,
  recycledAt: Date,
): () => Record<string, LoadedSecret> {
  return () => {
    const current = versions.at(-1)!;
    const stale = faults.has('iis-not-recycled', server) && versions.length > 1;
    // Not recycled: the app pool last started before the rotation, on the previous version.
    const loaded = stale
      ? { version: versions.at(-2)!.version, loadedAt: new Date((current.created - 3_600) * 1000).toISOString() }
      : { version: current.version, loadedAt: recycledAt.toISOString() };
    return { [secret]: loaded };
  };
}

export function secretsRoute(res: ServerResponse, server: string, secrets: Record<string, LoadedSecret>): void {
  send(res, 200, JSON.stringify({ server, secrets }), 'application/json');
}
