// Issue 10: an environment's DNS-name addresses are looked up once when it is opened (k6 is pinned to the answer), and
// one that does not resolve is a configuration error naming its config path, the name and the lookup code. Stub resolver only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, parseConfig } from '../../core/config/load.ts';
import type { HarnessConfig } from '../../core/config/schema.ts';
import { environmentSource, openEnvironment } from '../../estate/model.ts';
import { addressPath, type Lookup } from '../../estate/resolve.ts';
import harness from '../../harness.config.ts';
import { k6RunsForPhase } from '../../k6/adapter/run-plan.ts';
import { K6Params } from '../../k6/plan.ts';
import { KINDS } from '../../kinds.ts';
import { juneStep } from '../support/window.ts';

const WEBS = Array.from({ length: 10 }, (_, i) => `IC-Web${i + 1}`);
const GATEWAY = harness.estate.gateway.name;
const ILB = harness.estate.ilb.name;

/** Production with every address given (names where `names` says), system roots: only the lookups can fail. */
function configWith(names: Record<string, string>): HarnessConfig {
  const base = parseConfig(harness).environments['production']!;
  const ips = Object.fromEntries(
    Object.keys(base.addresses).map((n, i) => [n, base.addresses[n] || `10.9.${Math.floor(i / 200)}.${(i % 200) + 1}`]),
  );
  return parseConfig({
    ...harness,
    environments: { production: { ...base, caFile: 'system', addresses: { ...ips, ...names } } },
  });
}

/** A resolver that answers from a table and records every question; ENOTFOUND/EAI_AGAIN as getaddrinfo says them. */
const stub = (table: Record<string, string>, codes: Record<string, string> = {}): Lookup & { asked: string[] } => {
  const asked: string[] = [];
  const f = async (name: string) => {
    asked.push(name);
    const address = table[name];
    if (!address) throw Object.assign(new Error(`getaddrinfo ${codes[name] ?? 'ENOTFOUND'} ${name}`), { code: codes[name] ?? 'ENOTFOUND' });
    return { address, family: address.includes(':') ? 6 : 4 };
  };
  return Object.assign(f, { asked });
};

test('DNS-name addresses are looked up once each; k6 is pinned to the answers, IP addresses are left alone', async () => {
  const config = configWith({
    'IC-Web1': 'web1.corp.example',
    'IC-Web2': 'web2.corp.example',
    'IC-Web3': 'web1.corp.example',
    'IC-Web4': 'v6.corp.example',
  });
  const lookup = stub({ 'web1.corp.example': '10.2.0.1', 'web2.corp.example': '10.2.0.2', 'v6.corp.example': 'fd00::4' });
  const source = environmentSource(config, 'production', 'harness.config.ts', { kinds: KINDS, only: ['k6'], lookup });
  const step = juneStep('regression');
  const { estate } = await source.open(step, '.tmp/unused');
  // Opened twice (a plan over several steps): still one question per name.
  await source.open(juneStep('web1-5'), '.tmp/unused');
  assert.deepEqual(lookup.asked.sort(), ['v6.corp.example', 'web1.corp.example', 'web2.corp.example']);
  assert.deepEqual(
    estate.webServers.slice(0, 5).map((s) => [s.address, s.ip]),
    [
      ['web1.corp.example', '10.2.0.1'],
      ['web2.corp.example', '10.2.0.2'],
      ['web1.corp.example', '10.2.0.1'],
      ['v6.corp.example', 'fd00::4'],
      [config.environments['production']!.addresses['IC-Web5'], undefined],
    ],
  );
  const specs = step.checks.filter((c) => c.kind === 'k6').map((c) => K6Params.parse({ script: c.script, hosts: c.hosts }));
  const sweep = k6RunsForPhase(specs, step.after, config, estate).filter((r) => r.script === 'backend-sweep');
  const pins = Object.fromEntries(sweep.map((r) => [r.plan.server, [...new Set(r.plan.targets.map((t) => t.address))]]));
  assert.deepEqual(pins['IC-Web1'], ['10.2.0.1:443']);
  assert.deepEqual(pins['IC-Web3'], ['10.2.0.1:443']);
  assert.deepEqual(pins['IC-Web4'], ['[fd00::4]:443']);
  assert.deepEqual(pins['IC-Web5'], [`${config.environments['production']!.addresses['IC-Web5']}:443`]);
});

