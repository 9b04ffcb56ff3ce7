import { replayGate } from '../../core/replay.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { renderJUnit, writeJUnit } from '../../reports/junit.ts';
import { readRunFolder } from '../../reports/run-folder.ts';
import { xmlAttr, xmlText } from '../../reports/xml.ts';
import { makeRunFolder, NASTY, syntheticChecks, tmpRoot, KIND_IDS } from './fixture.ts';

const TMP_ROOT = tmpRoot('junit');

interface Case {
  classname: string;
  name: string;
  time: string;
  failure?: Fault;
  error?: Fault;
  skipped?: { message: string };
  'system-out'?: string;
}
interface Fault {
  message: string;
  type: string;
  '#text': string;
}
interface Suite {
  name: string;
  tests: string;
  failures: string;
  errors: string;
  skipped: string;
  testcase: Case[];
  properties: { property: { name: string; value: string }[] };
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  trimValues: false,
  htmlEntities: true,
  parseAttributeValue: false,
  parseTagValue: false,
  isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
});

function parse(xml: string): { testsuites: Record<string, string> & { testsuite: Suite[] } } {
  assert.equal(XMLValidator.validate(xml), true, 'junit.xml is well-formed XML');
  return parser.parse(xml) as { testsuites: Record<string, string> & { testsuite: Suite[] } };
}

/** What a nasty string must read back as: XML cannot carry C0 controls or lone surrogates. */
const readBack = (s: string) => s.replace(/[\u0001\u0008]/g, '\uFFFD').replace(/\uD800(?![\uDC00-\uDFFF])/g, '\uFFFD');

test('escaping: markup becomes entities, characters XML cannot carry become U+FFFD', () => {
  const cases: [string, string, string][] = [
    ['a<b>&c', 'a&lt;b&gt;&amp;c', 'a&lt;b&gt;&amp;c'],
    [`"it's"`, `"it's"`, '&quot;it&apos;s&quot;'],
    ['line1\nline2\tx', 'line1\nline2\tx', 'line1&#10;line2&#9;x'],
    ['bell\u0007 nul\u0000', 'bell\uFFFD nul\uFFFD', 'bell\uFFFD nul\uFFFD'],
    ['lone \uD800 pair 😀', 'lone \uFFFD pair 😀', 'lone \uFFFD pair 😀'],
  ];
  for (const [input, text, attr] of cases) {
    assert.equal(xmlText(input), text, JSON.stringify(input));
    assert.equal(xmlAttr(input), attr, JSON.stringify(input));
  }
});

test('junit.xml: blocking failed → failure, blocking broken → error, non-blocking → skipped with its reason; the verdict a case of its own', async () => {
  const { dir, checks } = await makeRunFolder(TMP_ROOT, { extraPlanned: ['k6:connection-sanity:www'] });
  const path = await writeJUnit(await readRunFolder(dir));
  const doc = parse(await readFile(path, 'utf8'));

  // fixture: failed checks are critical, broken ones major, skipped ones critical; one critical planned check has no result
  assert.equal(doc.testsuites.tests, String(checks.length + 1 + 1), 'every check, the missing one, the verdict');
  assert.equal(doc.testsuites.failures, '8', '7 blocking failures + the no-go verdict');
  assert.equal(doc.testsuites.errors, '1', 'only the blocking planned check without result');
  assert.equal(doc.testsuites.skipped, '14', '7 skipped + 7 non-blocking broken');
  assert.deepEqual(doc.testsuites.testsuite.map((s) => s.name).sort(), ['verdict', ...KIND_IDS].sort());

  for (const suite of doc.testsuites.testsuite) {
    assert.ok(
      suite.testcase.every((c) => c.classname === suite.name),
      `classname = kind in ${suite.name}`,
    );
    const props = Object.fromEntries(suite.properties.property.map((p) => [p.name, p.value]));
    assert.equal(props.verdict, 'no-go');
    assert.equal(props.phase, 'post-window');
    assert.equal(props.window, '2025-06-22');
    const cases = suite.testcase;
    assert.equal(suite.failures, String(cases.filter((c) => c.failure).length), `${suite.name} failures attribute`);
    assert.equal(suite.errors, String(cases.filter((c) => c.error).length), `${suite.name} errors attribute`);
    assert.equal(suite.skipped, String(cases.filter((c) => c.skipped).length), `${suite.name} skipped attribute`);
  }
  const verdict = doc.testsuites.testsuite.find((s) => s.name === 'verdict')!.testcase;
  assert.equal(verdict.length, 1);
  assert.equal(verdict[0]!.name, 'verdict: post-window · window 2025-06-22 · lab');
  assert.equal(verdict[0]!.failure?.type, 'no-go');
  assert.equal(verdict[0]!.failure!.message, `NO-GO: ${(await readRunFolder(dir)).action}`);
  assert.match(verdict[0]!.failure!['#text'], /reasons:\n {2}- /);

  const cases = doc.testsuites.testsuite.flatMap((s) => s.testcase);
  const byName = (name: string) => cases.find((c) => c.name === name);

  const failed = checks.find((c) => c.kind === 'dns' && c.status === 'failed')!;
  const f = byName(`${failed.id}: ${failed.title}`)!;
  assert.equal(f.failure?.message, failed.message);
  assert.equal(f.failure?.type, 'failed');
  assert.match(f.failure!['#text'], /"code": "HTTP_STATUS"/, 'details in the body');
  assert.equal(f.time, '1.235', 'milliseconds as seconds');

  const broken = checks.find((c) => c.kind === 'k6' && c.status === 'broken')!;
  const b = byName(`${broken.id}: ${broken.title}`)!;
  assert.equal(b.error, undefined, 'a non-blocking broken check is no error');
  assert.equal(b.skipped?.message, `not blocking (severity major), could not be checked: ${broken.message}`);
  assert.match(b['system-out'] ?? '', /"code": "HTTP_STATUS"/, 'its evidence stays in the file');
  const skipped = checks.find((c) => c.kind === 'e2e' && c.status === 'skipped')!;
  assert.ok(byName(`${skipped.id}: ${skipped.title}`)?.skipped, 'skipped element');
  const passed = checks.find((c) => c.kind === 'service' && c.status === 'passed')!;
  const p = byName(`${passed.id}: ${passed.title}`)!;
  assert.equal(p.failure ?? p.error ?? p.skipped, undefined, 'a passed check has no failure, error or skipped');

  const missing = cases.find((c) => c.name.startsWith('k6:connection-sanity:www'))!;
  assert.equal(missing.error?.type, 'missing', 'the gate synthesised the missing check as broken in summary.json');
  assert.match(missing.error!.message, /no result was recorded/);
});

