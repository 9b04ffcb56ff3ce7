// The non-web server groups (kind `service`, result ids `service:<server>`): per group the protocol the runbook's
// change affects — SSH/SFTP banner, login and listing; SMTP greeting; HTTP health; else TCP connect and the
// config's banner. The window marks it blocking at the step that patches the group.
import { z } from 'zod';
import type { HarnessConfig } from '../core/config/schema.ts';
import { defineKind, type PlanContext } from '../core/kind.ts';
import type { Probe } from '../core/probe.ts';
import { brokenTask, type CheckTask } from '../core/task.ts';
import type { ResolvedEstate, ServiceEndpoint } from '../estate/model.ts';
import { EnvName, secretFor } from '../api/endpoint.ts';
import { LAB_SFTP_ACCOUNT } from '../lab/apis/credentials.ts';
import { tcpProbe } from './tcp-probe.ts';
import { createTrust } from '../sanity/trust.ts';
import { healthProbe } from './http-probe.ts';
import { smtpProbe } from './smtp-probe.ts';
import { sshLoginProbe, type SshLoginOptions } from './ssh-probe.ts';

type Ctx = PlanContext<HarnessConfig, ResolvedEstate>;

const Names = z.union([z.literal('all'), z.array(z.string().min(1)).min(1)]).default('all');

export const ServiceProbe = z.discriminatedUnion('protocol', [
  z.strictObject({ protocol: z.literal('tcp') }),
  z.strictObject({
    protocol: z.literal('ssh'),
    /** The check account (names of environment variables); without it, the banner only. */
    account: z.strictObject({ userEnv: EnvName, passwordEnv: EnvName }).optional(),
    /** Directory listed over SFTP after the login. */
    list: z.string().min(1).default('/'),
    /** Server name → SHA256 host key fingerprint (ssh-keyscan HOST | ssh-keygen -lf -); the lab publishes its own. */
    hostKeys: z.record(z.string(), z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'SHA256:<43 base64 characters>')).default({}),
  }),
  z.strictObject({ protocol: z.literal('smtp'), ehlo: z.string().min(1).default('maintenance-harness.invalid') }),
  z.strictObject({
    protocol: z.literal('http'),
    scheme: z.enum(['https', 'http']).default('https'),
    path: z.string().startsWith('/').default('/health'),
    status: z.array(z.number().int().min(100).max(599)).min(1).default([200]),
    /** The name the server's certificate covers; {server} (lower-case) and {domain} are filled in. */
    tlsName: z.string().min(1).default('{server}.{domain}'),
  }),
]);
export type ServiceProbe = z.output<typeof ServiceProbe>;

/** Banner first (the config's, or SSH-2.0 for ssh), then the login and listing. */
const sshProbe: Probe<ServiceEndpoint, { timeoutMs: number; login?: SshLoginOptions }> = async (service, o, signal) => {
  const banner = await tcpProbe({ ...service, banner: service.banner ?? '^SSH-2\\.0-' }, { timeoutMs: o.timeoutMs }, signal);
  if (banner.status !== 'passed' || !o.login) return banner;
  const login = await sshLoginProbe(service, o.login, signal);
  return login.status === 'passed' ? { ...login, details: { ...banner.details, ...login.details } } : login;
};

