import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseAllDocuments, parseDocument, stringify } from 'yaml';
import {
  chartForValuesRoot,
  ChartSpec,
  HelmFlavour,
  goFloat,
  mergeDeployment,
  nodeAt,
  provenanceAt,
  toPlain,
  uniqueWarnings,
  ValuesInput,
} from '../server/src/deploy/helmMerge';

const file = (name: string, text: string): ValuesInput => ({ file: name, docs: parseAllDocuments(text) as ReturnType<typeof parseDocument>[] });
const merged = (r: ReturnType<typeof mergeDeployment>) => toPlain(r.values) as Record<string, unknown>;
const has = (o: unknown, ...path: string[]) => {
  let x = o as Record<string, unknown> | undefined;
  for (const k of path.slice(0, -1)) x = x?.[k] as Record<string, unknown> | undefined;
  return x !== undefined && x !== null && typeof x === 'object' && Object.prototype.hasOwnProperty.call(x, path[path.length - 1]);
};

// ---------------------------------------------------------------------------------------------------------------
// Cases transcribed from Helm's own tests (pkg/cli/values/options_test.go, pkg/chartutil/coalesce_test.go at
// v3.21.4; pkg/chart/common/util/coalesce_test.go at v4.2.4): the inputs and outcomes, with our own key names.

test('helm -f: a later map replaces an earlier scalar, a later scalar replaces an earlier map, maps merge', () => {
  const flat = 'k: v\nm: scalar\n';
  const nested = 'k: v\nm:\n  x: one\n';
  const nested2 = 'k: v\nm:\n  x: two\n  w: three\n';
  const other = 'z: extra\n';
  const run = (...texts: string[]) => toPlain(mergeDeployment(texts.map((t, i) => file(`f${i}.yaml`, t)), { name: 'c' }).userValues);
  assert.deepEqual(run(flat, nested), { k: 'v', m: { x: 'one' } });
  assert.deepEqual(run(nested, flat), { k: 'v', m: 'scalar' });
  assert.deepEqual(run(nested, nested2), { k: 'v', m: { x: 'two', w: 'three' } });
  assert.deepEqual(run(other, nested2), { z: 'extra', k: 'v', m: { x: 'two', w: 'three' } });
});

/** The three-level chart of Helm's CoalesceValues test: root > mid > leaf, plus a second child of root. */
function threeLevel(): ChartSpec {
  return {
    name: 'root',
    values: {
      back: 'exists', bottom: 'exists', front: 'exists', left: 'exists', name: 'root', nested: { boat: true },
      override: 'bad', right: 'exists', scope: 'root', top: 'nope', global: { nested2: { l0: 'root' } },
      mid: { boat: 'maybe', leaf: { boat: 'maybe', nested: { boat: 'maybe' } } },
    },
    dependencies: [
      {
        name: 'mid',
        values: { name: 'mid', scope: 'mid', global: { nested2: { l1: 'mid' } }, boat: false, leaf: { boat: false, nested: { boat: false } } },
        dependencies: [
          {
            name: 'leaf',
            values: {
              global: { nested: { foo: 'bar', foo2: 'bar2' }, nested2: { l2: 'leaf' } },
              scope: 'leaf', name: 'leaf', boat: true, nested: { foo: false, boat: true }, object: { foo: 'bar' },
            },
          },
        ],
      },
      { name: 'side', values: { scope: 'side', global: { nested2: { l1: 'side' } } } },
    ],
  };
}
const THREE_LEVEL_USER = `
top: yup
bottom: null
right: Null
left: NULL
front: ~
back: ""
nested:
  boat: null
global:
  name: G
  subject: S
  nested:
    boat: true
mid:
  boat: null
  global:
    name: ignored
    harpooner: H
    nested:
      boat: false
      sail: true
      foo2: null
  leaf:
    scope: whale
    boat: null
    nested:
      foo: true
      boat: null
    object: null
`;

