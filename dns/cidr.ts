// Is an address inside a provider's published ranges (Cloudflare's IPv4 and IPv6 lists)?
import { BlockList, isIPv4, isIPv6 } from 'node:net';

export function rangeList(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const c of cidrs) {
    const [addr = '', bits = '0'] = c.split('/');
    list.addSubnet(addr, Number(bits), isIPv6(addr) ? 'ipv6' : 'ipv4');
  }
  return list;
}

export function inRanges(list: BlockList, address: string): boolean {
  if (isIPv4(address)) return list.check(address, 'ipv4');
  if (isIPv6(address)) return list.check(address, 'ipv6');
  return false;
}

const LOOPBACK = rangeList(['127.0.0.0/8', '::1/128']);

/** 127.0.0.0/8 or ::1, checked as a parsed address (never by string prefix: "127.evil.example" is a name, not loopback). */
export function isLoopback(address: string): boolean {
  return inRanges(LOOPBACK, address.replace(/^\[(.*)\]$/, '$1'));
}
