// The e2e settings the Playwright config and the specs read: config/e2e.ts through the schema's defaults.
import { E2eConfig } from './config.ts';
import { e2eConfig } from '../config/e2e.ts';

export const e2eSettings: E2eConfig = E2eConfig.parse(e2eConfig);
