import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { analyze } from '../server/src/engine';
import { chartCatalog, chartIndex, chartPins, resolveChart, type SchemaNode } from '../server/src/catalog/z2jh';

/**
 * Every chart release has its own schema in the catalogue. The generator stores, per release, a
 * fingerprint of the upstream schema file's key paths (read from the file itself) and of the
 * whole tree it wrote; the decoded catalogue must give both back.
 */

const sha16 = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

/** "<path> <types>" per key path, as scripts/gen-z2jh.mjs (schemaLines) reads the upstream file. */
function lines(root: SchemaNode): string[] {
  const types = new Map<string, Set<string>>();
  const walk = (n: SchemaNode, p: string) => {
    if (p) {
      const set = types.get(p) ?? new Set<string>();
      types.set(p, set);
      for (const t of ([] as string[]).concat(n.t ?? [])) set.add(t);
    }
    const at = (k: string) => (p ? `${p}.${k}` : k);
    const x = n as SchemaNode & { all?: SchemaNode[]; else?: SchemaNode };
    for (const [k, c] of Object.entries(n.p ?? {})) walk(c, at(k));
    for (const c of Object.values(n.pp ?? {})) walk(c, at('*'));
    if (n.ap && typeof n.ap === 'object') walk(n.ap, at('*'));
    if (n.items && !Array.isArray(n.items)) walk(n.items, at('[]'));
    for (const b of [n.then, x.else]) if (b) walk(b, p);
    for (const b of [...(n.any ?? []), ...(x.all ?? [])]) walk(b, p);
  };
  walk(root, '');
  return [...types].map(([p, t]) => `${p} ${[...t].sort().join('|')}`).sort();
}

function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
}

const versions = chartIndex().versions.filter((v) => v.file);

for (const v of versions) {
  test(`chart ${v.chart}: the catalogue reproduces the upstream schema's key paths and the generated tree`, () => {
    assert.ok(v.fp, `index.json has a fingerprint for ${v.chart}`);
    const cat = chartCatalog(v.file!);
    assert.equal(cat.chart, v.chart);
    const l = lines(cat.root);
    assert.equal(l.length, v.fp.n, 'number of key paths');
    assert.equal(sha16(l.join('\n')), v.fp.paths, 'key paths and their types');
    assert.equal(sha16(canonical(cat.root)), v.fp.tree, 'the whole tree (types, defaults, docs links, ...)');
  });
}

test('every release from 1.0.0 to the newest, and main, has its own schema', () => {
  const idx = chartIndex();
  const charts = versions.map((v) => v.chart);
  const finals = Object.keys(idx.releases ?? {}).filter((r) => r !== 'main' && Number(r.split('.')[0]) >= 1);
  assert.deepEqual(charts.filter((c) => c !== 'main').sort(), [...finals].sort());
  for (const c of ['1.0.0', '1.1.1', '1.2.0', '2.0.0', '3.0.0', '3.2.1', '3.3.8', '4.0.0', '4.3.5', '4.4.0', 'main']) assert.ok(charts.includes(c), c);
  for (const c of charts) assert.equal(resolveChart(c).catalog, c, `${c} is judged by its own schema`);
});

/** Is `dotted` a key the release's schema names (through properties, following `then`)? */
function has(chart: string, dotted: string): boolean {
  let n: SchemaNode | undefined = chartCatalog(chart).root;
  for (const k of dotted.split('.')) n = n && [n, n.then].find((b) => b?.p && k in b.p)?.p?.[k];
  return !!n;
}

