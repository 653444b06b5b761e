import * as fs from 'fs';
import * as path from 'path';
import { findAsset } from '../util/assets';
import { compareVersions } from './traits';

/** A node of the chart's values schema (see scripts/gen-z2jh.mjs for the format). */
export interface SchemaNode {
  t?: string | string[];
  enum?: unknown[];
  p?: Record<string, SchemaNode>;
  pp?: Record<string, SchemaNode>;
  ap?: boolean | SchemaNode;
  items?: SchemaNode;
  def?: unknown;
  added?: string;
  doc?: string;
  /** anyOf / oneOf alternatives */
  any?: SchemaNode[];
  /** the alternatives of `any` came from a oneOf: exactly one must match */
  one?: true;
  /** required keys (never enforced on a single file: values are merged) */
  req?: string[];
  then?: SchemaNode;
  fail?: boolean;
  dep?: unknown;
  const?: unknown;
}

export interface ChartCatalog {
  chart: string;
  appVersion: string;
  jupyterhub: string;
  root: SchemaNode;
}

interface ChartIndex {
  default: string;
  /** releases with a schema catalogue (and main); `file` is the key for chartCatalog() */
  versions: { chart: string; file?: string; appVersion: string; jupyterhub: string; fp?: { paths: string; n: number; tree: string } }[];
  /** every chart release (and main): its JupyterHub version and the packages its hub image pins */
  releases?: Record<string, { appVersion: string; jupyterhub: string; pins?: Record<string, string>; python?: string }>;
}

/** server/catalog/z2jh/schemas.json: every release's schema tree, hash-consed (see scripts/gen-z2jh.mjs). */
interface SchemaStore {
  releases: Record<string, { root: number; doc: string }>;
  nodes: Record<string, unknown>[];
}

export interface ChartRename {
  from: string;
  to?: string | string[] | null;
  since?: string;
  deprecated?: string;
  fails?: string;
  rejected?: string;
  ignored?: string;
  exact?: boolean;
  invert?: boolean;
  values?: Record<string, unknown>;
  note?: string;
}

let dirCache: string | undefined;
function dir(): string {
  if (!dirCache) dirCache = path.dirname(findAsset(path.join('catalog', 'z2jh', 'index.json')));
  return dirCache;
}

const json = new Map<string, unknown>();
function load<T>(file: string): T {
  let v = json.get(file);
  if (v === undefined) {
    v = JSON.parse(fs.readFileSync(path.join(dir(), file), 'utf8'));
    json.set(file, v);
  }
  return v as T;
}

/** Orders chart versions; "main" (the development head) is newer than every release. */
export function compareChartVersions(a: string, b: string): number {
  if (a === b) return 0;
  if (a === 'main') return 1;
  if (b === 'main') return -1;
  return compareVersions(a, b);
}

/** Charts before 1.0.0 shipped no values schema: Helm checked nothing and unknown keys were ignored. */
export function chartValidatesValues(version: string): boolean {
  return compareChartVersions(version, '1.0.0') >= 0;
}

export function chartIndex(): ChartIndex {
  return load<ChartIndex>('index.json');
}

/** The chart versions with a schema catalogue, newest last, and the default. */
export function chartVersions(): { keys: string[]; default: string } {
  const idx = chartIndex();
  return { keys: idx.versions.filter((v) => v.file).map((v) => v.chart), default: idx.default };
}

