// dns-record-drift: the new provider answers NAME with different data (a record carried over wrongly).
import type { LabAnswer } from './server.ts';

function drifted(type: string, data: unknown): unknown {
  switch (type) {
    case 'A':
      return '127.0.0.99';
    case 'AAAA':
      return '::99';
    case 'CNAME':
      return 'parked.drifted.test';
    case 'MX':
      return { ...(data as object), preference: Number((data as { preference?: number }).preference ?? 0) + 5 };
    case 'TXT':
      return [Buffer.from('v=spf1 -all drifted')];
    case 'SRV':
      return { ...(data as object), port: 8443 };
    case 'CAA':
      return { ...(data as object), value: 'drifted-ca.test' };
    default:
      return data;
  }
}

export function drift(answer: LabAnswer, name: string): LabAnswer {
  return { ...answer, answers: (answer.answers ?? []).map((r) => (r.name === name ? { ...r, data: drifted(String(r.type), r.data) } : r)) };
}