test('CoalesceValues over a three-level chart: user nulls delete defaults, globals flow down, parents win', () => {
  const r = mergeDeployment([file('u.yaml', THREE_LEVEL_USER)], threeLevel(), { processDependencies: false });
  assert.equal(r.error, undefined);
  const v = merged(r);
  const at = (p: string) => p.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], v);
  const expect: [string, unknown][] = [
    ['top', 'yup'], ['back', ''], ['name', 'root'], ['global.name', 'G'], ['global.subject', 'S'], ['global.harpooner', undefined],
    ['mid.name', 'mid'], ['mid.leaf.name', 'leaf'], ['mid.leaf.scope', 'whale'], ['mid.leaf.nested.foo', true],
    ['mid.leaf.global.name', 'G'], ['mid.leaf.global.nested.foo', 'bar'], ['mid.leaf.global.nested.foo2', undefined],
    ['mid.leaf.global.subject', 'S'], ['mid.leaf.global.harpooner', 'H'], ['mid.global.name', 'G'],
    ['mid.global.nested.foo', undefined], ['mid.global.subject', 'S'], ['side.global.name', 'G'], ['side.global.harpooner', undefined],
    ['global.nested.boat', true], ['mid.global.nested.boat', true], ['side.global.nested.boat', true],
    ['mid.global.nested.sail', true], ['side.global.nested.sail', undefined],
    ['global.nested2.l0', 'root'], ['global.nested2.l1', undefined], ['global.nested2.l2', undefined],
    ['mid.global.nested2.l0', 'root'], ['mid.global.nested2.l1', 'mid'], ['mid.global.nested2.l2', undefined],
    ['mid.leaf.global.nested2.l0', 'root'], ['mid.leaf.global.nested2.l1', 'mid'], ['mid.leaf.global.nested2.l2', 'leaf'],
    ['side.global.nested2.l0', 'root'], ['side.global.nested2.l1', 'side'], ['side.global.nested2.l2', undefined],
  ];
  for (const [p, want] of expect) assert.deepEqual(at(p), want, p);
  for (const k of ['bottom', 'right', 'left', 'front']) assert.ok(!has(v, k), k);
  assert.ok(!has(v, 'nested', 'boat'));
  assert.ok(!has(v, 'mid', 'boat'));
  assert.ok(!has(v, 'mid', 'leaf', 'boat'));
  assert.ok(!has(v, 'mid', 'leaf', 'nested', 'boat'));
  assert.ok(!has(v, 'mid', 'leaf', 'object'));
});

test('coalescing a nested table: user wins, nulls over defaults delete, type clashes keep the user value', () => {
  // CoalesceTables(dst, src) is reached through a key both sides hold as a map
  const user = 't:\n  name: I\n  address: {street: "123", city: Ntown, country: null}\n  details: {friends: [T]}\n  boat: pequod\n  hole: null\n';
  const chart: ChartSpec = { name: 'c', values: { t: { occupation: 'whaler', address: { state: 'MA', street: '234', country: 'US' }, details: 'empty', boat: { mast: true }, hole: 'black' } } };
  const r = mergeDeployment([file('u.yaml', user)], chart);
  assert.deepEqual(merged(r), { t: { name: 'I', occupation: 'whaler', address: { street: '123', city: 'Ntown', state: 'MA' }, details: { friends: ['T'] }, boat: 'pequod' } });
  assert.deepEqual(r.warnings.map((w) => w.message).sort(), [
    'warning: cannot overwrite table with non table for c.t.boat (map[mast:true])',
    'warning: destination for c.t.details is a table. Ignoring non-table value (empty)',
  ]);
});

test('merging a subchart table keeps nulls (MergeTables), the subchart without defaults keeps them too', () => {
  const user = 'sub:\n  name: I\n  address: {street: "123", city: Ntown, country: null}\n  hole: null\n';
  const chart: ChartSpec = { name: 'c', values: { sub: { occupation: 'whaler', address: { state: 'MA', country: 'US' }, hole: 'black' } }, dependencies: [{ name: 'sub', values: {} }] };
  const v = merged(mergeDeployment([file('u.yaml', user)], chart, { processDependencies: false }));
  assert.deepEqual(v.sub, { name: 'I', occupation: 'whaler', address: { street: '123', city: 'Ntown', state: 'MA', country: null }, hole: null, global: {} });
});

