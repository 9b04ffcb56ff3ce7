// The whole harness config: estate + policy + one section per runner family + per-environment addresses.
import { z } from 'zod';
import { EstateConfig } from './estate.ts';
import { PolicyConfig } from './policy.ts';
import { DnsConfig } from '../../dns/config.ts';
import { K6Config } from '../../k6/config.ts';
import { E2eConfig } from '../../e2e/config.ts';
import { AzureConfig } from '../../azure/config.ts';
import { AddressText, DomainName } from './fields.ts';
import { checkLimits } from './limits.ts';

/** An environment's name, as --env spells it: never 'lab' (the simulated estate) or a name JavaScript objects already carry. */
const EnvironmentName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,39}$/, 'an environment name such as production or staging: lower-case letters, digits, dashes')
  .refine(
    (s) => s !== 'lab' && !(s in Object.prototype),
    'reserved: lab is the simulated estate, and constructor & co. are object internals',
  );

/** Addresses the repo cannot know, per named environment: server / balancer name → address. */
export const EnvironmentConfig = z.strictObject({
  domain: DomainName.optional(),
  /** Name (IC-Web1, agw-pri-appgateway0-prd, SFTP1 …) → address (IP or host name, never a URL); '' means "operator, fill me". */
  addresses: z.record(z.string().min(1).max(64), z.union([z.literal(''), AddressText])).default({}),
  /** PEM bundle of the CA that signs this environment's backends, trusted on top of the system roots; '' = operator, fill me. */
  caFile: z.string().optional(),
  /** Flows that change data (a payment) run only where this is true: production never pays by default. */
  safeToChangeData: z.boolean().optional(),
  /** Azure's view of pool membership (backend health); absent → the identity header only. */
  azure: AzureConfig.optional(),
  /** How the browser reaches the hosts: by DNS (default), or every host mapped to the gateway's address (a site not in DNS). */
  browserVia: z.enum(['dns', 'gateway']).optional(),
  /** The environment runs the lab's own app (a copy of it), so the hand-written lab specs run there too; default no. */
  labSpecs: z.boolean().optional(),
  /** Check families (or kinds) this environment has none of (an estate without DNS in scope, without k6): never planned there. */
  outOfScope: z
    .array(z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'a check family such as dns or k6, or a kind such as service'))
    .max(20)
    .optional(),
});
export type EnvironmentConfig = z.infer<typeof EnvironmentConfig>;

export const HarnessConfig = z
  .strictObject({
    estate: EstateConfig,
    policy: PolicyConfig.default(PolicyConfig.parse({})),
    dns: DnsConfig.default(DnsConfig.parse({})),
    k6: K6Config.default(K6Config.parse({})),
    e2e: E2eConfig.default(E2eConfig.parse({})),
    environments: z.record(EnvironmentName, EnvironmentConfig).default({}),
  })
  .superRefine(checkLimits, { when: (p) => typeof p.value === 'object' && p.value !== null });
export type HarnessConfig = z.infer<typeof HarnessConfig>;
export type HarnessConfigInput = z.input<typeof HarnessConfig>;

/** Typed identity for harness.config.ts; validation happens once, in the loader. */
export function defineConfig(config: HarnessConfigInput): HarnessConfigInput {
  return config;
}
