// dns-cname-loop:NAME: the new provider answers NAME with a CNAME to loop.NAME, which points back at NAME; the
// answer carries the chain up to where it repeats, as BIND and Knot send it.
import type { LabAnswer } from './server.ts';

export const loopPartner = (name: string) => `loop.${name}`;
export const isLoopName = (qname: string, name: string) => qname === name || qname === loopPartner(name);

export function cnameLoop(name: string, qname: string): LabAnswer {
  const other = qname === name ? loopPartner(name) : name;
  const rr = (owner: string, target: string) => ({ name: owner, type: 'CNAME', ttl: 300, class: 'IN', data: target });
  return { rcode: 'NOERROR', aa: true, answers: [rr(qname, other), rr(other, qname)] };
}