test("Helm's warning texts for the three type clashes, with the chart path as prefix", () => {
  const chart: ChartSpec = {
    name: 'level1', values: { name: 'moby' },
    dependencies: [{ name: 'level2', values: { name: 'pequod' }, dependencies: [{ name: 'level3', values: { name: 'ahab', boat: true, spear: { tip: true, sail: { cotton: true } } } }] }],
  };
  const user = 'level2:\n  level3:\n    boat: {mast: true}\n    spear:\n      tip: {sharp: true}\n      sail: true\n';
  const r = mergeDeployment([file('u.yaml', user)], chart, { processDependencies: false });
  const msgs = r.warnings.map((w) => w.message);
  assert.ok(msgs.includes('warning: skipped value for level1.level2.level3.boat: Not a table.'), msgs.join('\n'));
  assert.ok(msgs.includes('warning: destination for level1.level2.level3.spear.tip is a table. Ignoring non-table value (true)'));
  assert.ok(msgs.includes('warning: cannot overwrite table with non table for level1.level2.level3.spear.sail (map[cotton:true])'));
  assert.deepEqual(r.warnings.find((w) => w.code === 'not-a-table')?.user?.range?.slice(0, 2), [user.indexOf('{mast'), user.indexOf('\n    spear')]);
});

test('a user null under an empty default map is kept (Helm >= 3.21)', () => {
  const r = mergeDeployment([file('u.yaml', 'data:\n  foo: bar\n  baz: ~\n')], { name: 't', values: { data: {} } });
  assert.deepEqual(merged(r), { data: { foo: 'bar', baz: null } });
});

test('Helm 4.2 drops chart-default nulls; Helm 3 copies them', () => {
  const parent = (child: Record<string, unknown>): ChartSpec => ({ name: 'parent', values: {}, dependencies: [{ name: 'child', values: child }] });
  const bare = { processDependencies: false };
  const v4 = (u: string, c: Record<string, unknown>) => merged(mergeDeployment([file('u.yaml', u)], parent(c), { ...bare, helm: 'v4' }));
  const v3 = (u: string, c: Record<string, unknown>) => merged(mergeDeployment([file('u.yaml', u)], parent(c), { ...bare, helm: 'v3' }));
  assert.deepEqual(v4('{}', { keyMapping: { password: null } }).child, { keyMapping: {}, global: {} });
  assert.deepEqual(v3('{}', { keyMapping: { password: null } }).child, { keyMapping: { password: null }, global: {} });
  assert.deepEqual(v4('child: {someKey: null}', { someKey: 'default' }).child, { global: {} });
  assert.deepEqual(v4('global: {ingress: {feature: true}}', { ingress: { feature: null } }).child, { ingress: {}, global: { ingress: { feature: true } } });
  assert.deepEqual(v4('child: {keyMapping: {format: sha256}}', { keyMapping: { password: null, format: 'bcrypt' } }).child, { keyMapping: { format: 'sha256' }, global: {} });
});

// ---------------------------------------------------------------------------------------------------------------
// Our own cases: the z2jh shapes, provenance, errors

const Z2JH = { hub: { config: { JupyterHub: { admin_access: false } }, baseUrl: '/', extraEnv: {}, db: { type: 'sqlite-pvc' } }, singleuser: { memory: { limit: null, guarantee: '1G' }, cmd: 'jupyterhub-singleuser' }, global: { safeToShowValues: false } };

