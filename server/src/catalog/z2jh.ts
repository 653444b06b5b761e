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
  /** releases with a schema catalogue */
  versions: { chart: string; file?: string; appVersion: string; jupyterhub: string }[];
  /** every chart release: its JupyterHub version */
  releases?: Record<string, { appVersion: string; jupyterhub: string }>;
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

/**
 * Resolves a requested chart version ("4.1.0", "3", "main", "latest") to the release it names
 * (for its JupyterHub version) and the schema catalogue that best describes it (same major, newest).
 */
export function resolveChart(requested?: string): { chart: string; catalog: string; jupyterhub: string } {
  const idx = chartIndex();
  const withFile = idx.versions.filter((v) => v.file);
  const pick = (chart: string) => idx.versions.find((v) => v.chart === chart);
  if (!requested || requested === 'latest') {
    const d = pick(idx.default)!;
    return { chart: d.chart, catalog: d.file!, jupyterhub: d.jupyterhub };
  }
  if (requested === 'main' || requested === 'dev') {
    const m = pick('main') ?? withFile[withFile.length - 1];
    return { chart: m.chart, catalog: m.file!, jupyterhub: m.jupyterhub };
  }
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(requested.trim());
  if (!m) throw new Error(`unknown chart version "${requested}" (expected e.g. ${withFile.map((v) => v.chart).join(', ')})`);
  const major = m[1];
  const all = idx.releases ? Object.entries(idx.releases).map(([chart, r]) => ({ chart, ...r })) : idx.versions;
  const releases = all.filter((v) => v.chart !== 'main' && v.chart.split('.')[0] === major).sort((a, b) => compareVersions(a.chart, b.chart));
  const want = `${major}.${m[2] ?? '999'}.${m[3] ?? '999'}`;
  const release = [...releases].reverse().find((v) => compareVersions(v.chart, want) <= 0) ?? releases[0];
  const cats = withFile.filter((v) => v.chart !== 'main' && v.chart.split('.')[0] === major);
  const cat = cats[cats.length - 1] ?? withFile.filter((v) => v.chart !== 'main').sort((a, b) => compareVersions(a.chart, b.chart)).filter((v) => compareVersions(v.chart, want) <= 0).pop() ?? withFile[0];
  return { chart: release?.chart ?? cat.chart, catalog: cat.file!, jupyterhub: release?.jupyterhub ?? cat.jupyterhub };
}

export function chartCatalog(file: string): ChartCatalog {
  return load<ChartCatalog>(file);
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
