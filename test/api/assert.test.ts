// The declarative API check's JSON paths and assertions: what a path reaches, and what each operator says when it fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Assertion, check } from '../../api/assert.ts';
import { evaluate, parsePath } from '../../api/json-path.ts';

const NODES = {
  items: [
    { metadata: { name: 'n1' }, status: { conditions: [{ type: 'Ready', status: 'True' }] } },
    {
      metadata: { name: 'n2' },
      status: {
        conditions: [
          { type: 'Disk', status: 'False' },
          { type: 'Ready', status: 'False' },
        ],
      },
    },
  ],
  metadata: { labels: { 'secrets-store.csi.k8s.io/managed': 'true' } },
  data: [
    { name: 'IC-Web1', enabled: true },
    { name: 'IC-Web2', enabled: false },
  ],
};

test('paths: keys, indexes, wildcards, filters and quoted keys reach the values they name', () => {
  const cases: [string, string[], unknown[]][] = [
    ['items[0].metadata.name', ['items[0].metadata.name'], ['n1']],
    ['items[*].metadata.name', ['items[0].metadata.name', 'items[1].metadata.name'], ['n1', 'n2']],
    [
      'items[*].status.conditions[type=Ready].status',
      ['items[0].status.conditions[type=Ready].status', 'items[1].status.conditions[type=Ready].status'],
      ['True', 'False'],
    ],
    ['data[name=IC-Web2].enabled', ['data[name=IC-Web2].enabled'], [false]],
    ['metadata.labels["secrets-store.csi.k8s.io/managed"]', ['metadata.labels["secrets-store.csi.k8s.io/managed"]'], ['true']],
    ['data[name=IC-Web9].enabled', [], []],
    ['missing.key', [], []],
    ['items[5]', [], []],
  ];
  for (const [path, at, values] of cases) {
    const found = evaluate(NODES, parsePath(path));
    assert.deepEqual(
      found.map((f) => f.at),
      at,
      path,
    );
    assert.deepEqual(
      found.map((f) => f.value),
      values,
      path,
    );
  }
});

test('a malformed path is refused when the window is loaded, saying where', () => {
  for (const bad of ['', 'a..b', '.a', 'a.', 'a[', 'a[=x]', 'a.[0]']) {
    const r = Assertion.safeParse({ path: bad, op: 'exists' });
    assert.equal(r.success, false, bad);
  }
  assert.match(JSON.stringify(Assertion.safeParse({ path: 'a[', op: 'exists' }).error?.issues), /unclosed \[/);
  assert.match(JSON.stringify(Assertion.safeParse({ path: 'a', op: 'equals' }).error?.issues), /op equals needs a value/);
  assert.match(JSON.stringify(Assertion.safeParse({ path: 'a', op: 'count' }).error?.issues), /op count needs min and\/or max/);
  assert.match(JSON.stringify(Assertion.safeParse({ path: 'a', op: 'matches', value: '(' }).error?.issues), /valid regular expression/);
});

test('assertions: every value reached must hold, at least one must be reached; failures say where, what and the fix', () => {
  const a = (x: Record<string, unknown>) => Assertion.parse(x);
  const cases: { a: Assertion; sensitive?: boolean; says: RegExp | null }[] = [
    { a: a({ path: 'data[name=IC-Web1].enabled', op: 'equals', value: true }), says: null },
    {
      a: a({ path: 'data[name=IC-Web2].enabled', op: 'equals', value: true, fix: 'turn it on' }),
      says: /^data\[name=IC-Web2\]\.enabled is false, expected true — turn it on$/,
    },
    {
      a: a({ path: 'items[*].status.conditions[type=Ready].status', op: 'equals', value: 'True', label: 'metadata.name' }),
      says: /^n2: items\[1\]\.status\.conditions\[type=Ready\]\.status is "False", expected "True"$/,
    },
    {
      a: a({ path: 'data[name=IC-Web9].enabled', op: 'equals', value: true }),
      says: /^nothing at data\[name=IC-Web9\]\.enabled \(expected true\)$/,
    },
    { a: a({ path: 'items[*].metadata.name', op: 'in', value: ['n1', 'n2'] }), says: null },
    {
      a: a({ path: 'items[*].metadata.name', op: 'matches', value: '^n1$' }),
      says: /items\[1\]\.metadata\.name is "n2", expected to match \/\^n1\$\//,
    },
    { a: a({ path: 'items[*].metadata.name', op: 'notEquals', value: 'n2' }), says: /expected anything but "n2"/ },
    { a: a({ path: 'items[*]', op: 'count', min: 3 }), says: /^items\[\*\] matched 2 value\(s\), expected at least 3$/ },
    { a: a({ path: 'items[*]', op: 'count', min: 1, max: 2 }), says: null },
    { a: a({ path: 'metadata.deletionTimestamp', op: 'absent' }), says: null },
    { a: a({ path: 'metadata.labels', op: 'absent' }), says: /is present/ },
    { a: a({ path: 'metadata.name', op: 'exists' }), says: /^nothing at metadata\.name/ },
    {
      a: a({ path: 'data[name=IC-Web2].enabled', op: 'equals', value: true }),
      sensitive: true,
      says: /is \(value hidden\), expected \(value hidden\)/,
    },
  ];
  for (const c of cases) {
    const got = check(NODES, c.a, c.sensitive);
    if (c.says === null) assert.deepEqual(got, [], JSON.stringify(c.a));
    else {
      assert.equal(got.length, 1, JSON.stringify(c.a));
      assert.match(got[0]!, c.says);
    }
  }
});