test('z2jh direct: files in order, a list replaced whole, a null deletes a default, provenance per value', () => {
  const a = 'hub:\n  baseUrl: /a/\n  extraEnv:\n    A: "1"\nsingleuser:\n  cmd: null\n  extraFiles: [x, y]\n';
  const b = 'hub:\n  extraEnv:\n    B: "2"\nsingleuser:\n  extraFiles: [z]\n';
  const r = mergeDeployment([file('/d/a.yaml', a), file('/d/b.yaml', b)], { name: 'jupyterhub', values: Z2JH });
  const v = merged(r);
  assert.deepEqual((v.hub as Record<string, unknown>).extraEnv, { A: '1', B: '2' });
  assert.deepEqual((v.singleuser as Record<string, unknown>).extraFiles, ['z']);
  assert.ok(!has(v, 'singleuser', 'cmd'));
  const base = provenanceAt(r.values, ['hub', 'baseUrl'])[0];
  assert.equal(base.kind, 'file');
  assert.equal(base.kind === 'file' && base.file, '/d/a.yaml');
  assert.deepEqual(base.kind === 'file' && base.range?.slice(0, 2), [a.indexOf('/a/'), a.indexOf('/a/') + 3]);
  assert.deepEqual(base.kind === 'file' && base.keyRange?.slice(0, 2), [a.indexOf('baseUrl'), a.indexOf('baseUrl') + 7]);
  const files = provenanceAt(r.values, ['singleuser', 'extraFiles']);
  assert.equal(files[0].kind === 'file' && files[0].file, '/d/b.yaml');
  const db = provenanceAt(r.values, ['hub', 'db', 'type'])[0];
  assert.equal(db.kind, 'default');
  assert.deepEqual(db.kind === 'default' && [db.chart, db.path], [['jupyterhub'], ['hub', 'db', 'type']]);
  // a merged map names every contributor
  const env = provenanceAt(r.values, ['hub', 'extraEnv']).map((o) => (o.kind === 'file' ? o.file : 'default'));
  assert.deepEqual([...new Set(env)].sort(), ['/d/a.yaml', '/d/b.yaml', 'default']);
});

test('wrapper chart: values under the subchart key reach z2jh, the wrapper default null deletes a z2jh default', () => {
  const chart: ChartSpec = {
    name: 'basehub',
    values: { jupyterhub: { hub: { baseUrl: '/base/', db: null } }, other: 1 },
    dependencies: [{ name: 'jupyterhub', values: Z2JH }],
  };
  const u = 'jupyterhub:\n  hub:\n    config:\n      JupyterHub:\n        admin_access: true\n';
  const r = mergeDeployment([file('/c/common.yaml', u)], chart);
  const hub = (merged(r).jupyterhub as Record<string, Record<string, unknown>>).hub;
  assert.equal(hub.baseUrl, '/base/');
  assert.ok(!('db' in hub));
  assert.deepEqual(hub.config, { JupyterHub: { admin_access: true } });
  const who = provenanceAt(r.values, ['jupyterhub', 'hub', 'baseUrl'])[0];
  assert.deepEqual(who.kind === 'default' && who.chart, ['basehub']);
  const who2 = provenanceAt(r.values, ['jupyterhub', 'singleuser', 'cmd'])[0];
  assert.deepEqual(who2.kind === 'default' && who2.chart, ['basehub', 'jupyterhub']);
  // the z2jh global default reaches the subchart, the parent's global gets created
  assert.deepEqual((merged(r).jupyterhub as Record<string, unknown>).global, { safeToShowValues: false });
});

test('deletions and warning paths: who removed a default, where a clash is, also under a two-level wrapper', () => {
  const chart = chartForValuesRoot(['basehub', 'jupyterhub'], Z2JH, { rootName: 'daskhub' });
  const u = 'basehub:\n  jupyterhub:\n    singleuser:\n      cmd: ~\n      memory: 4G\n    hub:\n      baseUrl: {a.b: 1}\n';
  const r = mergeDeployment([file('/h/u.yaml', u)], chart);
  assert.deepEqual(r.deletions.map((d) => [d.path, d.by.kind === 'file' && d.by.range?.[0], d.default?.kind === 'default' && d.default.chart]), [
    [['basehub', 'jupyterhub', 'singleuser', 'cmd'], u.indexOf('~'), ['daskhub', 'basehub', 'jupyterhub']],
  ]);
  // z2jh's own top-level null defaults dropped under a wrapper are not deletions anyone asked for
  const z = { ...Z2JH, nameOverride: null };
  const own = mergeDeployment([file('/h/u.yaml', 'jupyterhub: {}\n')], chartForValuesRoot(['jupyterhub'], z, { rootName: 'basehub', wrapperValues: [{ jupyterhub: { hub: { db: null } } }] }));
  assert.deepEqual(own.deletions.map((d) => [d.path, d.by.kind === 'default' && d.by.chart, d.default?.kind === 'default' && d.default.chart]), [
    [['jupyterhub', 'hub', 'db'], ['basehub'], ['basehub', 'jupyterhub']],
  ]);
  assert.ok(!has(merged(own).jupyterhub, 'nameOverride'));
  // Helm meets each clash once per chart level (daskhub, basehub, jupyterhub) and prints it each time
  assert.equal(r.warnings.length, 6);
  const w = uniqueWarnings(r.warnings).map((x) => [x.code, x.path, x.phase, x.message]).sort();
  assert.deepEqual(w, [
    ['non-table-under-table', ['basehub', 'jupyterhub', 'hub', 'baseUrl'], 'values', 'warning: destination for daskhub.basehub.jupyterhub.hub.baseUrl is a table. Ignoring non-table value (/)'],
    ['table-over-non-table', ['basehub', 'jupyterhub', 'singleuser', 'memory'], 'values', 'warning: cannot overwrite table with non table for daskhub.basehub.jupyterhub.singleuser.memory (map[guarantee:1G limit:<nil>])'],
  ]);
  // the user's values win in both clashes
  const jh = (merged(r).basehub as Record<string, Record<string, Record<string, unknown>>>).jupyterhub;
  assert.equal(jh.singleuser.memory, '4G');
  assert.deepEqual(jh.hub.baseUrl, { 'a.b': 1 });
});