test('known facts per major: keys appear and disappear at the release that changed them', () => {
  const facts: [string, string, string][] = [
    // [key, last release without it (or with it, for removals), first release with (without) it]
    ['hub.extraPodSpec', '1.0.1', '1.1.0'],
    ['hub.services.apiToken', '1.1.0', '1.1.1'],
    ['hub.revisionHistoryLimit', '1.2.0', '2.0.0'],
    ['enabled', '2.0.0', '3.0.0'],
    ['singleuser.storage.dynamic.subPath', '3.3.8', '4.0.0'],
    ['prePuller.hook.serviceAccountImagePuller', '4.0.0', '4.1.0'],
    ['httpRoute', '4.2.0', '4.3.0'],
    ['httpRoute.gateway.sectionName', '4.3.2', '4.3.3'],
    ['proxy.traefik.command', '4.4.0', 'main'],
  ];
  for (const [key, before, since] of facts) {
    assert.equal(has(before, key), false, `${key} is not in ${before}`);
    assert.equal(has(since, key), true, `${key} is in ${since}`);
  }
  // removed in 2.0.0
  assert.equal(has('1.2.0', 'hub.uid'), true);
  assert.equal(has('2.0.0', 'hub.uid'), false);
  // docs links point at the release's own reference page
  assert.match(chartCatalog('3.2.1').root.p!.hub.doc!, /\/en\/3\.2\.1\/resources\/reference\.html#schema-hub$/);
});

test('resolveChart: the exact release when known, else the nearest release not later than it', () => {
  const r = (v: string) => { const x = resolveChart(v); return `${x.chart} ${x.catalog} ${x.jupyterhub}`; };
  assert.equal(r('1.1.1'), '1.1.1 1.1.1 1.4');
  assert.equal(r('3.2.1'), '3.2.1 3.2.1 4.0');
  assert.equal(r('v3.3.4'), '3.3.4 3.3.4 4.1');
  // a patch we don't have
  assert.equal(r('3.2.5'), '3.2.1 3.2.1 4.0');
  assert.equal(r('4.3.9'), '4.3.5 4.3.5 5.4');
  // pre-releases and chartpress dev builds come before their release
  assert.equal(r('4.0.0-beta.1'), '3.3.8 3.3.8 4.1');
  assert.equal(r('4.3.0-0.dev.git.7001.h1234abc'), '4.2.0 4.2.0 5.3');
  assert.equal(r('4.4.0+build.1'), '4.4.0 4.4.0 5.5');
  // majors and minors: the newest of them
  assert.equal(r('3'), '3.3.8 3.3.8 4.1');
  assert.equal(r('3.2'), '3.2.1 3.2.1 4.0');
  assert.equal(r('9.0.0'), `${chartIndex().default} ${chartIndex().default} ${resolveChart().jupyterhub}`);
  // before 1.0.0 there was no schema: the oldest one, its own JupyterHub
  assert.equal(r('0.11.1'), '0.11.1 1.0.0 1.3');
  assert.equal(resolveChart('main').catalog, 'main');
  assert.equal(resolveChart('dev').chart, 'main');
  assert.throws(() => resolveChart('banana'), /unknown chart version/);
});

test('a values file is judged by the schema of its release, never a later one', async () => {
  const cases: [string, string, boolean][] = [
    // [values, chart version, refused]
    ['hub:\n  extraPodSpec: {}\n', '1.0.1', true],
    ['hub:\n  extraPodSpec: {}\n', '1.0.9', true],
    ['hub:\n  extraPodSpec: {}\n', '1.1.0-beta.1', true],
    ['hub:\n  extraPodSpec: {}\n', '1.1.0', false],
    ['hub:\n  config: {}\nhttpRoute:\n  enabled: true\n', '4.2.0', true],
    ['hub:\n  config: {}\nhttpRoute:\n  enabled: true\n', '4.2.7', true],
    ['hub:\n  config: {}\nhttpRoute:\n  enabled: true\n', '4.3.0', false],
    ['hub:\n  uid: 1000\n', '1.2.0', false],
  ];
  for (const [text, chart, refused] of cases) {
    const res = await analyze(text, '/deploy/values.yaml', { chartVersion: chart });
    const unknown = res.diagnostics.filter((d) => d.rule === 'z2jh/unknown-key' && d.severity === 'error');
    assert.equal(unknown.length > 0, refused, `${chart}: ${text.trim()} → ${unknown.map((d) => d.message).join('; ')}`);
  }
  const r = await analyze('hub:\n  extraPodSpec: {}\n', '/deploy/values.yaml', { chartVersion: '1.0.9' });
  assert.equal(r.chartVersion, '1.0.1');
  assert.equal(r.jupyterhubVersion.split('.').slice(0, 2).join('.'), '1.4');
});

test('chartPins: the versions the hub image of each release installs', () => {
  const pick = (v: string) => {
    const p = chartPins(v)!;
    return [p.jupyterhub, p.oauthenticator, p.kubespawner, p.ldapauthenticator].join(' ');
  };
  assert.equal(pick('1.0.0'), '1.4.1 14.0.0 1.0.0 1.3.2');
  assert.equal(pick('1.1.1'), '1.4.2 14.1.0 1.1.0 1.3.2');
  assert.equal(pick('2.0.0'), '3.0.0 15.1.0 4.2.0 1.3.2');
  assert.equal(pick('3.2.1'), '4.0.2 16.2.1 6.2.0 1.3.2');
  assert.equal(pick('3.3.8'), '4.1.6 16.3.1 6.2.0 1.3.2');
  assert.equal(pick('4.0.0'), '5.2.1 17.1.0 7.0.0 2.0.2');
  assert.equal(pick('4.4.0'), '5.5.0 17.4.0 7.0.0 2.0.2');
  assert.equal(chartPins('main')!.kubespawner, '7.1.0');
  // resolved like resolveChart: an unknown patch gets its predecessor's pins
  assert.deepEqual(chartPins('3.2.5'), chartPins('3.2.1'));
  const p = chartPins('3.3.8')!;
  assert.equal(p.nativeauthenticator, '1.2.0');
  assert.equal(p.firstuseauthenticator, '1.0.0');
  assert.equal(p.tmpauthenticator, '1.0.0');
  assert.equal(p.ltiauthenticator, '1.6.2');
  assert.equal(p.traitlets, '5.14.3');
  assert.equal(chartPins('banana'), undefined);
  // the hub image installs the JupyterHub the chart announces, in every release
  for (const [chart, r] of Object.entries(chartIndex().releases ?? {})) assert.equal(r.pins?.jupyterhub, r.appVersion, chart);
});
