// DNS section of the harness config (expected records, providers, resolvers). Filled in by the DNS issue.
import { z } from 'zod';

export const DnsConfig = z.strictObject({});
export type DnsConfig = z.infer<typeof DnsConfig>;
