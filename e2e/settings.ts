// The settings the Playwright config and the specs read: the config the harness loaded (--config and its overlay
// reach Playwright through HARNESS_CONFIG), else harness.config.ts with its overlay — the e2e section and the hosts'
// page contracts, so the suites test what the config says a site is, never a site written into the specs.
import { join } from 'node:path';
import type { HarnessConfig } from '../core/config/schema.ts';
import { CONFIG_ENV, loadLayeredConfig } from '../estate/overlay.ts';
import type { E2eConfig } from './config.ts';

const file = process.env[CONFIG_ENV] || join(import.meta.dirname, '..', 'harness.config.ts');
export const harnessSettings: HarnessConfig = (await loadLayeredConfig(file)).config;
export const e2eSettings: E2eConfig = harnessSettings.e2e;