test('junit.xml of a GO run with non-blocking broken and failed checks: zero failures, zero errors', async () => {
  const checks = syntheticChecks()
    .filter((c) => c.status !== 'failed' || c.kind === 'dns')
    // a critical skipped check would be "not checked", so inconclusive (core/gate.ts rule 5): these are minor
    .map((c) => (c.status !== 'passed' ? { ...c, severity: c.status === 'skipped' ? ('minor' as const) : ('major' as const) } : c));
  const { dir, summary } = await makeRunFolder(TMP_ROOT, { checks });
  assert.equal(summary.verdict, 'go');
  const doc = parse(renderJUnit(await readRunFolder(dir)));
  assert.equal(doc.testsuites.failures, '0');
  assert.equal(doc.testsuites.errors, '0');
  assert.equal(doc.testsuites.skipped, String(7 + 7 + 1), 'skipped, broken and the failed dns check, each with its reason');
  const verdict = doc.testsuites.testsuite.find((s) => s.name === 'verdict')!;
  assert.equal(verdict.testcase[0]!.failure ?? verdict.testcase[0]!.error, undefined);
  assert.match(verdict.testcase[0]!['system-out'] ?? '', /^verdict: go\naction: keep the site open/);
  assert.equal(Object.fromEntries(verdict.properties.property.map((p) => [p.name, p.value])).verdict, 'go');
});

test('junit.xml of an inconclusive run: the blocking broken check and the verdict are errors', async () => {
  const checks = syntheticChecks()
    .filter((c) => c.status !== 'failed')
    .map((c) => (c.kind === 'k6' && c.status === 'broken' ? { ...c, severity: 'critical' as const } : c));
  const { dir, summary } = await makeRunFolder(TMP_ROOT, { checks });
  assert.equal(summary.verdict, 'inconclusive');
  const doc = parse(renderJUnit(await readRunFolder(dir)));
  assert.equal(doc.testsuites.failures, '0');
  assert.equal(doc.testsuites.errors, '2', 'the critical k6 check + the verdict');
  const verdict = doc.testsuites.testsuite.find((s) => s.name === 'verdict')!.testcase[0]!;
  assert.equal(verdict.error?.type, 'inconclusive');
});

test('junit.xml: nasty ids, titles and messages survive escaping', async () => {
  const { dir, checks } = await makeRunFolder(TMP_ROOT);
  const doc = parse(renderJUnit(await readRunFolder(dir)));
  const nasty = checks.find((c) => c.message?.includes(NASTY))!;
  const sanity = doc.testsuites.testsuite.find((s) => s.name === 'sanity')!;
  const tc = sanity.testcase.find((c) => c.failure)!;
  assert.equal(tc.name, readBack(`${nasty.id}: ${nasty.title}`));
  assert.equal(tc.failure?.message, readBack(nasty.message!));
  assert.ok(tc.failure!['#text'].startsWith(readBack(nasty.message!)));
});

test('junit.xml of a run without summary: the verdict npm run gate replays, partial, missing checks as errors', async () => {
  const { dir } = await makeRunFolder(TMP_ROOT, { summary: false, extraPlanned: ['k6:smoke-load:my'], trailing: '{"id":"sanity:IC-We' });
  const run = await readRunFolder(dir);
  assert.equal(run.hasSummary, false);
  // The fixture's results hold a failed critical check: a killed run that already proved no-go stays no-go.
  assert.equal(run.verdict, replayGate(dir).summary.verdict);
  assert.equal(run.verdict, 'no-go');
  assert.match(run.reasons[0]!, /no summary\.json.*partial run, 28 of 29 planned checks have results/);
  assert.match(run.warnings.join('\n'), /results\.jsonl:29 ignored: truncated last line/);
  const doc = parse(renderJUnit(run));
  const props = Object.fromEntries(doc.testsuites.testsuite[0]!.properties.property.map((p) => [p.name, p.value]));
  assert.equal(props.verdict, 'no-go');
  assert.equal(props.partial, 'true');
  const missing = doc.testsuites.testsuite.flatMap((s) => s.testcase).find((c) => c.name.startsWith('k6:smoke-load:my'))!;
  assert.equal(missing.error?.type, 'missing');
});
