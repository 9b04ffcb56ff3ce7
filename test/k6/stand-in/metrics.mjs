// TEST DOUBLE — NOT k6. The stand-in's samples and the summary real k6 v1.3.0 writes from them: sub-metrics of
// thresholds exist with zero values when empty, an empty Rate's thresholds are ok: true whatever they say, an
// empty Trend or Counter is compared as 0 (test/k6/fixtures/no-samples/notes.md).

/** name → { type, contains, samples: [{ value, tags }] } */
export const metrics = new Map();

export function emit(name, type, value, tags, contains) {
  let m = metrics.get(name);
  if (!m)
    metrics.set(
      name,
      (m = { type, contains: contains ?? (name.startsWith('data_') ? 'data' : type === 'trend' ? 'time' : 'default'), samples: [] }),
    );
  m.samples.push({ value, tags });
}

/** Metrics a script created (new Rate(...)) without adding to them: their type, for thresholds on them. */
const declared = new Map();
export function declare(name, type, contains) {
  declared.set(name, { type, contains });
}

/** k6 durations: 500ms, 5s, 1m30s, 1h. */
export function durationMs(d) {
  let ms = 0;
  for (const [, n, u] of String(d).matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g))
    ms += Number(n) * { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[u];
  return ms;
}

function percentile(sorted, p) {
  if (!sorted.length) return 0;
  const i = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(i);
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (i - lo);
}

function valuesOf(type, samples, stats, seconds) {
  const v = samples.map((s) => s.value);
  if (type === 'counter') {
    const count = v.reduce((a, b) => a + b, 0);
    return { count, rate: seconds > 0 ? count / seconds : 0 };
  }
  if (type === 'rate') {
    const passes = v.filter((x) => x !== 0).length;
    return { rate: v.length ? passes / v.length : 0, passes, fails: v.length - passes };
  }
  if (type === 'gauge') return { value: v.at(-1) ?? 0, min: v.length ? Math.min(...v) : 0, max: v.length ? Math.max(...v) : 0 };
  const sorted = [...v].sort((a, b) => a - b);
  const out = {};
  for (const s of stats) {
    const p = /^p\((\d+(?:\.\d+)?)\)$/.exec(s)?.[1];
    if (p) out[s] = percentile(sorted, Number(p));
    else if (s === 'avg') out[s] = v.length ? v.reduce((a, b) => a + b, 0) / v.length : 0;
    else if (s === 'min') out[s] = sorted[0] ?? 0;
    else if (s === 'max') out[s] = sorted.at(-1) ?? 0;
    else if (s === 'med') out[s] = percentile(sorted, 50);
    else if (s === 'count') out[s] = v.length;
  }
  return out;
}

const OPS = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '==': (a, b) => a === b,
  '===': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};

function evaluate(expr, type, samples, values) {
  const m = /^\s*([a-z]+|p\(\d+(?:\.\d+)?\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/.exec(expr);
  if (!m) return false;
  // Real k6: a Rate with no samples passes every threshold (no-samples: rate 0 with rate>=1 is ok: true).
  if (type === 'rate' && samples.length === 0) return true;
  const observed = values[m[1]] ?? 0;
  return OPS[m[2]](observed, Number(m[3]));
}

/** `metric{a:b,c:d}` → the parent and the tags to match. */
function selector(key) {
  const m = /^([^{]+)(?:\{(.*)\})?$/.exec(key);
  const tags = Object.fromEntries(
    (m[2] ?? '')
      .split(',')
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf(':')).trim(), kv.slice(kv.indexOf(':') + 1).trim()]),
  );
  return { parent: m[1], tags };
}

export function summaryData({ options, checks, testRunDurationMs }) {
  const stats = options.summaryTrendStats ?? ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'];
  const seconds = testRunDurationMs / 1000;
  const out = {};
  for (const [name, m] of metrics) out[name] = { type: m.type, contains: m.contains, values: valuesOf(m.type, m.samples, stats, seconds) };
  // k6 always keeps this sub-metric, and writes it when it has samples (fixtures/refused has none).
  const ok = metrics.get('http_req_duration')?.samples.filter((s) => s.tags?.expected_response === 'true') ?? [];
  if (ok.length)
    out['http_req_duration{expected_response:true}'] = { type: 'trend', contains: 'time', values: valuesOf('trend', ok, stats, seconds) };
  const TYPES = {
    http_reqs: 'counter',
    http_req_failed: 'rate',
    checks: 'rate',
    iterations: 'counter',
    data_sent: 'counter',
    data_received: 'counter',
  };
  for (const [key, exprs] of Object.entries(options.thresholds ?? {})) {
    const { parent, tags } = selector(key);
    const base = metrics.get(parent) ?? (declared.has(parent) ? { ...declared.get(parent), samples: [] } : undefined);
    const type = base?.type ?? TYPES[parent] ?? 'trend';
    const contains = base?.contains ?? (type === 'trend' ? 'time' : 'default');
    const samples = (base?.samples ?? []).filter((s) => Object.entries(tags).every(([k, v]) => String(s.tags?.[k]) === v));
    const values = valuesOf(type, samples, stats, seconds);
    out[key] = {
      type,
      contains,
      values,
      thresholds: Object.fromEntries(exprs.map((e) => [e, { ok: evaluate(e, type, samples, values) }])),
    };
  }
  return {
    root_group: { name: '', path: '', id: 'd41d8cd98f00b204e9800998ecf8427e', groups: [], checks },
    options: { summaryTrendStats: stats, summaryTimeUnit: '', noColor: true },
    state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs },
    metrics: out,
  };
}

export function crossedThresholds(data) {
  return Object.entries(data.metrics)
    .filter(([, m]) => Object.values(m.thresholds ?? {}).some((t) => !t.ok))
    .map(([k]) => k)
    .sort();
}
