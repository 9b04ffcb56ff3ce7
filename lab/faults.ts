// The lab's named faults (docs/contracts.md, the faults table): parsing `name[:arg]`, and the live set every sub-lab consults.
import { UsageError } from '../core/errors.ts';
import type { HarnessConfig } from '../core/config/schema.ts';
import { isHostName } from '../core/config/fields.ts';
import { LAB_K8S_CLUSTERS } from './apis/kubernetes.ts';
import { LAB_JOBS } from './apis/jobs.ts';
import { covers } from './apis/names.ts';
import { LAB_DOH_RESOLVER, LAB_RESOLVERS } from './dns/index.ts';
import { LAB_NAMESERVERS } from './dns/lab-zones.ts';

export type FaultArg = 'server' | 'host' | 'record' | 'resolver' | 'nameserver' | 'service' | 'servers' | 'cluster' | 'group' | 'none';

export interface FaultSpec {
  name: string;
  arg: FaultArg;
  does: string;
  caughtBy: string;
}

export const FAULTS: readonly FaultSpec[] = [
  { name: 'web-down', arg: 'server', does: 'the server refuses connections', caughtBy: 'sanity (failed)' },
  { name: 'web-slow', arg: 'server', does: "answers after longer than the probe's timeout", caughtBy: 'sanity (failed, timeout named)' },
  { name: 'web-error', arg: 'server', does: "answers 500 on the app's pages", caughtBy: 'sanity' },
  { name: 'web-cert-expired', arg: 'server', does: 'serves an expired certificate', caughtBy: 'sanity (TLS)' },
  {
    name: 'web-stale-key',
    arg: 'server',
    does: 'signs and checks auth cookies with an old machineKey',
    caughtBy: 'token portability, machinekey',
  },
  { name: 'pool-missing', arg: 'server', does: 'the gateway leaves the server out of its pool', caughtBy: 'pool membership' },
  {
    name: 'pull-ignored',
    arg: 'server',
    does: 'the gateway keeps routing to the server after it was pulled',
    caughtBy: 'pool (the pull steps)',
  },
  {
    name: 'maintenance-stuck',
    arg: 'host',
    does: 'the page stays up after the step took it down (taking it down on that host again clears it)',
    caughtBy: 'maintenance (post-window)',
  },
  {
    name: 'maintenance-missing',
    arg: 'host',
    does: 'the page is not served while it should be',
    caughtBy: 'maintenance (maintenance-start)',
  },
  { name: 'login-broken', arg: 'host', does: 'the login form rejects the test account', caughtBy: 'e2e smoke' },
  { name: 'sso-key-mismatch', arg: 'none', does: 'sso signs tokens with a key my does not trust', caughtBy: 'e2e smoke (SSO round trip)' },
  { name: 'dns-delegation-old', arg: 'none', does: 'the parent still delegates to the old nameservers', caughtBy: 'dns delegation' },
  { name: 'dns-record-drift', arg: 'record', does: 'the new provider answers differently from the old for NAME', caughtBy: 'dns parity' },
  {
    name: 'dns-missing-txt',
    arg: 'record',
    does: 'a TXT record (SPF, DKIM, DMARC) is absent at the new provider',
    caughtBy: 'dns mail records',
  },
  { name: 'dns-resolver-stale', arg: 'resolver', does: 'a resolver keeps serving the old answers', caughtBy: 'dns propagation' },
  { name: 'dns-servfail', arg: 'nameserver', does: 'a nameserver answers SERVFAIL', caughtBy: 'dns' },
  {
    name: 'dns-truncate',
    arg: 'none',
    does: 'UDP answers come back truncated; only TCP carries them whole',
    caughtBy: 'nothing: the checks must still pass over TCP',
  },
  { name: 'dns-ds-stale', arg: 'none', does: 'the parent publishes a DS record that matches no key', caughtBy: 'dns DNSSEC' },
  {
    name: 'dns-ds-extra',
    arg: 'none',
    does: 'the parent publishes the good DS plus a leftover DS that matches no key (a rollover)',
    caughtBy: 'nothing: dns DNSSEC passes with a warning',
  },
  { name: 'dns-ds-zsk', arg: 'none', does: "the parent's DS points at the zone-signing key, not the KSK", caughtBy: 'dns DNSSEC' },
  {
    name: 'dns-ds-early',
    arg: 'none',
    does: "the parent publishes the new provider's DS whoever it delegates to",
    caughtBy: 'dns DNSSEC (while the old provider is delegated)',
  },
  { name: 'dns-rrsig-expired', arg: 'none', does: "the new provider's signatures have expired", caughtBy: 'dns DNSSEC' },
  {
    name: 'dns-dnskey-split',
    arg: 'nameserver',
    does: 'that new nameserver serves (and signs with) a different key set',
    caughtBy: 'dns DNSSEC',
  },
  {
    name: 'dns-glue-old',
    arg: 'none',
    does: "the parent's glue for the new nameservers points at a copy of the old provider",
    caughtBy: 'dns delegation',
  },
  {
    name: 'dns-delegation-extra',
    arg: 'none',
    does: "the parent delegates to the live provider's nameservers plus one of the other's",
    caughtBy: 'dns delegation',
  },
  {
    name: 'dns-cname-loop',
    arg: 'record',
    does: 'the new provider answers NAME with a CNAME loop (NAME → loop.NAME → NAME)',
    caughtBy: 'dns parity',
  },
  { name: 'dns-ns-ttl-high', arg: 'none', does: "the old provider's apex NS TTL stays at 3600 s", caughtBy: 'dns TTL readiness' },
  {
    name: 'dns-resolver-bogus',
    arg: 'resolver',
    does: 'a validating resolver answers SERVFAIL with EDE 6 (DNSSEC Bogus)',
    caughtBy: 'dns resolvers (cause named)',
  },
  {
    name: 'iis-not-recycled',
    arg: 'server',
    does: "the server's app pool was not recycled after the Mailgun key rotation: its app still runs Key Vault's previous version",
    caughtBy: 'recycle',
  },
  { name: 'jwt-cert-old', arg: 'server', does: "the server's sso still signs tokens with the old certificate", caughtBy: 'jwt (ARC-135)' },
  { name: 'service-down', arg: 'service', does: 'the non-web server refuses connections', caughtBy: 'service' },
  { name: 'service-unhealthy', arg: 'service', does: 'HTTPS /health answers 503; SMTP greets with 421', caughtBy: 'service (http, smtp)' },
  { name: 'sftp-login-broken', arg: 'service', does: 'the SFTP server refuses the check account', caughtBy: 'service (sftp login)' },
  { name: 'sftp-list-broken', arg: 'service', does: 'the SFTP server refuses to list the directory', caughtBy: 'service (sftp listing)' },
  {
    name: 'alerting-off',
    arg: 'servers',
    does: 'Opsgenie alerting stays off for the servers (IC-Web3 or a range IC-Web1..5)',
    caughtBy: 'api (alerting on again)',
  },
  {
    name: 'mailgun-key-old',
    arg: 'none',
    does: 'Mailgun refuses the rotated key (the rotation never reached Mailgun)',
    caughtBy: 'mailgun key',
  },
  {
    name: 'mail-routing-broken',
    arg: 'none',
    does: 'Mailgun accepts messages but the route fails delivery (550)',
    caughtBy: 'mailgun routing',
  },
  {
    name: 'k8s-secret-stale',
    arg: 'none',
    does: "the cron job's Kubernetes secret still holds Key Vault's previous version",
    caughtBy: 'secret-sync',
  },
  {
    name: 'k8s-secret-missing',
    arg: 'none',
    does: "the cron job's Kubernetes secret is gone",
    caughtBy: 'secret-sync, api (K8s secret present)',
  },
  { name: 'k8s-node-notready', arg: 'cluster', does: 'one node of the cluster is not Ready', caughtBy: 'api (K8s nodes Ready)' },
  { name: 'k8s-version-old', arg: 'cluster', does: 'the API server reports the version before the upgrade', caughtBy: 'api (K8s version)' },
  { name: 'jobs-stopped', arg: 'group', does: 'the integrations or engineering jobs stay paused', caughtBy: 'api (jobs running again)' },
  {
    name: 'slack-down',
    arg: 'none',
    does: 'the webhook answers 500',
    caughtBy: 'nothing is lost: results and report stay, the run says the post failed',
  },
];

