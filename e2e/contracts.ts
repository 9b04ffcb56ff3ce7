// Per-host page contracts as the suites use them (hosts[].pages / signIn in the config), and where the
// accessibility-tree baseline lives: recorded by the pre-maintenance run, compared against after the window.
import { join } from 'node:path';
import type { PageContract, SignInFlow } from '../core/config/contracts.ts';
import type { HostKey } from '../core/config/estate.ts';
import type { HarnessConfig } from '../core/config/schema.ts';

export interface HostContract {
  host: HostKey;
  /** Text every healthy page body of the host contains, unless a page names its own. */
  marker: string;
  /** Text the document title contains (the host's title, else its marker). */
  title: string;
  /** At least the host's path with its main landmark. */
  pages: PageContract[];
  signIn?: SignInFlow;
}

/** The host's contract from the config; a host without pages gets its path with the main landmark. */
export function hostContract(config: HarnessConfig, host: HostKey): HostContract | undefined {
  const h = config.estate.hosts.find((x) => x.key === host);
  if (!h) return undefined;
  return {
    host,
    marker: h.marker,
    title: h.title ?? h.marker,
    pages: h.pages?.length ? h.pages : [{ path: h.path, landmark: 'main', baseline: true }],
    ...(h.signIn ? { signIn: h.signIn } : {}),
  };
}

/** Variables the harness sets for the accessibility-tree baseline (e2e/plan.ts). */
export const ARIA_ENV = {
  /** record (the pre-maintenance run) or compare (after the window); unset: neither. */
  mode: 'HARNESS_E2E_ARIA',
  /** record: the folder to write the snapshots to; compare: the baseline run's folder of them (absent: no baseline). */
  dir: 'HARNESS_E2E_ARIA_DIR',
  /** compare: why there is no baseline folder, said in the broken result. */
  missing: 'HARNESS_E2E_ARIA_MISSING',
} as const;

export type AriaMode = 'record' | 'compare';

/** Folder of a run's snapshots, under its smoke output (e2e/plan.ts writes there; a later step reads it). */
export const ariaDirOf = (runDir: string): string => join(runDir, 'e2e', 'smoke', 'aria');

/** One file per host and page path: <dir>/<host>/<path, URL-encoded>.aria.yml. */
export const snapshotFile = (dir: string, host: HostKey, path: string): string => join(dir, host, `${encodeURIComponent(path)}.aria.yml`);

/** A recorded snapshot as a template that matches only the same tree: every level's children, in order, no more. */
export const strictTemplate = (snapshot: string): string => `- /children: deep-equal\n${snapshot.trimEnd()}\n`;
