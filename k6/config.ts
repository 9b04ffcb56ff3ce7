// k6 section of the harness config (scripts, thresholds). Filled in by the k6 issue.
import { z } from 'zod';

export const K6Config = z.strictObject({});
export type K6Config = z.infer<typeof K6Config>;