test('wrapper chart: a scalar at the subchart key is an error, as Helm refuses it', () => {
  const chart: ChartSpec = { name: 'basehub', values: {}, dependencies: [{ name: 'jupyterhub', values: Z2JH }] };
  const r = mergeDeployment([file('u.yaml', 'jupyterhub: oops\n')], chart, { processDependencies: false });
  assert.equal(r.error?.message, 'type mismatch on jupyterhub: %!t(string=oops)');
});

test('a file that is a list is refused; an empty file is nothing; Helm 3 reads only the first document', () => {
  const c: ChartSpec = { name: 'jupyterhub', values: Z2JH };
  assert.match(mergeDeployment([file('l.yaml', '- a\n')], c).error?.message ?? '', /l\.yaml.*cannot unmarshal array/);
  assert.equal(mergeDeployment([file('e.yaml', ''), file('n.yaml', '# nothing\n')], c).error, undefined);
  const two = 'hub: {baseUrl: /one/}\n---\nhub: {baseUrl: /two/}\n';
  const r3 = mergeDeployment([file('t.yaml', two)], c, { helm: 'v3' });
  assert.equal((merged(r3).hub as Record<string, unknown>).baseUrl, '/one/');
  assert.ok(r3.warnings.some((w) => w.code === 'extra-documents'));
  assert.equal((merged(mergeDeployment([file('t.yaml', two)], c, { helm: 'v4' })).hub as Record<string, unknown>).baseUrl, '/two/');
});

test("scalars and keys are read as Helm's YAML 1.1 reader reads them; merge keys and aliases are followed", () => {
  const u = 'x:\n  on: yes\n  h: 0x10\n  o: 010\n  p: 0o17\n  f: 1_000.5\n  s: 1.2.3\n  t: 2001-12-14\nbase: &b {p: 1, q: 2}\nuse:\n  <<: *b\n  q: 3\nref: *b\n';
  const r = mergeDeployment([file('u.yaml', u)], { name: 'c', values: {} });
  const v = merged(r);
  assert.deepEqual(v.x, { true: true, h: 16, o: 8, p: 15, f: 1000.5, s: '1.2.3', t: '2001-12-14' });
  assert.deepEqual(v.use, { p: 1, q: 3 });
  assert.deepEqual(v.ref, { p: 1, q: 2 });
  const p = provenanceAt(r.values, ['use', 'p'])[0];
  assert.deepEqual(p.kind === 'file' && p.range?.slice(0, 2), [u.indexOf('1, q'), u.indexOf('1, q') + 1]);
  const ref = nodeAt(r.values, ['ref']);
  assert.ok(ref?.kind === 'map' && ref.origins.some((o) => o.kind === 'file' && o.aliasRange?.[0] === u.indexOf('*b\n', u.indexOf('ref'))));
});

