// Where the lab's web servers and balancers listen: 127.0.0.1 on random ports (the default), or shaped like
// production — each on its own loopback address on the default port 443, so the default-port path is exercised.
export type LabAddressing = 'ports' | 'loopback443';

/** The environment variable a run (or `npm run lab`) sets to choose the addressing; default ports. */
export const LAB_ADDRESSING_ENV = 'HARNESS_LAB_ADDRESSING';

export interface Bind {
  address: string;
  port: number;
}

export interface LabBinds {
  web: Bind[];
  gateway: Bind;
  ilb: Bind;
}

let block = 0;

/**
 * Binds for `servers` web servers. loopback443: 127.<A>.<B>.N:443 with A.B unique per lab in this process and
 * varied by pid across processes (parallel test files), the servers at .1…, the gateway at .201, the ILB at .202.
 * Binding port 443 needs root or CAP_NET_BIND_SERVICE; the listen error says so.
 */
export function labBinds(addressing: LabAddressing, servers: number, pid = process.pid): LabBinds {
  if (addressing === 'ports')
    return {
      web: Array.from({ length: servers }, () => ({ address: '127.0.0.1', port: 0 })),
      gateway: { address: '127.0.0.1', port: 0 },
      ilb: { address: '127.0.0.1', port: 0 },
    };
  if (servers > 200) throw new Error(`loopback443 addressing gives each server its own address: at most 200 servers, not ${servers}`);
  const n = (pid % 250) * 7 + block++;
  const prefix = `127.${1 + (Math.floor(n / 250) % 250)}.${n % 250}`;
  return {
    web: Array.from({ length: servers }, (_, i) => ({ address: `${prefix}.${i + 1}`, port: 443 })),
    gateway: { address: `${prefix}.201`, port: 443 },
    ilb: { address: `${prefix}.202`, port: 443 },
  };
}

export function addressingFrom(value: string | undefined): LabAddressing {
  if (value === undefined || value === '' || value === 'ports') return 'ports';
  if (value === 'loopback443') return value;
  throw new Error(`${LAB_ADDRESSING_ENV}=${value}: use "ports" (127.0.0.1, random ports) or "loopback443" (own address, port 443)`);
}
