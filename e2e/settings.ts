// The e2e settings the Playwright config and the specs read: the e2e section of the config the harness loaded
// (--config and its overlay reach Playwright through HARNESS_CONFIG), else config/e2e.ts through the schema.
import { e2eConfig } from '../config/e2e.ts';
import { CONFIG_ENV, loadLayeredConfig } from '../estate/overlay.ts';
import { E2eConfig } from './config.ts';

const file = process.env[CONFIG_ENV];
export const e2eSettings: E2eConfig = file ? (await loadLayeredConfig(file)).config.e2e : E2eConfig.parse(e2eConfig);
