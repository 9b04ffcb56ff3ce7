// The e2e section of harness.config.ts (production values; the lab's come from the schema defaults).
import type { E2eConfigInput } from '../e2e/config.ts';

export const e2eConfig: E2eConfigInput = {};