const refusals: {
  name: string;
  only?: string[];
  step: string;
  names: Record<string, string>;
  codes?: Record<string, string>;
  want: RegExp[];
}[] = [
  {
    name: 'a web server k6 sweeps',
    only: ['k6'],
    step: 'regression',
    names: { 'IC-Web3': 'ic-web3.corp.example' },
    want: [
      /^environments\.production\.addresses\["IC-Web3"\]: the address of IC-Web3, ic-web3\.corp\.example, does not resolve on this machine \(ENOTFOUND\); set an IP address, or a name this machine resolves, in harness\.local\.ts \(needed by k6\)$/,
    ],
  },
  {
    name: 'the gateway, every name at once with its own code',
    only: ['k6'],
    step: 'regression',
    names: { [GATEWAY]: 'agw.corp.example', 'IC-Web7': 'web7.corp.example' },
    codes: { 'agw.corp.example': 'EAI_AGAIN' },
    want: [
      /^environments\.production\.addresses\["IC-Web7"\]: the address of IC-Web7, web7\.corp\.example, does not resolve on this machine \(ENOTFOUND\)/,
      new RegExp(
        `^environments\\.production\\.addresses\\["${GATEWAY}"\\]: the address of ${GATEWAY}, agw\\.corp\\.example, does not resolve on this machine \\(EAI_AGAIN\\)`,
      ),
    ],
  },
  {
    name: 'an address a direct probe needs (not only k6)',
    step: 'web1-5',
    names: { 'IC-Web2': 'web2.corp.example' },
    want: [/^environments\.production\.addresses\["IC-Web2"\]: .*web2\.corp\.example.*\(ENOTFOUND\).*\(needed by direct/],
  },
];
for (const c of refusals)
  test(`a name that does not resolve is a configuration error naming its path, the name and the code: ${c.name}`, async () => {
    const config = configWith(c.names);
    const lookup = stub({}, c.codes);
    const source = environmentSource(config, 'production', 'harness.config.ts', {
      kinds: KINDS,
      ...(c.only ? { only: c.only } : {}),
      lookup,
    });
    const err = await source.open(juneStep(c.step), '.tmp/unused').then(
      () => assert.fail('opened'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ConfigError, String(err));
    assert.equal(err.problems.length, c.want.length, err.problems.join('\n'));
    for (const w of c.want)
      assert.ok(
        err.problems.some((p) => w.test(p)),
        `${w}\n${err.problems.join('\n')}`,
      );
    // Lenient (npm run plan): the same problems, as gaps, nothing thrown.
    const lenient = environmentSource(config, 'production', 'harness.config.ts', {
      kinds: KINDS,
      ...(c.only ? { only: c.only } : {}),
      lookup,
      lenient: true,
    });
    const { estate } = await lenient.open(juneStep(c.step), '.tmp/unused');
    for (const w of c.want)
      assert.ok(
        estate.gaps?.some((g) => w.test(g)),
        `${w}\n${estate.gaps?.join('\n')}`,
      );
  });

test('only names the planned checks need are looked up: --only=dns asks the resolver nothing', async () => {
  const config = configWith(Object.fromEntries([...WEBS, GATEWAY, ILB].map((n) => [n, `${n.toLowerCase()}.corp.example`])));
  const lookup = stub({});
  const source = environmentSource(config, 'production', 'harness.config.ts', { kinds: KINDS, only: ['dns'], lookup });
  await source.open(juneStep('dns-migration'), '.tmp/unused');
  assert.deepEqual(lookup.asked, []);
});

test('a missing address and a name that does not resolve are named together (one 78, every problem)', async () => {
  const config = configWith({ 'IC-Web1': '', 'IC-Web2': 'web2.corp.example' });
  await assert.rejects(openEnvironment(config, 'production', 'harness.config.ts', { lookup: stub({}) }), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.match(err.problems.join('\n'), /addresses\["IC-Web1"\]: address of IC-Web1 is not set/);
    assert.match(err.problems.join('\n'), /addresses\["IC-Web2"\]: the address of IC-Web2, web2\.corp\.example, does not resolve/);
    return true;
  });
});

const paths: { name: string; config: () => HarnessConfig; server: string; want: string }[] = [
  {
    name: 'an environment address',
    config: () => configWith({ 'IC-Web3': 'web3.corp.example' }),
    server: 'IC-Web3',
    want: 'environments.production.addresses["IC-Web3"]',
  },
  {
    name: 'an inline web server address',
    config: () =>
      parseConfig({
        ...harness,
        estate: {
          ...harness.estate,
          webServers: harness.estate.webServers.map((s, i) => (i === 1 ? { ...s, address: 'web2.corp.example' } : s)),
        },
      }),
    server: 'IC-Web2',
    want: 'estate.webServers.1.address',
  },
];
for (const c of paths)
  test(`addressPath names where the address is configured: ${c.name}`, () => {
    assert.equal(addressPath(c.config(), 'production', c.server), c.want);
  });
