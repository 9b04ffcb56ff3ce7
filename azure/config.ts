// Where Azure keeps the balancers of an environment: the Application Gateway whose backend health and the
// internal load balancer whose rule health say, in Azure's own words, which servers take traffic.
import { z } from 'zod';

const ResourceName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._()-]{0,79}$/, 'an Azure resource name');

export const AzureConfig = z.strictObject({
  subscriptionId: z.string().regex(/^[0-9a-fA-F-]{36}$/, 'a subscription id (GUID)'),
  /** Resource Manager endpoint; default https://management.azure.com (the lab serves the same API on loopback). */
  resourceManager: z.url({ protocol: /^https$/ }).optional(),
  gateway: z.strictObject({ resourceGroup: ResourceName, name: ResourceName }).optional(),
  ilb: z.strictObject({ resourceGroup: ResourceName, name: ResourceName, rule: ResourceName }).optional(),
});
export type AzureConfig = z.infer<typeof AzureConfig>;