const numeric = (v: string): number[] => v.split('.').map((x) => parseInt(x, 10) || 0);
function cmpRelease(a: string, b: string): number {
  const x = numeric(a);
  const y = numeric(b);
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

/** Final releases (not main) known to the index, oldest first. */
let releaseCache: { chart: string; jupyterhub: string }[] | undefined;
function knownReleases(): { chart: string; jupyterhub: string }[] {
  if (releaseCache) return releaseCache;
  const idx = chartIndex();
  const all = idx.releases ? Object.entries(idx.releases).map(([chart, r]) => ({ chart, jupyterhub: r.jupyterhub })) : idx.versions;
  return (releaseCache = all.filter((v) => v.chart !== 'main' && /^\d+\.\d+\.\d+$/.test(v.chart)).sort((a, b) => cmpRelease(a.chart, b.chart)));
}

/**
 * Resolves a requested chart version ("4.1.0", "3", "main", "latest") to the release it names
 * (for its JupyterHub version) and the schema catalogue of that release. A version we have no
 * release for (a patch we don't know, a pre-release such as 4.0.0-beta.1 or a chartpress dev
 * build) is judged as the nearest release not later than it, never a later one; "3" / "3.2" is
 * the newest 3.x / 3.2.x release. Charts before 1.0.0 had no schema: they get the oldest one
 * (and the rules do not enforce it, see chartValidatesValues).
 */
export function resolveChart(requested?: string): { chart: string; catalog: string; jupyterhub: string } {
  const idx = chartIndex();
  const withFile = idx.versions.filter((v) => v.file);
  const cats = new Map(withFile.map((v) => [v.chart, v]));
  const finals = withFile.filter((v) => v.chart !== 'main').sort((a, b) => cmpRelease(a.chart, b.chart));
  const releases = knownReleases();
  const result = (chart: string) => {
    const own = cats.get(chart);
    const cat = own ?? [...finals].reverse().find((v) => cmpRelease(v.chart, chart) <= 0) ?? finals[0] ?? withFile[0];
    const rel = releases.find((r) => r.chart === chart);
    return { chart, catalog: cat.file!, jupyterhub: rel?.jupyterhub ?? own?.jupyterhub ?? cat.jupyterhub };
  };
  if (!requested || requested === 'latest') return result(idx.default);
  if (requested === 'main' || requested === 'dev') {
    const m = cats.get('main') ?? withFile[withFile.length - 1];
    return { chart: m.chart, catalog: m.file!, jupyterhub: m.jupyterhub };
  }
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(\S*)/.exec(requested.trim());
  if (!m) throw new Error(`unknown chart version "${requested}" (expected a release such as ${idx.default}, a major such as 3, main or latest)`);
  const [major, minor, patch] = [m[1], m[2], m[3]].map((x) => (x === undefined ? undefined : Number(x)));
  const suffix = m[4] ?? '';
  let pick: string | undefined;
  if (minor === undefined || patch === undefined || /^\.(x|\*)/i.test(suffix)) {
    // "3", "3.2", "3.x": the newest release of that major (minor), else the newest before it
    const ofIt = releases.filter((r) => { const [a, b] = numeric(r.chart); return a === major && (minor === undefined || b === minor); });
    pick = ofIt.length ? ofIt[ofIt.length - 1].chart : [...releases].reverse().find((r) => cmpRelease(r.chart, `${major}.${minor ?? 999999}.999999`) <= 0)?.chart;
  } else {
    const want = `${major}.${minor}.${patch}`;
    // "-beta.1", "-0.dev.git...": a pre-release comes before its release; "+build" is the release
    const pre = suffix !== '' && !suffix.startsWith('+');
    pick = [...releases].reverse().find((r) => (pre ? cmpRelease(r.chart, want) < 0 : cmpRelease(r.chart, want) <= 0))?.chart;
  }
  pick ??= releases[0]?.chart ?? finals[0]?.chart ?? withFile[0].chart;
  return result(pick);
}

/**
 * The versions the hub image of a chart release pins (images/hub/requirements.txt), by normalised
 * package name: jupyterhub, kubespawner, oauthenticator, ldapauthenticator, nativeauthenticator,
 * firstuseauthenticator, tmpauthenticator, ltiauthenticator, ... and traitlets. The version is
 * resolved like resolveChart (so "3.2.5" gives 3.2.1's pins); undefined when the index has none.
 */
export function chartPins(chartVersion?: string): Record<string, string> | undefined {
  let chart: string;
  try {
    chart = resolveChart(chartVersion).chart;
  } catch {
    return undefined;
  }
  const pins = chartIndex().releases?.[chart]?.pins;
  return pins ? { ...pins } : undefined;
}

const NODE_MAPS = new Set(['p', 'pp']);
const NODE_ONE = new Set(['ap', 'items', 'if', 'then', 'else', 'not']);
const NODE_LISTS = new Set(['any', 'all', 'items']);
const docSlug = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');

/** Rebuilds a release's tree from the node table: fresh objects per occurrence, `doc` from the key path. */
function decodeSchema(store: SchemaStore, id: number, doc: string): SchemaNode {
  const build = (i: number, depth: number): SchemaNode => {
    const rec = store.nodes[i];
    if (!rec || depth > 200) throw new Error(`hubcfg: chart schema node ${i} is missing or cyclic`);
    const n: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(rec)) {
      if (NODE_MAPS.has(k) && v && typeof v === 'object') n[k] = Object.fromEntries(Object.entries(v as Record<string, number>).map(([kk, c]) => [kk, build(c, depth + 1)]));
      else if (NODE_LISTS.has(k) && Array.isArray(v)) n[k] = (v as number[]).map((c) => build(c, depth + 1));
      else if (NODE_ONE.has(k) && typeof v === 'number') n[k] = build(v, depth + 1);
      else n[k] = v;
    }
    return n as SchemaNode;
  };
  const root = build(id, 0);
  // the reference page has one anchor per key reachable through properties (a `then` replaces its node)
  const docs = (node: SchemaNode, pre: string) => {
    const d = node.then ?? node;
    for (const [k, c] of Object.entries(d.p ?? {})) {
      c.doc = `${doc}#${docSlug(`schema_${pre}${k}`)}`;
      docs(c, `${pre}${k}.`);
    }
  };
  docs(root, '');
  return root;
}