test('bad files are refused with a message, not a hang or a crash: alias bombs, deep nesting, syntax errors', () => {
  let bomb = 'a0: &a0 {k: [x, x]}\n';
  for (let i = 1; i < 40; i++) bomb += `a${i}: &a${i} {p: *a${i - 1}, q: *a${i - 1}}\n`;
  const c: ChartSpec = { name: 'c', values: {} };
  const t0 = Date.now();
  assert.match(mergeDeployment([file('b.yaml', bomb)], c).error?.message ?? '', /b\.yaml: excessive aliasing/);
  assert.ok(Date.now() - t0 < 10_000);
  const deep = 'x:\n' + Array.from({ length: 300 }, (_, i) => `${'  '.repeat(i + 1)}k:`).join('\n') + ' 1\n';
  assert.match(mergeDeployment([file('d.yaml', deep)], c).error?.message ?? '', /d\.yaml: nested more than 200 levels deep/);
  assert.match(mergeDeployment([file('s.yaml', 'a: [1\n')], c).error?.message ?? '', /^failed to parse s\.yaml: /);
  assert.match(mergeDeployment([file('n.yaml', 'a:\n  ~: 1\n')], c).error?.message ?? '', /n\.yaml: unsupported map key under "a"/);
  // a duplicate key is not an error for Helm's (non-strict) reader: the later one wins
  const dup = mergeDeployment([file('k.yaml', 'a: 1\na: 2\n')], c);
  assert.deepEqual([dup.error, merged(dup), dup.warnings.map((w) => w.code)], [undefined, { a: 2 }, ['duplicate-key']]);
});

test("Go's %v of float64 in warning texts", () => {
  assert.deepEqual([8081, 1e6, 123456, 1234567, 0.5, 1e-5, -2, 1.5e300].map(goFloat), ['8081', '1e+06', '123456', '1.234567e+06', '0.5', '1e-05', '-2', '1.5e+300']);
});

test('globals: nested maps are shared between parent and subchart, so a subchart null shows up in the parent', () => {
  // coalesceGlobals copies a global map one level deep only; the merge below it writes into the parent's map.
  // Traced in Helm's source (v4.2.4): the render step cleans the parent's default null, the subchart's copy
  // (from the dependency step, nulls kept) puts it back through the shared map.
  const chart: ChartSpec = { name: 'top', values: { global: { g: { g: { h: 1, n: null } } } }, dependencies: [{ name: 'sub', values: {} }] };
  const run = (helm: HelmFlavour, processDependencies: boolean) => merged(mergeDeployment([file('u.yaml', 'sub: {}\n')], chart, { helm, processDependencies }));
  assert.deepEqual(run('v4', false).global, { g: { g: { h: 1 } } });
  assert.deepEqual(run('v4', true).global, { g: { g: { h: 1, n: null } } });
  assert.deepEqual(run('v3', true).global, { g: { g: { h: 1, n: null } } });
});

// ---------------------------------------------------------------------------------------------------------------
// Differential: an independent, simple reference model (plain objects, no sharing, written from Helm's documented
// rules and the cases above) against the port, on seeded random pairs and triples of files. The reference does
// not model Go's shared maps, so the generated globals are kept one map deep (see the test above for that quirk).

type Plain = null | string | number | boolean | Plain[] | { [k: string]: Plain };
const isObj = (x: unknown): x is Record<string, Plain> => x !== null && typeof x === 'object' && !Array.isArray(x);

interface RefChart {
  name: string;
  values: Record<string, Plain>;
  deps: RefChart[];
}
interface RefOut {
  v: Record<string, Plain>;
  warnings: string[];
  error?: string;
}

function refFiles(files: Record<string, Plain>[]): Record<string, Plain> {
  const merge = (a: Record<string, Plain>, b: Record<string, Plain>): Record<string, Plain> => {
    const out: Record<string, Plain> = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = isObj(v) && isObj(out[k]) ? merge(out[k] as Record<string, Plain>, v) : v;
    return out;
  };
  return files.reduce(merge, {});
}

function withoutNulls(o: Record<string, Plain>): Record<string, Plain> {
  const out: Record<string, Plain> = {};
  for (const [k, v] of Object.entries(o)) if (v !== null) out[k] = isObj(v) ? withoutNulls(v) : v;
  return out;
}

