// Issue 14, URLs: loopback is a parsed address (127.0.0.0/8, ::1), never a prefix or a name; lab webhooks stay on the
// machine, redirects are never followed, --report-url is http(s) only, a run folder is never a source of actions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseConfig } from '../../core/config/load.ts';
import { isLoopback } from '../../dns/cidr.ts';
import { DEFAULT_QUERY_OPTIONS, dnsQuery } from '../../dns/query.ts';
import base from '../../harness.config.ts';
import { slackLink } from '../../reports/slack-message.ts';
import { ROOT, runCli, tempDir } from '../cli/helpers.ts';
import { makeRunFolder } from '../reports/fixture.ts';

test('loopback is a parsed address, never a string prefix or a name', () => {
  const cases: [string, boolean][] = [
    ['127.0.0.1', true],
    ['127.255.255.254', true],
    ['127.1.2.3', true],
    ['::1', true],
    ['[::1]', true],
    ['127.0.0.1.attacker.example', false],
    ['127.evil.example', false],
    ['localhost', false],
    ['128.0.0.1', false],
    ['0.0.0.0', false],
    ['10.0.0.1', false],
    ['::2', false],
    ['', false],
  ];
  for (const [address, loopback] of cases) assert.equal(isLoopback(address), loopback, address);
});

