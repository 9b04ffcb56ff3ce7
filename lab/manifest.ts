// What a running lab tells the harness: every address, the CA to trust, the control API.
import type { HostKey } from '../core/config/estate.ts';

export interface LabEndpoint {
  name: string;
  address: string;
  port: number;
}

export interface LabManifest {
  startedAt: string;
  /** The lab's domain, replacing the production one: www.invoicecloud.test … */
  domain: string;
  /** PEM file of the CA the lab made at start; the harness trusts it explicitly. */
  caFile: string;
  hosts: Record<HostKey, string>;
  webServers: LabEndpoint[];
  gateway: LabEndpoint;
  ilb: LabEndpoint;
  /** Non-web servers; `protocol` is what the lab speaks there, `hostKey` the SSH host key's SHA256 fingerprint. */
  services: (LabEndpoint & { group: string; protocol?: string; hostKey?: string })[];
  /** HTTP control API: runbook operations and faults (see lab/control). */
  control: { url: string };
  /** Test account user name (the password comes from the environment or the lab default, never the manifest). */
  account: { user: string };
  /** Filled by the DNS lab. */
  dns?: Record<string, unknown>;
  /** Slack webhook receiver. */
  slack?: { url: string };
  /** Control-plane API fakes (lab/apis): endpoint name (opsgenie, mailgun, keyvault, jobs, k8s:<cluster>) → base URL. */
  apis?: Record<string, string>;
  /** The key id sso signs its tokens with (the planned JWT signing certificate, ARC-135). */
  sso?: { kid: string };
}
