// The estate as the runbook names it: hosts, web servers, the two load balancers, the other server groups.
import { z } from 'zod';
import { AddressText, DomainName, EnvName, HeaderName, HostLabel, RegexText, UrlPath } from './fields.ts';
import { PageContract, SignInFlow } from './contracts.ts';

export const HostKey = z.enum(['www', 'www2', 'my', 'sso']);
export type HostKey = z.infer<typeof HostKey>;
export const HOST_KEYS = HostKey.options;

const Port = z.number().int().min(1).max(65_535);
/** An IPv4/IPv6 literal or a DNS name the operator's machine resolves; optional because only operators know them. */
const Address = AddressText.optional();
/** A server or balancer name: it becomes part of check ids and the key of environments.*.addresses. */
const ServerName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a server name such as IC-App1: letters, digits, dots, dashes, underscores');

export const HostConfig = z.strictObject({
  key: HostKey,
  /** Label under the domain: "www" → www.invoicecloud.com (www.invoicecloud.test in the lab). */
  label: HostLabel,
  /** Text every healthy page of this host contains. */
  marker: z.string().min(1).max(500),
  path: UrlPath.default('/'),
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
  name: ServerName,
  address: Address,
  port: Port.default(443),
  /** Response header carrying the backend's identity (the lab's servers set it; production sets it in IIS). */
  identityHeader: HeaderName.default('x-served-by'),
});
export type BalancerConfig = z.infer<typeof BalancerConfig>;

export const ServiceServerConfig = z.strictObject({ name: ServerName, address: Address });

export const ServerGroupConfig = z.strictObject({
  key: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lower-case letters, digits and dashes, at most 40'),
  title: z.string().min(1).max(200),
  jira: z.string().max(64).optional(),
  port: Port,
  /** Regular expression the first line the server sends must match (SSH banner …); absent → connect only. Must compile. */
  banner: RegexText.optional(),
  /** At most 100 per group: each is a check, and the runbook's groups have one or two. */
  servers: z.array(ServiceServerConfig).min(1).max(100),
});
export type ServerGroupConfig = z.infer<typeof ServerGroupConfig>;

export const MaintenanceConfig = z.strictObject({
  /** The HTTP status the maintenance page answers with: a real status code (100–599), 503 by the runbook. */
  status: z.number().int().min(100, 'an HTTP status code, 100–599').max(599, 'an HTTP status code, 100–599').default(503),
  /** Text the maintenance page contains; empty would match every page, so a check on it could not fail. */
  marker: z.string().min(1).max(500).default('Scheduled maintenance in progress'),
});

export const TokenConfig = z.strictObject({
  /** Where a server issues the auth cookie for the test account (POST, form body). */
  loginPath: UrlPath.default('/auth/login'),
  /** Where a server says whether a presented cookie is valid there (200 valid, 401 invalid). */
  verifyPath: UrlPath.default('/auth/verify'),
  cookieName: z
    .string()
    .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/, 'a cookie name such as .ASPXAUTH (an HTTP token)')
    .default('.ASPXAUTH'),
  /** Which host's app issues and checks the token. */
  host: HostKey.default('my'),
  /** Environment variables holding the test account; the lab has its own account. */
  userEnv: EnvName.default('HARNESS_TEST_USER'),
  passwordEnv: EnvName.default('HARNESS_TEST_PASSWORD'),
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
  name: z.string().regex(/^#[a-z0-9][a-z0-9._-]{0,79}$/, 'a Slack channel such as #eng-monthlymaintenance'),
  /** Environment variable holding the incoming-webhook URL; the URL itself never lives in the repo. */
  webhookEnv: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'an environment variable name such as SLACK_WEBHOOK_PLATFORM'),
  purpose: z.string().optional(),
  /** operations: plain words, one line per cause (#dailyopsissues); engineering: ids, details, counts. */
  audience: z.enum(['operations', 'engineering']).default('engineering'),
});

const EstateShape = z.strictObject({
  domain: DomainName,
  hosts: z.array(HostConfig).min(1),
  /** At most 100: every server is probed per host, and the pool check samples each one (policy.poolSamplesPerMember). */
  webServers: z.array(WebServerConfig).min(1).max(100),
  gateway: BalancerConfig,
  ilb: BalancerConfig,
  serverGroups: z.array(ServerGroupConfig).max(50).default([]),
  maintenance: MaintenanceConfig.default({ status: 503, marker: 'Scheduled maintenance in progress' }),
  tokens: TokenConfig.default(TokenConfig.parse({})),
  slack: z.strictObject({ channels: z.array(SlackChannelConfig).max(20).default([]) }).default({ channels: [] }),
});

/**
 * Names become check ids and address keys: two hosts with one key or label, or two servers with one name, would plan
 * two checks with one id (or probe one address twice), so each repeat is named at its own path.
 */
function uniqueNames(e: z.infer<typeof EstateShape>, ctx: z.RefinementCtx): void {
  // Runs even when other fields are invalid (every bad path at once), so nothing here trusts the shape.
  const seen = new Map<string, string>();
  const claim = (kind: string, value: unknown, path: (string | number)[]) => {
    if (typeof value !== 'string') return;
    const key = `${kind}:${value.toLowerCase()}`;
    const first = seen.get(key);
    if (first) ctx.addIssue({ code: 'custom', path, message: `${kind} "${value}" is already used at ${first}; each must be unique` });
    else seen.set(key, path.join('.'));
  };
  const list = <T>(v: T[] | undefined): T[] => (Array.isArray(v) ? v : []);
  list(e.hosts).forEach((h, i) => {
    claim('host key', h?.key, ['hosts', i, 'key']);
    claim('host label', h?.label, ['hosts', i, 'label']);
  });
  list(e.webServers).forEach((s, i) => claim('server name', s?.name, ['webServers', i, 'name']));
  claim('server name', e.gateway?.name, ['gateway', 'name']);
  claim('server name', e.ilb?.name, ['ilb', 'name']);
  list(e.serverGroups).forEach((g, i) => {
    claim('server group key', g?.key, ['serverGroups', i, 'key']);
    list(g?.servers).forEach((s, j) => claim('server name', s?.name, ['serverGroups', i, 'servers', j, 'name']));
  });
  list(e.slack?.channels).forEach((c, i) => claim('Slack channel', c?.name, ['slack', 'channels', i, 'name']));
}

export const EstateConfig = EstateShape.superRefine(uniqueNames, { when: (p) => typeof p.value === 'object' && p.value !== null });
export type EstateConfig = z.infer<typeof EstateConfig>;