export interface Fault {
  name: string;
  arg?: string;
}

/** An unknown fault or argument: a usage error (64) naming the known ones. */
export class FaultError extends UsageError {
  override readonly name = 'FaultError';
}

export function faultUsage(): string {
  return FAULTS.map((f) => `  ${f.arg === 'none' ? f.name : `${f.name}:${f.arg.toUpperCase()}`}`.padEnd(34) + f.does).join('\n');
}

/** Parses `name[:arg]`; an unknown name, a missing/extra argument or a target the lab never has is a usage error. */
export function parseFault(text: string): Fault {
  const [name = '', ...rest] = text.split(':');
  const arg = rest.length ? rest.join(':') : undefined;
  const spec = FAULTS.find((f) => f.name === name);
  if (!spec) throw new FaultError(`unknown fault "${name}". Known faults:\n${faultUsage()}`);
  if (spec.arg !== 'none' && !arg) throw new FaultError(`fault ${name} needs an argument: ${name}:${spec.arg.toUpperCase()}`);
  if (spec.arg === 'none' && arg) throw new FaultError(`fault ${name} takes no argument`);
  const fault = arg ? { name, arg } : { name };
  // Names the lab always has are checked here, for every caller (smoke, npm run lab, the control API).
  checkTarget(fault, spec, fixedTargets()[spec.arg]);
  return fault;
}