export const serviceKind = defineKind({
  id: 'service',
  family: 'sanity',
  summary:
    'each server of the named groups at the protocol level: SSH/SFTP banner, login and listing; SMTP greeting; HTTP health; else TCP',
  params: z.strictObject({
    groups: Names,
    /** Narrows the groups to these servers (SFTP1 before SFTP2). */
    servers: Names,
    /** Group key → how to check it; groups not listed get TCP connect and the config's banner. */
    probes: z.record(z.string(), ServiceProbe).default({}),
  }),
  severity: 'major',
  plan: (ctx: Ctx, p, severity) => {
    const { estate, config } = ctx;
    const probeMs = config.policy.timeouts.probeMs;
    const task = (name: string, title: string) => ({
      id: `service:${name}`,
      family: 'sanity',
      kind: 'service',
      severity,
      title,
      target: { server: name },
    });
    const unknownGroups = [
      ...(p.groups === 'all' ? [] : p.groups),
      ...Object.keys(p.probes).filter((g) => p.groups === 'all' || !p.groups.includes(g)),
    ].filter((g) => !estate.services.some((s) => s.group === g));
    const inGroups = estate.services.filter((s) => p.groups === 'all' || p.groups.includes(s.group));
    const unknownServers = p.servers === 'all' ? [] : p.servers.filter((n) => !inGroups.some((s) => s.name === n));
    const gaps = [
      ...[...new Set(unknownGroups)].map((g) =>
        brokenTask(
          { ...task(g, `server group ${g}`), target: {} },
          `the window names server group "${g}", which estate.serverGroups does not define`,
        ),
      ),
      ...unknownServers.map((n) =>
        brokenTask(task(n, `server ${n}`), `the window names server ${n}, which is not in the groups ${JSON.stringify(p.groups)}`),
      ),
    ];
    const services = inGroups.filter((s) => p.servers === 'all' || p.servers.includes(s.name));
    const trust = createTrust(estate.ca);
    return [
      ...gaps,
      ...services.map((service): CheckTask => {
        const spec: ServiceProbe = p.probes[service.group] ?? { protocol: 'tcp' };
        const base = { ...task(service.name, ''), type: 'check' as const, retries: config.policy.retries, timeoutMs: probeMs };
        const at = `${service.name} (${service.title})`;
        switch (spec.protocol) {
          case 'tcp':
            return {
              ...base,
              title: `${at} accepts TCP on port ${service.port}${service.banner ? ' with the expected banner' : ''}`,
              run: (signal) => tcpProbe(service, { timeoutMs: probeMs }, signal),
            };
          case 'smtp':
            return {
              ...base,
              title: `${at} greets with SMTP 220 and answers EHLO`,
              run: (signal) => smtpProbe(service, { ehlo: spec.ehlo, timeoutMs: probeMs }, signal),
            };
          case 'http': {
            const tlsName = spec.tlsName.replace('{server}', service.name.toLowerCase()).replace('{domain}', estate.domain);
            const options = { scheme: spec.scheme, path: spec.path, status: spec.status, tlsName, trust, timeoutMs: probeMs };
            return {
              ...base,
              title: `${at} is healthy at ${spec.scheme}://${tlsName}${spec.path}`,
              run: (signal) => healthProbe(service, options, signal),
            };
          }
          case 'ssh': {
            const title = `${at} sends an SSH banner${spec.account ? ` and lets the check account log in and list ${spec.list} over SFTP` : ''}`;
            if (!spec.account) return { ...base, title, run: (signal) => sshProbe(service, { timeoutMs: probeMs }, signal) };
            const lab = estate.env === 'lab';
            const user = lab ? { ok: true as const, value: LAB_SFTP_ACCOUNT.user } : secretFor(estate, spec.account.userEnv);
            const password = secretFor(estate, spec.account.passwordEnv, LAB_SFTP_ACCOUNT.password);
            const hostKey = lab ? estate.lab?.services.find((s) => s.name === service.name)?.hostKey : spec.hostKeys[service.name];
            if (!user.ok) return brokenTask({ ...task(service.name, title) }, user.gap);
            if (!password.ok) return brokenTask({ ...task(service.name, title) }, password.gap);
            if (!hostKey)
              return brokenTask(
                { ...task(service.name, title) },
                `no host key pinned for ${service.name}: add hostKeys["${service.name}"] = "SHA256:…" to the window's ssh probe (ssh-keyscan ${service.address || service.name} | ssh-keygen -lf -)`,
              );
            const login: SshLoginOptions = { user: user.value, password: password.value, hostKey, list: spec.list, timeoutMs: probeMs };
            return { ...base, title, timeoutMs: probeMs * 3, run: (signal) => sshProbe(service, { timeoutMs: probeMs, login }, signal) };
          }
        }
      }),
    ];
  },
});
