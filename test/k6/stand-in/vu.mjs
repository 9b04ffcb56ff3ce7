// TEST DOUBLE — NOT k6. One VU of the k6 stand-in (a worker thread, its own copy of the script, as a k6 VU has its
// own runtime): k6's `k6`, `k6/http` and `k6/metrics` as real k6 v1.3.0 behaves in test/k6/fixtures — Request
// Failed warnings with Go-like errors, status/error_code tags, nothing recorded of a request cut off by the stop.
import { spawnSync } from 'node:child_process';
import { isIP } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { durationMs } from './metrics.mjs';

const CUT = Symbol('cut off when the graceful stop ran out');
const { file, vu, durEnd, hardStopAt, executor, shared, scenario, iterationsCap } = workerData ?? {};
const flags = shared ? new Int32Array(shared) : new Int32Array(2); // [stop requested, iterations started]
export const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
export const q = (s) => `"${String(s).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t')}"`;
export const log = (level, msg, extra = '') => process.stderr.write(`time="${now()}" level=${level} msg=${q(msg)}${extra}\n`);
const emit = (name, type, value, tags, contains) => parentPort?.postMessage({ t: 's', name, type, value, tags, contains });
const opts = { tags: {}, hosts: {} };

function sleepMs(ms) {
  const until = Math.min(Date.now() + ms, hardStopAt ?? Infinity);
  if (until > Date.now()) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, until - Date.now());
  if (Date.now() >= (hardStopAt ?? Infinity)) throw CUT;
}

function goError(curl, stderr, u, dial) {
  const hp = `${dial.host}:${dial.port}`;
  if (curl === 7) return [1212, `dial tcp ${hp}: connect: connection refused`];
  if (curl === 28) return [1050, 'request timeout'];
  if (curl === 6) return [1101, `lookup ${u.hostname}: no such host`];
  if (curl === 56 || curl === 55)
    return [1220, `read tcp 127.0.0.1:${40000 + Math.floor(Math.random() * 20000)}->${hp}: read: connection reset by peer`];
  if (curl === 52) return [1000, 'EOF'];
  // Go skips an unreadable SSL_CERT_FILE and verifies against the system roots only: the lab's certificate is unknown.
  if (curl === 77) return [1310, 'tls: failed to verify certificate: x509: certificate signed by unknown authority'];
  if ([35, 51, 58, 60].includes(curl)) {
    if (/expired/i.test(stderr))
      return [
        1000,
        `tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time ${now()} is after the certificate's NotAfter`,
      ];
    if (/subject name|alternative/i.test(stderr))
      return [1311, `tls: failed to verify certificate: x509: certificate is not valid for ${u.hostname}`];
    if (/issuer|self.signed|unknown ca/i.test(stderr))
      return [1310, 'tls: failed to verify certificate: x509: certificate signed by unknown authority'];
    return [1300, 'remote error: tls: handshake failure'];
  }
  return [1000, `curl exited ${curl}`];
}