function refCoalesce(ch: RefChart, user: Record<string, Plain>, merge: boolean, prefix: string, helm: HelmFlavour, w: string[]): Record<string, Plain> {
  const me = prefix ? `${prefix}.${ch.name}` : ch.name;
  const tables = (u: Record<string, Plain>, d: Record<string, Plain>, m: boolean, key: string): Record<string, Plain> => {
    const out: Record<string, Plain> = { ...u };
    for (const k of new Set([...Object.keys(d), ...Object.keys(u).filter((k) => u[k] === null)])) {
      const full = `${key}.${k}`;
      if (!(k in u)) out[k] = d[k];
      else if (u[k] === null) {
        if (!m && d[k] !== undefined && d[k] !== null) delete out[k];
      } else if (isObj(d[k])) {
        if (isObj(u[k])) out[k] = tables(u[k] as Record<string, Plain>, d[k] as Record<string, Plain>, m, full);
        else w.push(`table-over-non-table ${full}`);
      } else if (isObj(u[k]) && d[k] !== null) w.push(`non-table-under-table ${full}`);
    }
    return out;
  };
  const out: Record<string, Plain> = { ...user };
  for (const [k, d] of Object.entries(ch.values)) {
    if (!(k in user)) {
      if (helm === 'v4' && !merge) {
        if (d !== null) out[k] = isObj(d) ? withoutNulls(d) : d;
      } else out[k] = d;
    } else if (user[k] === null) {
      if (!merge) delete out[k];
    } else if (isObj(user[k])) {
      if (!isObj(d)) {
        if (d !== null) w.push(`not-a-table ${me}.${k}`);
      } else {
        const m = merge || ch.deps.some((s) => s.name === k);
        out[k] = tables(user[k] as Record<string, Plain>, helm === 'v4' && !m ? withoutNulls(d) : d, m, `${me}.${k}`);
      }
    }
  }
  for (const sub of ch.deps) {
    const cur = out[sub.name];
    if (cur !== undefined && !isObj(cur)) throw new Error(`type mismatch on ${sub.name}`);
    const sv: Record<string, Plain> = { ...((cur as Record<string, Plain>) ?? {}) };
    const pg = out.global === undefined ? {} : out.global;
    const dg0 = sv.global === undefined ? {} : sv.global;
    if (isObj(pg) && isObj(dg0)) {
      const dg: Record<string, Plain> = { ...dg0 };
      for (const [k, pv] of Object.entries(pg)) {
        if (isObj(pv)) {
          if (!(k in dg)) dg[k] = pv;
          else if (isObj(dg[k])) dg[k] = tables(pv, dg[k] as Record<string, Plain>, true, `${me}.${k}`);
          else w.push(`globals-conflict ${me}.${k}`);
        } else if (isObj(dg[k])) w.push(`globals-table-skip ${me}.${k}`);
        else dg[k] = pv;
      }
      sv.global = dg;
    } else w.push(`globals-not-table ${isObj(dg0) ? 'global' : `${me}.global`}`);
    out[sub.name] = refCoalesce(sub, sv, merge, me, helm, w);
  }
  return out;
}

function refDeploy(files: Record<string, Plain>[], chart: RefChart, helm: HelmFlavour): RefOut {
  const w: string[] = [];
  const effective = (c: RefChart): RefChart => {
    const deps = c.deps.map(effective);
    const base = { ...c, deps };
    return deps.length ? { ...base, values: refCoalesce(base, {}, true, '', helm, w) } : base;
  };
  try {
    const ch = effective(chart);
    return { v: refCoalesce(ch, refFiles(files), false, '', helm, w), warnings: w };
  } catch (e) {
    return { v: {}, warnings: w, error: (e as Error).message };
  }
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function genTree(r: () => number, depth: number, keys: string[], top: Record<string, () => Plain> = {}): Record<string, Plain> {
  const out: Record<string, Plain> = {};
  const n = Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const k = keys[Math.floor(r() * keys.length)];
    out[k] = top[k] && r() < 0.7 ? top[k]() : genValue(r, depth, keys);
  }
  return out;
}
function genValue(r: () => number, depth: number, keys: string[]): Plain {
  const x = r();
  if (x < 0.15) return null;
  if (x < 0.3) return Math.floor(r() * 3);
  if (x < 0.4) return ['s1', 's2', 'text'][Math.floor(r() * 3)];
  if (x < 0.47) return r() < 0.5;
  if (x < 0.57) return [Math.floor(r() * 3), { a: 's1' }].slice(0, 1 + Math.floor(r() * 2)) as Plain[];
  if (depth <= 0) return 's1';
  return genTree(r, depth - 1, keys);
}

