// Playwright section of the harness config (suites, credentials env). Filled in by the e2e issue.
import { z } from 'zod';

export const E2eConfig = z.strictObject({});
export type E2eConfig = z.infer<typeof E2eConfig>;