function get(url, params = {}) {
  const u = new URL(url);
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  const pin = opts.hosts?.[u.hostname];
  // k6 parses a hosts value with net.ParseIP: a name gives nil and k6 dials ":port", i.e. 0.0.0.0 (fixtures/hosts-dns-name).
  let dial = { host: u.hostname, port };
  if (pin) {
    const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(pin) ?? [null, pin, port];
    dial = { host: isIP(m[1]) ? m[1] : '0.0.0.0', port: m[2] };
  }
  const timeoutMs = params.timeout === undefined ? 60_000 : durationMs(String(params.timeout));
  const maxMs = Math.max(1, Math.min(timeoutMs, (hardStopAt ?? Infinity) - Date.now()));
  const ca = process.env.SSL_CERT_FILE ? ['--cacert', process.env.SSL_CERT_FILE, '--capath', '/etc/ssl/certs'] : [];
  const connectTo = pin
    ? ['--connect-to', `${u.hostname}:${port}:${dial.host.includes(':') ? `[${dial.host}]` : dial.host}:${dial.port}`]
    : [];
  const started = Date.now();
  const r = spawnSync('curl', ['-sS', '-v', '--max-time', (maxMs / 1000).toFixed(3), ...ca, ...connectTo, '-D', '-', url], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const took = Date.now() - started;
  if (/Connected to/.test(r.stderr)) emit('data_sent', 'counter', 120 + url.length, {}, 'data');
  if (r.status === 28 && maxMs < timeoutMs) throw CUT; // cut off by the stop: k6 records nothing of the request
  const tags = { ...opts.tags, ...params.tags, method: 'GET', url, name: params.tags?.name ?? url, scenario, proto: 'HTTP/1.1' };
  let res;
  if (r.status !== 0) {
    const [code, text] = goError(r.status, r.stderr, u, dial);
    log('warning', 'Request Failed', ` error=${q(`Get ${q(url)}: ${text}`)}`);
    res = { status: 0, body: null, headers: {}, tls_version: '', error: text, error_code: code };
    Object.assign(tags, { status: '0', error_code: String(code), expected_response: 'false' });
  } else {
    const [head = '', ...rest] = r.stdout.split('\r\n\r\n');
    const [statusLine = '', ...lines] = head.split('\r\n');
    const status = Number(statusLine.split(' ')[1]);
    const headers = Object.fromEntries(
      lines.map((l) => [
        l.slice(0, l.indexOf(':')).replace(/(^|-)([a-z])/g, (_, a, b) => a + b.toUpperCase()),
        l.slice(l.indexOf(':') + 1).trim(),
      ]),
    );
    const tls = /SSL connection using TLSv1\.(\d)/.exec(r.stderr)?.[1];
    const ok = params.responseCallback ? params.responseCallback.expects(status) : status >= 200 && status < 400;
    // An HTTP error gets no log line in k6, only its status and error_code (1000 + status).
    res = {
      status,
      body: rest.join('\r\n\r\n'),
      headers,
      tls_version: tls ? `tls1.${tls}` : '',
      error: '',
      error_code: status >= 400 ? 1000 + status : 0,
    };
    Object.assign(tags, {
      status: String(status),
      expected_response: String(ok),
      ...(status >= 400 ? { error_code: String(1000 + status) } : {}),
      ...(tls ? { tls_version: `tls1.${tls}` } : {}),
    });
    emit('data_received', 'counter', r.stdout.length, {}, 'data');
  }
  emit('http_reqs', 'counter', 1, tags);
  emit('http_req_duration', 'trend', res.status === 0 && res.error_code !== 1050 ? 0 : took, tags, 'time');
  emit('http_req_failed', 'rate', tags.expected_response === 'false' ? 1 : 0, tags);
  return res;
}

function check(val, sets, tags = {}) {
  let all = true;
  for (const [name, f] of Object.entries(sets)) {
    const ok = Boolean(typeof f === 'function' ? f(val) : f);
    all &&= ok;
    emit('checks', 'rate', ok ? 1 : 0, { ...opts.tags, ...tags, check: name, scenario });
    parentPort?.postMessage({ t: 'c', name, ok });
  }
  return all;
}

class Metric {
  constructor(name, type, isTime) {
    Object.assign(this, { name, type, contains: type === 'trend' ? (isTime ? 'time' : 'default') : 'default' });
    parentPort?.postMessage({ t: 'declare', name, type, contains: this.contains });
  }
  add(v, tags = {}) {
    emit(this.name, this.type, typeof v === 'boolean' ? Number(v) : v, { ...opts.tags, ...tags }, this.contains);
  }
}

export function installK6(options) {
  Object.assign(opts, { tags: options?.tags ?? {}, hosts: options?.hosts ?? {} });
}
globalThis.__k6 = {
  check,
  sleep: (s) => sleepMs(s * 1000),
  group: (_n, f) => f(),
  http: {
    get,
    TLS_1_2: 'tls1.2',
    TLS_1_3: 'tls1.3',
    // k6: expected_response follows these statuses (numbers, or { min, max } ranges) instead of 200–399.
    expectedStatuses: (...want) => ({ expects: (st) => want.some((w) => (typeof w === 'number' ? st === w : st >= w.min && st <= w.max)) }),
  },
  metrics: {
    Counter: class extends Metric {
      constructor(n) {
        super(n, 'counter');
      }
    },
    Rate: class extends Metric {
      constructor(n) {
        super(n, 'rate');
      }
    },
    Trend: class extends Metric {
      constructor(n, t) {
        super(n, 'trend', t);
      }
    },
    Gauge: class extends Metric {
      constructor(n) {
        super(n, 'gauge');
      }
    },
  },
};
globalThis.__ENV = { ...process.env };

if (parentPort && file) {
  const mod = await import(pathToFileURL(file).href);
  installK6(mod.options);
  const iterate = mod.default ?? (() => undefined);
  for (;;) {
    if (Atomics.load(flags, 0) || Date.now() >= durEnd) break;
    if (iterationsCap !== undefined && Atomics.add(flags, 1, 1) >= iterationsCap) break;
    const began = Date.now();
    try {
      iterate();
    } catch (e) {
      if (e === CUT) break; // in flight when the graceful stop ran out: no iteration sample
      log(
        'error',
        `${e?.name ?? 'Error'}: ${e?.message ?? e}\n\tat default (file://${file})\n`,
        ` executor=${executor} scenario=${scenario} source=stacktrace`,
      );
    }
    emit('iterations', 'counter', 1, {});
    emit('iteration_duration', 'trend', Date.now() - began, {}, 'time');
    parentPort.postMessage({ t: 'iter', vu });
  }
  parentPort.postMessage({ t: 'done', vu });
}
