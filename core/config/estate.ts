// The estate as the runbook names it: hosts, web servers, the two load balancers, the other server groups.
import { z } from 'zod';
import { PageContract, SignInFlow } from './contracts.ts';

export const HostKey = z.enum(['www', 'www2', 'my', 'sso']);
export type HostKey = z.infer<typeof HostKey>;
export const HOST_KEYS = HostKey.options;

const Port = z.number().int().min(1).max(65_535);
/** An IPv4/IPv6 literal or a DNS name the operator's machine resolves; optional because only operators know them. */
const Address = z.string().min(1).optional();

export const HostConfig = z.strictObject({
  key: HostKey,
  /** Label under the domain: "www" → www.invoicecloud.com (www.invoicecloud.test in the lab). */
  label: z.string().min(1),
  /** Text every healthy page of this host contains. */
  marker: z.string().min(1),
  path: z.string().startsWith('/').default('/'),
  /** The runbook's maintenance page covers www, my, sso but not www2. */
  maintenancePage: z.boolean(),
  /** Text the browser title must contain, when it differs from `marker` (which the page body must contain). */
  title: z.string().min(1).optional(),
  /** Pages the browser smoke opens and what proves each rendered; default: `path` with its main landmark. */
  pages: z.array(PageContract).max(50).optional(),
  /** The test account's sign-in on this host, where it has one. */
  signIn: SignInFlow.optional(),
});
export type HostConfig = z.infer<typeof HostConfig>;

export const WebServerConfig = z.strictObject({
  /** The runbook's name for the server (IC-Web3, web-a …): windows name servers by it. */
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'a server name: letters, digits, dot, dash, underscore'),
  address: Address,
  port: Port.default(443),
  /** What the server puts in the balancer's identity header when that differs from `name` (IIS machine name: ICWEB03). */
  identity: z.string().min(1).optional(),
  /** 'http' only when the backend serves plain HTTP on purpose (declared, never a silent downgrade); default https. */
  scheme: z.enum(['https', 'http']).optional(),
});
export type WebServerConfig = z.infer<typeof WebServerConfig>;

export const BalancerConfig = z.strictObject({
  name: z.string().min(1),
  address: Address,
  port: Port.default(443),
  /** Response header carrying the backend's identity (the lab's servers set it; production sets it in IIS). */
  identityHeader: z.string().default('x-served-by'),
});
export type BalancerConfig = z.infer<typeof BalancerConfig>;

export const ServiceServerConfig = z.strictObject({ name: z.string().min(1), address: Address });

export const ServerGroupConfig = z.strictObject({
  key: z.string().regex(/^[a-z0-9-]+$/),
  title: z.string().min(1),
  jira: z.string().optional(),
  port: Port,
  /** Regular expression the first line the server sends must match (SSH banner …); absent → connect only. */
  banner: z.string().optional(),
  servers: z.array(ServiceServerConfig).min(1),
});
export type ServerGroupConfig = z.infer<typeof ServerGroupConfig>;

export const MaintenanceConfig = z.strictObject({
  status: z.number().int().default(503),
  marker: z.string().default('Scheduled maintenance in progress'),
});

export const TokenConfig = z.strictObject({
  /** Where a server issues the auth cookie for the test account (POST, form body). */
  loginPath: z.string().default('/auth/login'),
  /** Where a server says whether a presented cookie is valid there (200 valid, 401 invalid). */
  verifyPath: z.string().default('/auth/verify'),
  cookieName: z.string().default('.ASPXAUTH'),
  /** Which host's app issues and checks the token. */
  host: HostKey.default('my'),
  /** Environment variables holding the test account; the lab has its own account. */
  userEnv: z.string().default('HARNESS_TEST_USER'),
  passwordEnv: z.string().default('HARNESS_TEST_PASSWORD'),
  /** A form page to GET first on the same server: its hidden inputs and cookies go with the login (antiforgery). */
  formPath: z.string().startsWith('/').optional(),
  /** Names of the login form's fields, and fixed extra fields. */
  userField: z.string().min(1).default('user'),
  passwordField: z.string().min(1).default('password'),
  extraFields: z.record(z.string(), z.string()).default({}),
  /** Text the authenticated page (verifyPath) shows only to a signed-in user; without it 200 means accepted. */
  verifyMarker: z.string().min(1).optional(),
});
export type TokenConfig = z.infer<typeof TokenConfig>;

export const SlackChannelConfig = z.strictObject({
  name: z.string().startsWith('#'),
  /** Environment variable holding the incoming-webhook URL; the URL itself never lives in the repo. */
  webhookEnv: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'an environment variable name such as SLACK_WEBHOOK_PLATFORM'),
  purpose: z.string().optional(),
});

export const EstateConfig = z.strictObject({
  domain: z.string().min(1),
  hosts: z.array(HostConfig).min(1),
  webServers: z.array(WebServerConfig).min(1),
  gateway: BalancerConfig,
  ilb: BalancerConfig,
  serverGroups: z.array(ServerGroupConfig).default([]),
  maintenance: MaintenanceConfig.default({ status: 503, marker: 'Scheduled maintenance in progress' }),
  tokens: TokenConfig.default(TokenConfig.parse({})),
  slack: z.strictObject({ channels: z.array(SlackChannelConfig).default([]) }).default({ channels: [] }),
});
export type EstateConfig = z.infer<typeof EstateConfig>;
