// TEST DOUBLE — NOT k6. Runs one iteration of a bundle whose `k6` and `k6/http` imports were swapped for the
// stand-ins below (by test/k6/lab.test.ts) and prints the check results as JSON. http.get goes through curl with
// k6's semantics for what the harness relies on: options.hosts → --connect-to (Host and TLS server name stay the
// FQDN), SSL_CERT_FILE → --cacert (verification on); a failed request is status 0, as in k6.
// Usage: SSL_CERT_FILE=… HARNESS_K6=… node k6-stand-in.mjs <bundle.mjs>
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

const rt = { hosts: {}, checks: {} };
globalThis.__ENV = { ...process.env };
globalThis.__rt = rt;
globalThis.__curlGet = (url, params) => {
  const u = new URL(url);
  const pin = rt.hosts[u.hostname];
  const args = [
    '-sS',
    '-v',
    '--max-time',
    String(parseInt(params?.timeout ?? '5', 10)),
    '--cacert',
    process.env.SSL_CERT_FILE ?? '/nonexistent',
    '-D',
    '-',
  ];
  if (pin) args.push('--connect-to', `${u.hostname}:443:${pin}`);
  const r = spawnSync('curl', [...args, url], { encoding: 'utf8' });
  if (r.status !== 0)
    return {
      status: 0,
      body: '',
      headers: {},
      tls_version: '',
      error: r.stderr
        .split('\n')
        .filter((l) => l.startsWith('curl:'))
        .join(' '),
    };
  const [head = '', ...rest] = r.stdout.split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]));
  const tls = /SSL connection using TLSv1\.(\d)/.exec(r.stderr)?.[1];
  return { status: Number(statusLine.split(' ')[1]), body: rest.join('\r\n\r\n'), headers, tls_version: tls ? `tls1.${tls}` : '' };
};
const m = await import(pathToFileURL(process.argv[2]).href);
rt.hosts = m.options.hosts ?? {};
m.default();
process.stdout.write(JSON.stringify(rt.checks));