test('a plain-http DoH URL must name a loopback address, as the URL parser reads it', async () => {
  const withResolver = (url: string) => ({
    ...structuredClone(base),
    dns: { ...base.dns, resolvers: [{ name: 'doh', protocol: 'doh', url }] },
  });
  const cases: [string, boolean][] = [
    ['http://127.0.0.1:8053/dns-query', true],
    ['http://127.9.9.9/dns-query', true],
    ['http://[::1]:8053/dns-query', true],
    ['http://2130706433/dns-query', true], // the URL parser reads it as 127.0.0.1: a loopback address, parsed
    ['https://dns.example/dns-query', true],
    ['http://127.0.0.1.attacker.example/dns-query', false],
    ['http://localhost:8053/dns-query', false],
    ['http://10.0.0.53/dns-query', false],
    ['ftp://127.0.0.1/dns-query', false],
  ];
  for (const [url, ok] of cases) {
    const accepted = (() => {
      try {
        parseConfig(withResolver(url));
        return true;
      } catch {
        return false;
      }
    })();
    assert.equal(accepted, ok, url);
  }
  // Replayed through the CLI: the name that only looks like 127.0.0.1 is a configuration error, before any lookup.
  const file = join(tempDir('hardening-doh'), 'doh.config.ts');
  await writeFile(
    file,
    `import base from ${JSON.stringify(join(ROOT, 'harness.config.ts'))};\nexport default { ...base, dns: { ...base.dns, resolvers: [{ name: 'evil', protocol: 'doh', url: 'http://127.0.0.1.attacker.example/dns-query' }] } };\n`,
  );
  const r = await runCli('smoke.ts', ['--phase=dns-migration', '--window=2025-06-22', `--config=${file}`]);
  assert.equal(r.code, 78, r.stderr);
  assert.match(r.stderr, /dns\.resolvers\.0\.url: DoH URLs must be https:\/\/ \(plain http:\/\/ is allowed only on a loopback address/);
});

test('Slack markup gets only http(s) links, escaped', () => {
  const cases: [string, string | undefined][] = [
    ['https://reports.example/run/index.html', 'https://reports.example/run/index.html'],
    ['https://reports.example/a|b?x=1&y=<2>', 'https://reports.example/a%7Cb?x=1&amp;y=%3C2%3E'],
    ['javascript:alert(1)', undefined],
    ['data:text/html,<b>x</b>', undefined],
    ['not a url', undefined],
  ];
  for (const [url, link] of cases) assert.equal(slackLink(url), link, url);
});

interface Hook {
  url: (path: string) => string;
  hits: string[];
  close: () => Promise<void>;
}

/** A local webhook: `reply` gives the status and headers per path; every request is recorded. */
async function hook(host: string, reply: (path: string) => { status: number; headers?: Record<string, string> }): Promise<Hook> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      hits.push(req.url ?? '/');
      const r = reply(req.url ?? '/');
      res.writeHead(r.status, { 'content-type': 'text/plain', ...r.headers });
      res.end(r.status === 200 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path) => `http://${host}:${port}${path}`,
    hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const NO_HOOKS = {
  SLACK_WEBHOOK_PLATFORM_SUPPORT: '',
  SLACK_WEBHOOK_ENGINEERING_MAINTENANCE: '',
  SLACK_WEBHOOK_ENG_MONTHLYMAINTENANCE: '',
  SLACK_WEBHOOK_DAILYOPSISSUES: '',
};

test('npm run report --slack on a lab run: loopback webhooks only, redirects refused, --report-url http(s) only', async () => {
  const elsewhere = await hook('127.0.0.2', () => ({ status: 200 }));
  const slack = await hook('127.0.0.1', (path) =>
    path.startsWith('/hooks/moved') ? { status: 302, headers: { location: elsewhere.url('/stolen') } } : { status: 200 },
  );
  try {
    const cases: { url: string; extra?: string[]; code: number; out: RegExp; attempts?: number }[] = [
      { url: slack.url('/hooks/ok'), code: 0, out: /slack #eng-monthlymaintenance: posted/, attempts: 1 },
      {
        url: 'http://127.0.0.1.attacker.example/hooks/x',
        code: 3,
        out: /not posted: SLACK_WEBHOOK_ENG_MONTHLYMAINTENANCE must be an https:\/\/ URL \(plain http is accepted only for a loopback address/,
        attempts: 0,
      },
      {
        url: 'https://hooks.slack.com/services/T0/B0/XXXX',
        code: 3,
        out: /not posted: SLACK_WEBHOOK_ENG_MONTHLYMAINTENANCE points off this machine; a lab run posts only to a loopback address/,
        attempts: 0,
      },
      { url: slack.url('/hooks/moved'), code: 3, out: /Slack answered HTTP 302 \(no\); redirects are not followed/, attempts: 1 },
      {
        url: slack.url('/hooks/ok'),
        extra: ['--report-url=javascript:alert(1)'],
        code: 64,
        out: /--report-url=javascript:alert\(1\): must be an http:\/\/ or https:\/\/ URL/,
      },
      { url: slack.url('/hooks/ok'), extra: ['--report-url=not a url'], code: 64, out: /--report-url=not a url: not a URL/ },
    ];
    for (const c of cases) {
      const { dir } = await makeRunFolder(tempDir('hardening-slack'));
      const r = await runCli('report.ts', [`--run=${dir}`, '--slack', '--no-html', ...(c.extra ?? [])], {
        ...NO_HOOKS,
        SLACK_WEBHOOK_ENG_MONTHLYMAINTENANCE: c.url,
      });
      const label = `${c.url} ${c.extra?.join(' ') ?? ''}`;
      assert.equal(r.code, c.code, `${label}\n${r.stdout}${r.stderr}`);
      assert.match(r.stdout + r.stderr, c.out, label);
      assert.doesNotMatch(r.stderr, /\n\s+at /, `${label}: no stack trace`);
      if (c.attempts !== undefined) {
        const report = JSON.parse(await readFile(join(dir, 'slack.json'), 'utf8')) as { channels: { channel: string; attempts: number }[] };
        const ch = report.channels.find((x) => x.channel === '#eng-monthlymaintenance');
        assert.equal(ch?.attempts, c.attempts, `${label}: attempts`);
      }
    }
    assert.deepEqual(elsewhere.hits, [], 'the redirect target was never asked');
  } finally {
    await slack.close();
    await elsewhere.close();
  }
});

test('a run folder is never a source of actions: the gate replays, it does not act', async () => {
  const { dir } = await makeRunFolder(tempDir('hardening-gate'));
  const r = await runCli('gate.ts', [`--run=${dir}`, '--apply']);
  assert.equal(r.code, 64, r.stderr);
  assert.match(r.stderr, /Unknown option '--apply'/);
});

test('a DoH server that redirects is answered as a failure; the redirect is never followed', async () => {
  const elsewhere = await hook('127.0.0.2', () => ({ status: 200 }));
  const doh = await hook('127.0.0.1', () => ({ status: 307, headers: { location: elsewhere.url('/dns-query') } }));
  try {
    const out = await dnsQuery(
      { name: 'lab-doh', protocol: 'doh', url: doh.url('/dns-query') },
      { name: 'www.invoicecloud.test', type: 'A' },
      DEFAULT_QUERY_OPTIONS,
      AbortSignal.timeout(5_000),
    );
    assert.equal(out.ok, false);
    assert.equal(!out.ok && out.code, 'DOH_HTTP_STATUS', JSON.stringify(out));
    assert.deepEqual(elsewhere.hits, [], 'the redirect target was never asked');
  } finally {
    await doh.close();
    await elsewhere.close();
  }
});