/** A random chart: z2jh alone, one wrapper, or two wrappers; defaults random too. */
function genChart(r: () => number): { spec: ChartSpec; ref: RefChart; roots: string[][] } {
  const keys = ['a', 'b', 'c'];
  const names = ['jupyterhub', 'basehub', 'daskhub'].slice(0, 1 + Math.floor(r() * 3));
  let ref: RefChart | undefined;
  for (const name of names) {
    const top: Record<string, () => Plain> = { global: () => genTree(r, 1, ['g', 'h']) };
    if (ref) {
      const sub = ref.name;
      top[sub] = () => genTree(r, 2, keys);
    }
    const values = genTree(r, 2, [...keys, 'global', ...(ref ? [ref.name] : [])], top);
    ref = { name, values, deps: ref ? [ref] : [] };
  }
  const toSpec = (c: RefChart): ChartSpec => ({ name: c.name, values: JSON.parse(JSON.stringify(c.values)), dependencies: c.deps.map(toSpec) });
  const roots: string[][] = [];
  for (let i = 0; i < names.length; i++) roots.push(names.slice(0, names.length - 1 - i).reverse());
  return { spec: toSpec(ref!), ref: ref!, roots };
}

function genFile(r: () => number, roots: string[][]): Record<string, Plain> {
  const keys = ['a', 'b', 'c', 'global'];
  const out: Record<string, Plain> = {};
  for (let i = 0; i < 1 + Math.floor(r() * 2); i++) {
    const root = roots[Math.floor(r() * roots.length)];
    let t = genTree(r, 2, keys, { global: () => genTree(r, 1, ['g', 'h']) });
    if (r() < 0.05) t = { x: 'oops' }; // a subchart key that is not a map, below
    let node: Plain = t;
    for (const k of [...root].reverse()) node = r() < 0.04 ? 's1' : { [k]: node };
    Object.assign(out, node);
  }
  return out;
}

test('differential: the port equals the reference model on 3000 seeded pairs and triples of files', () => {
  const r = rng(20261208);
  let compared = 0;
  let warned = 0;
  let errors = 0;
  for (let i = 0; i < 3000; i++) {
    const helm: HelmFlavour = i % 3 === 2 ? 'v4' : 'v3';
    const { spec, ref, roots } = genChart(r);
    const files = Array.from({ length: 2 + (i % 2) }, () => genFile(r, roots));
    const inputs = files.map((f, j) => ({ file: `f${j}.yaml`, docs: parseDocument(stringify(f)) }));
    const got = mergeDeployment(inputs, spec, { helm });
    const want = refDeploy(JSON.parse(JSON.stringify(files)), ref, helm);
    const ctx = () => `case ${i} (${helm})\nchart: ${JSON.stringify(ref)}\nfiles: ${JSON.stringify(files)}`;
    if (want.error || got.error) {
      errors++;
      assert.equal(got.error?.message.replace(/^(type mismatch on [a-z]+): .*$/, '$1'), want.error, ctx());
      continue;
    }
    assert.deepEqual(toPlain(got.values), want.v, ctx());
    const gw = got.warnings.map((w) => `${w.code} ${w.key}`).sort();
    assert.deepEqual(gw, [...want.warnings].sort(), ctx());
    if (gw.length) warned++;
    compared++;
  }
  // the generator must reach the interesting cases
  assert.ok(compared > 2000 && warned > 200 && errors > 20, `${compared} ${warned} ${errors}`);
  console.log(`compared ${compared}, with warnings ${warned}, errors ${errors}`);
});
