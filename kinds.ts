// The registry of check kinds (blackbox_exporter's prober map): a new kind is a folder plus one line here.
// Window files, `--only` families, policy.severity keys and `npm run plan` are all derived from this list.
import { windowDefiner } from './core/window/define.ts';
import { dnsKind } from './dns/plan.ts';
import { e2eKind } from './e2e/plan.ts';
import { k6Kind } from './k6/plan.ts';
import { directKind, maintenanceKind, poolKind, tokensKind } from './sanity/plan.ts';
import { serviceKind } from './services/plan.ts';
import { mailgunKind } from './rotations/mailgun.ts';
import { secretSyncKind } from './rotations/secret-sync.ts';
import { jwtKind } from './rotations/jwt.ts';
import { machineKeyKind } from './rotations/machinekey.ts';
import { recycleKind } from './rotations/recycle.ts';
import { apiKind } from './api/plan.ts';

export const KINDS = [
  directKind,
  poolKind,
  maintenanceKind,
  tokensKind,
  serviceKind,
  dnsKind,
  k6Kind,
  e2eKind,
  mailgunKind,
  secretSyncKind,
  jwtKind,
  machineKeyKind,
  recycleKind,
  apiKind,
] as const;

/** The typed defineWindow for the registered kinds: window files import it from here. */
export const defineWindow = windowDefiner(KINDS);
