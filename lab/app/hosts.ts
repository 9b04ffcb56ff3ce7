// Cross-host helpers: my and sso send the browser to each other by name, and share one SSO key set.
import type { IncomingMessage } from 'node:http';
import type { HostKey } from '../../core/config/estate.ts';
import type { AppContext } from './index.ts';
import { createSsoKeys, type SsoKeys } from './sso-keys.ts';

/**
 * https origin of another lab host: AppContext.hostNames when the lab gives it, else the request's own
 * Host with its first label swapped (my.invoicecloud.test → sso.invoicecloud.test, port kept).
 */
export function hostOrigin(ctx: AppContext, req: IncomingMessage, key: HostKey): string {
  const named = ctx.hostNames?.[key];
  if (named) return `https://${named}`;
  const own = req.headers.host ?? 'localhost';
  const [, ...rest] = own.split('.');
  return `https://${[key, ...rest].join('.')}`;
}

let processKeys: SsoKeys | undefined;

/** The lab's SSO keys: AppContext.sso when the lab passes them, else one set made once per process (so every in-process server agrees). */
export function ssoKeysOf(ctx: AppContext): SsoKeys {
  if (ctx.sso) return ctx.sso;
  processKeys ??= createSsoKeys();
  return processKeys;
}