/** Names the lab always has, whatever the config: its DNS servers and resolvers, K8s clusters, job groups. */
function fixedTargets(): Partial<Record<FaultArg, string[]>> {
  const resolvers = [...LAB_RESOLVERS, LAB_DOH_RESOLVER];
  return {
    // dns-servfail reaches resolvers too.
    nameserver: [...LAB_NAMESERVERS.parent, ...LAB_NAMESERVERS.old, ...LAB_NAMESERVERS.new, ...resolvers],
    resolver: resolvers,
    cluster: [...LAB_K8S_CLUSTERS],
    group: [...new Set(LAB_JOBS.map((j) => j.group))],
  };
}

/** What each kind of argument may name in the lab started from `config` (record names are checked as DNS names). */
export function faultTargets(config: HarnessConfig): Partial<Record<FaultArg, string[]>> {
  const e = config.estate;
  const services = e.serverGroups.flatMap((g) => g.servers.map((s) => s.name));
  return {
    ...fixedTargets(),
    server: e.webServers.map((s) => s.name),
    host: e.hosts.flatMap((h) => [h.key, h.label]),
    service: services,
    servers: [...e.webServers.map((s) => s.name), ...services],
  };
}

/** A fault's argument against the names it may take (undefined: not known here, e.g. servers without the config). */
function checkTarget(f: Fault, spec: FaultSpec, known: string[] | undefined): void {
  const arg = f.arg;
  if (arg === undefined || spec.arg === 'none') return;
  if (spec.arg === 'record') {
    // www, _dmarc, k1._domainkey, @ or www.invoicecloud.test: underscores are fine in DNS names, URLs are not.
    const name = arg === '@' ? 'x' : arg.replace(/\.$/, '').replace(/(^|\.)_/g, '$1x');
    if (!isHostName(name))
      throw new FaultError(`fault ${f.name}:${arg}: "${arg}" is not a DNS name (www, _dmarc, @ or www.invoicecloud.test)`);
    return;
  }
  if (!known) return;
  const label = (arg.split('.')[0] ?? arg).toLowerCase();
  const ok =
    spec.arg === 'servers'
      ? known.some((n) => covers(arg, n))
      : known.some((n) => n.toLowerCase() === arg.toLowerCase() || (spec.arg === 'host' && n.toLowerCase() === label));
  if (!ok) throw new FaultError(`fault ${f.name}:${arg}: the lab has no ${spec.arg} "${arg}"; valid: ${known.join(', ')}`);
}

/**
 * Every argument must name something the lab has: a fault whose target does not exist injects nothing and the
 * run reports GO, as if the fault had been caught. Checked before anything starts; a usage error lists the valid names.
 */
export function checkFaultTargets(faults: readonly Fault[], config: HarnessConfig): void {
  const targets = faultTargets(config);
  for (const f of faults) {
    const spec = FAULTS.find((s) => s.name === f.name);
    if (spec) checkTarget(f, spec, targets[spec.arg]);
  }
}

/** The faults active in a running lab; shared by every sub-lab, changed through the control API. */
export class ActiveFaults {
  private readonly faults = new Map<string, Fault>();

  constructor(initial: readonly Fault[] = []) {
    for (const f of initial) this.add(f);
  }

  private static key(f: Fault): string {
    return f.arg === undefined ? f.name : `${f.name}:${f.arg.toLowerCase()}`;
  }

  add(f: Fault): void {
    this.faults.set(ActiveFaults.key(f), f);
  }

  remove(f: Fault): boolean {
    return this.faults.delete(ActiveFaults.key(f));
  }

  clear(): void {
    this.faults.clear();
  }

  /** True when `name` is active for `arg` (case-insensitive), or active without argument when arg is omitted. */
  has(name: string, arg?: string): boolean {
    return this.faults.has(ActiveFaults.key(arg === undefined ? { name } : { name, arg }));
  }

  list(): Fault[] {
    return [...this.faults.values()];
  }
}