const catalogCache = new Map<string, ChartCatalog>();
/** The schema catalogue of a chart release ("3.2.1", "main"; a legacy "3.2.1.json" works too). */
export function chartCatalog(file: string): ChartCatalog {
  const chart = file.replace(/\.json$/, '');
  let cat = catalogCache.get(chart);
  if (cat) return cat;
  const store = load<SchemaStore>('schemas.json');
  const rel = store.releases[chart];
  if (!rel) throw new Error(`hubcfg: no chart schema for "${file}"`);
  const v = chartIndex().versions.find((x) => x.chart === chart);
  const facts = chartIndex().releases?.[chart];
  cat = { chart, appVersion: v?.appVersion ?? facts?.appVersion ?? '', jupyterhub: v?.jupyterhub ?? facts?.jupyterhub ?? '', root: decodeSchema(store, rel.root, rel.doc) };
  catalogCache.set(chart, cat);
  return cat;
}

export function chartRenames(): ChartRename[] {
  try {
    return load<{ renames: ChartRename[] }>('renames.json').renames;
  } catch {
    return [];
  }
}

/** Removed paths per chart version (history.json): path → last version that had it. */
let removedCache: Record<string, string> | undefined;
export function chartRemoved(): Record<string, string> {
  if (removedCache) return removedCache;
  const h = load<{ removed?: Record<string, unknown> | { path: string; last: string }[] }>('history.json');
  const r = h.removed;
  if (!r) return (removedCache = {});
  if (Array.isArray(r)) return (removedCache = Object.fromEntries(r.map((x) => [x.path, x.last])));
  return (removedCache = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' ? v : String((v as { last?: string }).last ?? '')])));
}

/** Paths that have keys below them with their own rename entries (`auth` for `auth.type`, ...). */
let renamedParents: Set<string> | undefined;
export function hasRenamedChildren(dotted: string): boolean {
  if (!renamedParents) {
    renamedParents = new Set();
    for (const r of chartRenames()) {
      const parts = r.from.split('.');
      for (let i = 1; i < parts.length; i++) renamedParents.add(parts.slice(0, i).join('.'));
    }
  }
  return renamedParents.has(dotted);
}

interface TraitMapEntry {
  value: string;
  trait: string;
  how: string;
}

/** The chart values that the chart copies unchanged onto a trait: value path → ["Class.trait", ...]. */
let traitMapCache: Map<string, string[]> | undefined;
export function chartTraitMap(): Map<string, string[]> {
  if (traitMapCache) return traitMapCache;
  const m = new Map<string, string[]>();
  // values whose meaning is exactly the trait's (the chart passes them on as they are)
  const exactManual = new Set(['hub.cookieSecret', 'proxy.secretToken']);
  for (const e of load<TraitMapEntry[]>('traitmap.json')) {
    if (!/^[A-Za-z]+\.[a-z_]+$/.test(e.trait)) continue;
    if (e.how !== 'set' && e.how !== 'direct' && !exactManual.has(e.value)) continue;
    const list = m.get(e.value) ?? [];
    if (!list.includes(e.trait)) list.push(e.trait);
    m.set(e.value, list);
  }
  traitMapCache = m;
  return m;
}

const patternCache = new Map<string, RegExp | null>();
/** A schema `patternProperties` key as a RegExp (compiled once; null when it is not valid). */
function patternRegExp(source: string): RegExp | null {
  let re = patternCache.get(source);
  if (re === undefined) {
    try {
      re = new RegExp(source);
    } catch {
      re = null;
    }
    patternCache.set(source, re);
  }
  return re;
}

/** Schema lookup: the node for a key under a parent node, and whether the parent is closed. */
export function childSchema(parent: SchemaNode | undefined, key: string): { node?: SchemaNode; closed: boolean; open: boolean } {
  if (!parent) return { closed: false, open: true };
  const branches = [parent, parent.then].filter(Boolean) as SchemaNode[];
  for (const b of branches) {
    if (b.p && key in b.p) return { node: b.p[key], closed: false, open: false };
  }
  for (const b of branches) {
    for (const [re, n] of Object.entries(b.pp ?? {})) if (patternRegExp(re)?.test(key)) return { node: n, closed: false, open: false };
  }
  const ap = parent.ap;
  if (ap === false) return { closed: true, open: false };
  if (ap && typeof ap === 'object') return { node: ap, closed: false, open: false };
  return { closed: false, open: true };
}

/** Walks a path of keys (array items as "[]"). */
export function schemaAt(root: SchemaNode, p: string[]): SchemaNode | undefined {
  let cur: SchemaNode | undefined = root;
  for (const k of p) {
    if (!cur) return undefined;
    if (k === '[]') {
      cur = cur.items;
      continue;
    }
    cur = childSchema(cur, k).node;
  }
  return cur;
}

/** What the chart's hub config script does at one release (server/catalog/z2jh/script.json, see scripts/gen-z2jh-script.mjs). */
export interface ChartScript {
  /** the release whose facts these are */
  chart: string;
  /** stages in the order the script applies them; a later stage replaces what an earlier one set */
  order: ('chart' | 'hub.config' | 'config.d' | 'hub.extraConfig')[];
  extraConfigSorted: boolean;
  /** hub.config entries the script removes before merging (by class) */
  hubConfigDropped: Record<string, string[]>;
  /** chart key -> trait; `set`: only when the value is not null; `when`: guarding chart keys ("!k" = k false) */
  traits: { key: string; trait: string; how: 'set' | 'direct'; when?: string[] }[];
  /** container traits the script fills itself */
  fills: { trait: string; op: string; when?: string[] }[];
  /** services it registers; `from`: one per entry of that chart key */
  services: { name?: string; when?: string[]; from?: string }[];
  /** roles it registers; `from`: one per entry of that chart key */
  roles: { name?: string; scopes?: string[]; services?: string[]; when?: string[]; extraScopes?: { scope: string; when: string[] }[]; from?: string }[];
}

interface ScriptStore {
  scripts: Omit<ChartScript, 'chart'>[];
  releases: Record<string, { s: number; commit: string; fp: string }>;
}

/** The releases the script table covers, with their source fingerprints (for tests). */
export function chartScriptReleases(): Record<string, { s: number; commit: string; fp: string }> {
  return load<ScriptStore>('script.json').releases;
}

/**
 * The facts of the chart's config script at a chart version (resolved like resolveChart: the
 * nearest release not later than it); undefined when the table has no release for it.
 */
export function chartScript(version?: string): ChartScript | undefined {
  let chart: string;
  try {
    chart = resolveChart(version).chart;
  } catch {
    return undefined;
  }
  const store = load<ScriptStore>('script.json');
  let rel = store.releases[chart];
  if (!rel && chart !== 'main') {
    const older = Object.keys(store.releases).filter((k) => k !== 'main' && compareChartVersions(k, chart) <= 0).sort(compareChartVersions);
    if (older.length) rel = store.releases[(chart = older[older.length - 1])];
  }
  if (!rel) return undefined;
  return { chart, ...store.scripts[rel.s] };
}
