// A small JSON path for declarative API checks: `data[name=IC-Web3].enabled`, `items[*].status.conditions[type=Ready].status`,
// `metadata.labels["secrets-store.csi.k8s.io/managed"]`, `items[0]`. A path can fan out ([*], filters) to many values.

export type Segment = { key: string } | { index: number } | { all: true } | { field: string; equals: string };

export class PathError extends Error {
  override readonly name = 'PathError';
}

/** Parses a path; throws PathError saying where it is malformed. */
export function parsePath(path: string): Segment[] {
  const out: Segment[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new PathError(`bad JSON path "${path}" at ${i}: ${why}`);
  };
  while (i < path.length) {
    const c = path[i]!;
    if (c === '.') {
      if (i === 0 || i === path.length - 1 || path[i + 1] === '.' || path[i + 1] === '[') fail('a dot must join two keys');
      i++;
      continue;
    }
    if (c === '[') {
      const end = path.indexOf(']', i);
      if (end < 0) fail('unclosed [');
      const inner = path.slice(i + 1, end).trim();
      if (inner === '*') out.push({ all: true });
      else if (/^\d+$/.test(inner)) out.push({ index: Number(inner) });
      else if (/^"[^"]*"$/.test(inner)) out.push({ key: inner.slice(1, -1) });
      else {
        const eq = inner.indexOf('=');
        if (eq <= 0) fail('inside [] put *, an index, "a key" or field=value');
        out.push({ field: inner.slice(0, eq).trim(), equals: inner.slice(eq + 1).trim() });
      }
      i = end + 1;
      continue;
    }
    const m = /^[^.[\]]+/.exec(path.slice(i));
    if (!m) fail('expected a key');
    out.push({ key: m![0] });
    i += m![0].length;
  }
  if (!out.length) fail('empty path');
  return out;
}

export interface Found {
  /** The concrete location: items[1].status.conditions[0].status. */
  at: string;
  value: unknown;
  /** The element the first fan-out ([*] or a filter) selected, for labelling (a node, a policy). */
  element?: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const join = (at: string, key: string) => (/^[A-Za-z_$][\w$-]*$/.test(key) ? (at ? `${at}.${key}` : key) : `${at}["${key}"]`);

/** Every value the path reaches in `root` (none when a key is missing or a filter matches nothing). */
export function evaluate(root: unknown, segments: readonly Segment[]): Found[] {
  let current: Found[] = [{ at: '', value: root }];
  for (const seg of segments) {
    const next: Found[] = [];
    for (const f of current) {
      if ('key' in seg) {
        if (isObject(f.value) && seg.key in f.value) next.push({ ...f, at: join(f.at, seg.key), value: f.value[seg.key] });
      } else if ('index' in seg) {
        if (Array.isArray(f.value) && seg.index < f.value.length)
          next.push({ ...f, at: `${f.at}[${seg.index}]`, value: f.value[seg.index] });
      } else if (Array.isArray(f.value)) {
        f.value.forEach((v, i) => {
          if ('all' in seg || (isObject(v) && String(v[seg.field]) === seg.equals)) {
            // A filter names what it picked (data[name=IC-Web3]); a wildcard gives the index.
            const at = 'all' in seg ? `${f.at}[${i}]` : `${f.at}[${seg.field}=${seg.equals}]`;
            next.push({ at, value: v, element: f.element === undefined ? v : f.element });
          }
        });
      }
    }
    current = next;
  }
  return current;
}
