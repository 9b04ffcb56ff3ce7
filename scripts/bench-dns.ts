// npm run bench:dns — 1,000 queries (200 records × 5 lab servers) through the harness's transport, against the
// same queries made one by one with dig (when installed). Targets: all 1,000 under 2 s, ≥ 20× faster than dig.
// Flags: --concurrency=N (default 100), --dig-limit=N (time only N dig runs and extrapolate; default all), --help.
import { parseArgs, promisify } from 'node:util';
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../core/config/load.ts';
import { ActiveFaults } from '../lab/faults.ts';
import { startDnsLab } from '../lab/dns/index.ts';
import { dnsQuery, DEFAULT_QUERY_OPTIONS, type DnsServer } from '../dns/query.ts';

const { values } = parseArgs({
  options: { concurrency: { type: 'string', default: '100' }, 'dig-limit': { type: 'string' }, help: { type: 'boolean', default: false } },
});
if (values.help) {
  console.log(
    'usage: npm run bench:dns [-- --concurrency=100] [--dig-limit=N]\n  1,000 DNS queries (200 records × 5 lab servers): the harness in parallel vs dig one by one.',
  );
  process.exit(0);
}
const concurrency = Number(values.concurrency);
const RECORDS = 200;
const run = promisify(execFile);

// A 200-record zone in GoDaddy's export format, served by the lab's old and new providers.
const dir = resolve('.tmp', 'bench-dns');
mkdirSync(dir, { recursive: true });
const zoneFile = join(dir, 'bench.invoicecloud.test.zone');
const addr = (i: number) => `127.1.${Math.floor(i / 250)}.${(i % 250) + 1}`;
writeFileSync(
  zoneFile,
  [
    '$ORIGIN invoicecloud.test.',
    '@\t3600\t IN \tSOA\tns45.domaincontrol.test.\tdns.jomax.test. ( 1 28800 7200 604800 3600 )',
    ...Array.from({ length: RECORDS }, (_, i) => `host${i}\t300\t IN \tA\t${addr(i)}`),
  ].join('\n') + '\n',
);

const config = await loadConfig();
const lab = await startDnsLab({
  config,
  faults: new ActiveFaults(),
  domain: 'invoicecloud.test',
  gatewayAddress: '127.0.0.1',
  dir,
  zoneFile,
  provider: 'new',
});
const names = ['ns45.domaincontrol.test', 'ns46.domaincontrol.test', 'ada.ns.cloudflare.test', 'bob.ns.cloudflare.test', 'lab-resolver-1'];
const servers: DnsServer[] = names.map((n) => ({ name: n, protocol: 'udp', address: '127.0.0.1', port: lab.servers[n]?.port ?? 0 }));
const jobs = servers.flatMap((server) => Array.from({ length: RECORDS }, (_, i) => ({ server, i })));

try {
  let next = 0;
  let wrong = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < jobs.length) {
        const { server, i } = jobs[next++]!;
        const out = await dnsQuery(
          server,
          { name: `host${i}.invoicecloud.test`, type: 'A' },
          { ...DEFAULT_QUERY_OPTIONS, recursionDesired: server.name.startsWith('lab-resolver') },
          AbortSignal.timeout(5000),
        );
        if (!out.ok || out.message.answers[0]?.data !== addr(i)) wrong += 1;
      }
    }),
  );
  const harnessMs = performance.now() - started;
  console.log(
    `harness: ${jobs.length} queries to ${servers.length} lab servers in ${harnessMs.toFixed(0)} ms (${concurrency} in flight), ${wrong} wrong or missing answers`,
  );

  const hasDig = await run('dig', ['-v']).then(
    () => true,
    () => false,
  );
  let digMs: number | undefined;
  if (hasDig) {
    const limit = Math.min(jobs.length, Number(values['dig-limit'] ?? jobs.length));
    const t0 = performance.now();
    for (const { server, i } of jobs.slice(0, limit)) {
      if (server.protocol === 'doh') continue;
      await run('dig', [
        `@${server.address}`,
        '-p',
        String(server.port),
        '+short',
        '+time=2',
        '+tries=1',
        `host${i}.invoicecloud.test`,
        'A',
      ]);
    }
    digMs = ((performance.now() - t0) * jobs.length) / limit;
    console.log(
      `dig, one by one: ${limit} queries in ${(performance.now() - t0).toFixed(0)} ms${limit < jobs.length ? ` (→ ${digMs.toFixed(0)} ms for ${jobs.length})` : ''}`,
    );
  } else console.log('dig is not installed: the comparison is skipped');

  const underTwo = harnessMs < 2000 && wrong === 0;
  const speedup = digMs !== undefined ? digMs / harnessMs : undefined;
  console.log(`target all ${jobs.length} under 2 s: ${underTwo ? 'met' : 'MISSED'}`);
  if (speedup !== undefined) console.log(`target ≥ 20× faster than dig: ${speedup.toFixed(1)}× — ${speedup >= 20 ? 'met' : 'MISSED'}`);
  process.exitCode = underTwo && (speedup === undefined || speedup >= 20) ? 0 : 1;
} finally {
  await lab.stop();
}
