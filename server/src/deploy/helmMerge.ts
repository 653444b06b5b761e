/**
 * Helm's value merging, reproduced with provenance (our own implementation, written from reading Helm's source).
 *
 * What Helm does (facts read from helm/helm at tags v3.21.4 and v4.2.4):
 *
 * 1. `-f a -f b` (pkg/cli/values/options.go `MergeValues`, helper `mergeMaps`; Helm 4: `loader.MergeMaps`):
 *    files are read in order and merged into one map. A key whose new value and old value are both maps is merged
 *    recursively; anything else (list, scalar, null, a map over a non-map, a non-map over a map) replaces the old
 *    value. Nulls are kept at this stage. Helm 3 reads only the first YAML document of a file; Helm 4
 *    (`loader.LoadValues`) merges all documents of a file, in order, the same way.
 * 2. install / upgrade / template (pkg/action): `ProcessDependenciesWithMerge` (Helm 4: `ProcessDependencies`,
 *    same effect) first replaces the values of every chart that declares dependencies by that chart's defaults
 *    merged with its subcharts' defaults (`MergeValues(chart, nil)`: nulls kept), then `ToRenderValues` calls
 *    `CoalesceValues(chart, userValues)` (pkg/chartutil/coalesce.go; Helm 4: pkg/chart/common/util/coalesce.go).
 * 3. `coalesce` = `coalesceValues` (the chart's defaults under the user's values) then `coalesceDeps` (for every
 *    subchart, in dependency order: its key is created if missing, an error "type mismatch on NAME: %t" if it is
 *    not a map; the parent's `global` is copied into it by `coalesceGlobals`, then `coalesce` recurses).
 * 4. `coalesceValues`, for every key of the chart's defaults: user null (when coalescing) deletes the key; a user
 *    map over a default map is coalesced (`coalesceTablesFullKey`; merge mode kept on when the key is a subchart's);
 *    a user map over a non-null non-map default prints "warning: skipped value for CHART.KEY: Not a table." and
 *    keeps the user's map; a user non-map wins silently; a key the user does not set is copied from the defaults.
 * 5. `coalesceTablesFullKey(dst=user, src=defaults)`: user nulls are first copied into src; for every key of src:
 *    a user null over a default that was non-null deletes the key (coalescing only); a missing key is copied from
 *    the defaults (a default null too, in Helm 3); two maps recurse; a default map under a user non-map prints
 *    "warning: cannot overwrite table with non table for KEY (%v)"; a default non-map under a user map prints
 *    "warning: destination for KEY is a table. Ignoring non-table value (%v)". The user's value always wins.
 *    (Since v3.21.0: a user null over a default null or over no default is kept, not deleted.)
 * 6. `coalesceGlobals(dest=subchart values, src=parent values)`: the parent's `global` entries override the
 *    subchart's; for a map entry the parent's map is shallow-copied and the subchart's map coalesced under it. The
 *    copy being shallow, nested maps are shared between parent and subchart (Go maps are references): deeper
 *    subchart defaults can show up in the parent's globals. We keep the same sharing, so the same outcome.
 * 7. Helm 4.2 only: chart-default nulls are not copied into coalesced values (`cleanNilValues`).
 *
 * Go's map iteration order is random, so Helm prints its warnings in random order; ours come in a fixed order.
 * Scalars are read as Helm's YAML library reads them (YAML 1.1: `yes`/`on` are booleans, numbers are float64).
 */
import { Document, isAlias, isMap, isPair, isScalar, isSeq, Scalar } from 'yaml';
import type { Node as YNode } from 'yaml';

export type HelmFlavour = 'v3' | 'v4';

/** Offsets into the file's text: [start, end of value, end of node incl. comment] as the `yaml` package gives. */
export type Range = [number, number, number];

export type Origin =
  | {
      kind: 'file';
      /** the file as given to `mergeDeployment` */
      file: string;
      /** index of the file in the Helm order */
      index: number;
      /** the key path inside the file */
      path: string[];
      /** the YAML node that holds the value */
      node?: YNode;
      range?: Range;
      keyRange?: Range;
      /** when the value was reached through an alias (`*name`), the alias's range */
      aliasRange?: Range;
    }
  | {
      kind: 'default';
      /** chart names from the root chart down to the chart whose defaults these are */
      chart: string[];
      /** key path inside that chart's values */
      path: string[];
      file?: string;
      range?: Range;
    };

/** A value in the merged tree. Maps are mutable and may be shared, as Go maps are. */
export type VNode = VMap | VLeaf;

export class VMap {
  readonly kind = 'map' as const;
  entries = new Map<string, VNode>();
  /** every source that contributed this map, in the order they were met */
  origins: Origin[] = [];
  constructor(origins: Origin[] = []) {
    this.origins = origins;
  }
}

export interface VLeaf {
  kind: 'scalar' | 'list' | 'null';
  /** Helm's reading of the value (lists: plain JS arrays) */
  value: unknown;
  origin: Origin;
}

export type MergeWarningCode =
  | 'not-a-table' // user map over a default scalar/list: "skipped value for ...: Not a table."
  | 'table-over-non-table' // default map under a user scalar/list: "cannot overwrite table with non table"
  | 'non-table-under-table' // default scalar/list under a user map: "destination for ... is a table"
  | 'globals-not-table'
  | 'globals-conflict'
  | 'globals-table-skip'
  | 'duplicate-key'
  | 'extra-documents';

export interface MergeWarning {
  code: MergeWarningCode;
  /** Helm's dotted key (prefixed with the chart names, as Helm prints it) */
  key: string;
  /** the key path in the merged values, where known (keys may hold dots: prefer this to `key`) */
  path?: string[];
  /** 'chart-defaults': met while Helm merges the charts' own defaults (wrapper over subchart), before the files */
  phase?: 'values' | 'chart-defaults';
  /** the text Helm prints (with the `warning: ` prefix when Helm prints one) */
  message: string;
  /** the user's value involved, where known */
  user?: Origin;
  /** the default value involved, where known */
  default?: Origin;
}

export interface Deletion {
  path: string[];
  /** the null that removed it */
  by: Origin;
  /** the default it removed, when there was one */
  default?: Origin;
}

export interface ChartSpec {
  name: string;
  /** the chart's values.yaml: a plain object, or a parsed document (then defaults have ranges) */
  values?: Record<string, unknown> | Document | null;
  valuesFile?: string;
  dependencies?: ChartSpec[];
}

export interface ValuesInput {
  file: string;
  /** the parsed file; several documents: Helm 3 reads the first, Helm 4 all */
  docs: Document | Document[];
}

export interface MergeOptions {
  helm?: HelmFlavour;
  /** reproduce install/upgrade/template's dependency step (default true); false = bare `CoalesceValues` */
  processDependencies?: boolean;
}

export interface MergeResult {
  /** the coalesced values (what templates see as `.Values` of the root chart) */
  values: VMap;
  /** the user files merged, before the chart defaults (what `helm get values` shows) */
  userValues: VMap;
  warnings: MergeWarning[];
  /** keys a user null removed (the value is gone from `values`; this says who removed what) */
  deletions: Deletion[];
  /** set when Helm would refuse (a file that is not a map, a subchart key that is not a map) */
  error?: { message: string; origin?: Origin };
}

// ---------------------------------------------------------------------------------------------------------------
// Reading YAML as Helm does

const BOOL_TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const BOOL_FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);

/** A plain scalar as go-yaml v2 (YAML 1.1 rules, Helm's reader) resolves it; numbers become float64. */
export function helmPlainScalar(text: string): unknown {
  if (NULLS.has(text)) return null;
  if (BOOL_TRUE.has(text)) return true;
  if (BOOL_FALSE.has(text)) return false;
  const t = text.replace(/_/g, '');
  if (/^[-+]?(0|[1-9][0-9]*)$/.test(t)) return Number(t);
  if (/^[-+]?0[0-7]+$/.test(t)) return (t.startsWith('-') ? -1 : 1) * parseInt(t.replace(/^[-+]?0/, ''), 8);
  if (/^[-+]?0x[0-9a-fA-F]+$/.test(t)) return (t.startsWith('-') ? -1 : 1) * parseInt(t.replace(/^[-+]?0x/, ''), 16);
  if (/^[-+]?0o[0-7]+$/.test(t)) return (t.startsWith('-') ? -1 : 1) * parseInt(t.replace(/^[-+]?0o/, ''), 8);
  if (/^[-+]?0b[01]+$/.test(t)) return (t.startsWith('-') ? -1 : 1) * parseInt(t.replace(/^[-+]?0b/, ''), 2);
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(t)) return Number(t);
  if (/^[-+]?\.(inf|Inf|INF)$/.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^\.(nan|NaN|NAN)$/.test(text)) return NaN;
  return text;
}

function scalarValue(node: Scalar): unknown {
  if (node.type === 'PLAIN' && !node.tag) return helmPlainScalar(node.source ?? String(node.value ?? ''));
  const v = node.value;
  if (typeof v === 'bigint') return Number(v);
  return v === undefined ? null : v;
}

/** A map key as Helm's YAML→JSON step turns it into a string. */
function keyString(node: unknown): string | undefined {
  if (isScalar(node)) {
    const v = scalarValue(node);
    if (typeof v === 'string') return v;
    if (typeof v === 'boolean') return String(v);
    if (typeof v === 'number') return goFloat(v);
    return undefined;
  }
  return undefined;
}

function rng(n: { range?: Range | null } | null | undefined): Range | undefined {
  return n?.range ? ([n.range[0], n.range[1], n.range[2]] as Range) : undefined;
}

/** Limits of the reading: alias expansion (a "billion laughs" file) and nesting; past them the file is refused (as are keys Helm cannot turn into JSON). */
export const MAX_READ_NODES = 100_000;
export const MAX_DEPTH = 200;

class ReadLimit extends Error {}

interface ReadCtx {
  doc: Document;
  /** nodes left to read before the file counts as excessive aliasing */
  budget: { left: number };
  /** Alias.resolve searches the whole document: resolved once per alias */
  aliases?: Map<unknown, unknown>;
  mk: (path: string[], node: YNode | undefined, keyNode?: unknown, alias?: unknown) => Origin;
  warn: (w: MergeWarning) => void;
  depth: number;
}

function resolveAlias(a: { resolve(doc: Document): unknown }, ctx: ReadCtx): unknown {
  const cache = (ctx.aliases ??= new Map());
  if (!cache.has(a)) cache.set(a, a.resolve(ctx.doc));
  return cache.get(a);
}

function spend(ctx: ReadCtx, depth: number): void {
  if (--ctx.budget.left < 0) throw new ReadLimit('excessive aliasing (the file expands to too many values)');
  if (depth > MAX_DEPTH) throw new ReadLimit(`nested more than ${MAX_DEPTH} levels deep`);
}

function readNode(node: unknown, path: string[], ctx: ReadCtx, keyNode?: unknown): VNode {
  let alias: unknown;
  spend(ctx, path.length);
  if (isAlias(node)) {
    alias = node;
    node = resolveAlias(node, ctx);
  }
  const origin = ctx.mk(path, node as YNode | undefined, keyNode, alias);
  if (isMap(node)) {
    const m = new VMap([origin]);
    ctx.depth++;
    for (const item of node.items) {
      if (!isPair(item)) continue;
      const k = item.key;
      if (isScalar(k) && k.type === 'PLAIN' && k.source === '<<') {
        mergeKey(m, item.value, path, ctx);
        continue;
      }
      const ks = keyString(k);
      // Helm's YAML-to-JSON step refuses a null, list or map key
      if (ks === undefined) throw new ReadLimit(`unsupported map key under "${path.join('.')}" (not a string, number or boolean)`);
      if (m.entries.has(ks) && !isMergedOnly(m, ks)) {
        ctx.warn({ code: 'duplicate-key', key: [...path, ks].join('.'), message: `duplicate key "${ks}": the later one is used`, user: origin });
      }
      m.entries.set(ks, readNode(item.value, [...path, ks], ctx, k));
    }
    ctx.depth--;
    return m;
  }
  if (isSeq(node)) return { kind: 'list', value: plainOf(node, ctx, path.length), origin };
  if (isScalar(node)) {
    const v = scalarValue(node);
    return v === null ? { kind: 'null', value: null, origin } : { kind: 'scalar', value: v, origin };
  }
  return { kind: 'null', value: null, origin };
}

const mergedKeys = new WeakMap<VMap, Set<string>>();
function isMergedOnly(m: VMap, k: string): boolean {
  return mergedKeys.get(m)?.has(k) ?? false;
}

/** `<<: *anchor` / `<<: [*a, *b]` as go-yaml v2 applies it: the merged keys are set where `<<` stands; in a list the earlier maps win. */
function mergeKey(m: VMap, value: unknown, path: string[], ctx: ReadCtx): void {
  const sources: unknown[] = isSeq(value) ? [...value.items].reverse() : [value];
  for (const s of sources) {
    const read = readNode(s, path, ctx);
    if (read.kind !== 'map') continue;
    let set = mergedKeys.get(m);
    if (!set) mergedKeys.set(m, (set = new Set()));
    for (const [k, v] of read.entries) {
      m.entries.set(k, v);
      set.add(k);
    }
  }
}

/** Helm's reading of a node as plain JS (lists and what they hold). */
function plainOf(node: unknown, ctx: ReadCtx, depth: number): unknown {
  spend(ctx, depth);
  if (isAlias(node)) return plainOf(resolveAlias(node, ctx), ctx, depth + 1);
  if (isMap(node)) {
    const o: Record<string, unknown> = {};
    for (const item of node.items) {
      if (!isPair(item)) continue;
      const k = keyString(item.key);
      if (k === undefined) throw new ReadLimit('unsupported map key in a list (not a string, number or boolean)');
      o[k] = plainOf(item.value, ctx, depth + 1);
    }
    return o;
  }
  if (isSeq(node)) return node.items.map((i) => plainOf(i, ctx, depth + 1));
  if (isScalar(node)) return scalarValue(node);
  return null;
}

/** One values file as Helm reads it: a map (possibly empty), or an error when the document is not a map. */
export function readValuesFile(
  input: ValuesInput,
  index: number,
  helm: HelmFlavour,
  warn: (w: MergeWarning) => void,
): { map: VMap; error?: string } {
  const docs = Array.isArray(input.docs) ? input.docs : [input.docs];
  const used = helm === 'v3' ? docs.slice(0, 1) : docs;
  if (helm === 'v3' && docs.length > 1 && docs.slice(1).some((d) => d.contents !== null)) {
    warn({ code: 'extra-documents', key: '', message: `${input.file}: Helm 3 reads only the first YAML document of a values file`, user: { kind: 'file', file: input.file, index, path: [] } });
  }
  let out = new VMap([{ kind: 'file', file: input.file, index, path: [] }]);
  const budget = { left: MAX_READ_NODES };
  for (const doc of used) {
    const ctx: ReadCtx = {
      doc,
      budget,
      depth: 0,
      warn,
      mk: (path, node, keyNode, alias) => ({
        kind: 'file',
        file: input.file,
        index,
        path,
        node,
        range: rng(node as { range?: Range }),
        keyRange: rng(keyNode as { range?: Range }),
        aliasRange: rng(alias as { range?: Range }),
      }),
    };
    const bad = doc.errors.find((e) => e.code !== 'DUPLICATE_KEY');
    if (bad) return { map: out, error: `failed to parse ${input.file}: ${bad.message.split('\n')[0]}` };
    const contents = doc.contents;
    if (contents === null || contents === undefined) continue;
    let read: VNode;
    try {
      read = readNode(contents, [], ctx);
    } catch (e) {
      if (e instanceof ReadLimit) return { map: out, error: `failed to parse ${input.file}: ${e.message}` };
      throw e;
    }
    if (read.kind === 'null') continue;
    if (read.kind !== 'map') {
      const what = read.kind === 'list' ? 'array' : typeof read.value === 'string' ? 'string' : typeof read.value === 'number' ? 'number' : 'bool';
      return { map: out, error: `failed to parse ${input.file}: cannot unmarshal ${what} into Go value of type map[string]interface {}` };
    }
    out = mergeMaps(out, read);
  }
  return { map: out };
}

/** Chart defaults (a plain object or a parsed values.yaml) as a tree whose origins say "chart default". */
export function defaultsTree(values: ChartSpec['values'], chart: string[], file?: string): VMap {
  if (values instanceof Document) {
    const doc = values;
    const ctx: ReadCtx = {
      doc,
      budget: { left: MAX_READ_NODES },
      depth: 0,
      warn: () => {},
      mk: (path, node) => ({ kind: 'default', chart, path, file, range: rng(node as { range?: Range }) }),
    };
    let read: VNode | undefined;
    try {
      read = doc.contents ? readNode(doc.contents, [], ctx) : undefined;
    } catch (e) {
      if (!(e instanceof ReadLimit)) throw e;
    }
    return read?.kind === 'map' ? read : new VMap([{ kind: 'default', chart, path: [], file }]);
  }
  const fromPlain = (v: unknown, path: string[]): VNode => {
    const origin: Origin = { kind: 'default', chart, path, file };
    if (v === null || v === undefined) return { kind: 'null', value: null, origin };
    if (Array.isArray(v)) return { kind: 'list', value: v, origin };
    if (typeof v === 'object') {
      const m = new VMap([origin]);
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) m.entries.set(k, fromPlain(x, [...path, k]));
      return m;
    }
    return { kind: 'scalar', value: v, origin };
  };
  const t = fromPlain(values ?? {}, []);
  return t.kind === 'map' ? t : new VMap([{ kind: 'default', chart, path: [], file }]);
}

// ---------------------------------------------------------------------------------------------------------------
// Go's %v, for the warning texts

/** A float64 as Go's %v prints it: strconv's 'g' with the shortest digits, exponent form when exp < -4 or exp >= 6. */
export function goFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  // shortest round-trip digits, as strconv gives them
  const [mant, expStr] = f.toExponential().split('e');
  const exp = Number(expStr);
  if (exp < -4 || exp >= 6) {
    const e = Math.abs(exp);
    return `${mant}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  const digits = mant.replace('-', '').replace('.', '');
  const sign = f < 0 ? '-' : '';
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return sign + digits + '0'.repeat(exp + 1 - digits.length);
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

export function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (v instanceof VMap) {
    const keys = [...v.entries.keys()].sort(byteOrder);
    return `map[${keys.map((k) => `${k}:${goNode(v.entries.get(k)!)}`).join(' ')}]`;
  }
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o).sort(byteOrder);
    return `map[${keys.map((k) => `${k}:${goValue(o[k])}`).join(' ')}]`;
  }
  if (typeof v === 'number') return goFloat(v);
  return String(v);
}

function goNode(n: VNode): string {
  return n.kind === 'map' ? goValue(n) : goValue(n.value);
}

function byteOrder(a: string, b: string): number {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return Buffer.compare(x, y);
}

/** Go's `%t` of a non-boolean value, as in Helm's "type mismatch" error. */
function goBoolVerb(n: VLeaf): string {
  if (n.kind === 'null') return '%!t(<nil>)';
  if (n.kind === 'list') return `%!t([]interface {}=${goValue(n.value)})`;
  if (typeof n.value === 'boolean') return String(n.value);
  if (typeof n.value === 'number') return `%!t(float64=${goFloat(n.value)})`;
  return `%!t(string=${String(n.value)})`;
}

// ---------------------------------------------------------------------------------------------------------------
// The merge

const GLOBAL = 'global';

function isNull(n: VNode | undefined): boolean {
  return n !== undefined && n.kind === 'null';
}
function isTable(n: VNode | undefined): n is VMap {
  return n !== undefined && n.kind === 'map';
}
function prefixed(a: string, b: string): string {
  return a === '' ? b : `${a}.${b}`;
}

/** Deep copy (Go's copystructure.Copy): new maps, shared immutable leaves. */
export function deepCopy(m: VMap): VMap {
  const c = new VMap([...m.origins]);
  for (const [k, v] of m.entries) c.entries.set(k, v.kind === 'map' ? deepCopy(v) : v);
  return c;
}

/** `-f a -f b`: b over a; maps merged recursively, everything else replaced. Returns a new map. */
export function mergeMaps(a: VMap, b: VMap): VMap {
  const out = new VMap([...a.origins, ...b.origins]);
  for (const [k, v] of a.entries) out.entries.set(k, v);
  for (const [k, v] of b.entries) {
    const old = out.entries.get(k);
    if (v.kind === 'map' && old?.kind === 'map') out.entries.set(k, mergeMaps(old, v));
    else out.entries.set(k, v);
  }
  return out;
}

interface Chart {
  name: string;
  values: VMap;
  deps: Chart[];
}

class Merger {
  warnings: MergeWarning[] = [];
  constructor(readonly helm: HelmFlavour) {}

  deletions: Deletion[] = [];
  /** set while computing the charts' own defaults (the dependency step) */
  phase: MergeWarning['phase'] = 'values';

  warn(w: MergeWarning): void {
    this.warnings.push({ ...w, phase: this.phase });
  }

  /** a user null removing a key: recorded, so that a rule can say which default it deleted */
  deleted(m: VMap, key: string, path: string[], dflt: VNode | undefined): void {
    const n = m.entries.get(key);
    m.entries.delete(key);
    if (this.phase !== 'values' || !n || n.kind === 'map') return;
    const d = dflt && (dflt.kind === 'map' ? dflt.origins[0] : dflt.origin);
    // a chart's own null default dropped at its top level is no one's decision: only a file's null, or a
    // wrapper's null over its subchart's default, is recorded
    const byOther = n.origin.kind === 'default' && d?.kind === 'default' && n.origin.chart.join('/') !== d.chart.join('/');
    if (n.origin.kind === 'file' || byOther) this.deletions.push({ path, by: n.origin, default: d });
  }

  coalesce(ch: Chart, dest: VMap, prefix: string, merge: boolean, at: string[] = []): VMap {
    this.coalesceValues(ch, dest, prefix, merge, at);
    return this.coalesceDeps(ch, dest, prefix, merge, at);
  }

  coalesceDeps(ch: Chart, dest: VMap, prefix: string, merge: boolean, at: string[]): VMap {
    for (const sub of ch.deps) {
      const c = dest.entries.get(sub.name);
      if (c === undefined) dest.entries.set(sub.name, new VMap([]));
      else if (!isTable(c)) {
        throw new HelmError(`type mismatch on ${sub.name}: ${goBoolVerb(c as VLeaf)}`, (c as VLeaf).origin);
      }
      const dvmap = dest.entries.get(sub.name) as VMap;
      const subPrefix = prefixed(prefix, ch.name);
      this.coalesceGlobals(dvmap, dest, subPrefix, [...at, sub.name]);
      dest.entries.set(sub.name, this.coalesce(sub, dvmap, subPrefix, merge, [...at, sub.name]));
    }
    return dest;
  }

  coalesceGlobals(dest: VMap, src: VMap, prefix: string, at: string[]): void {
    const gat = [...at, GLOBAL];
    let dg: VMap;
    let sg: VMap;
    const destglob = dest.entries.get(GLOBAL);
    if (destglob === undefined) dg = new VMap([]);
    else if (isTable(destglob)) dg = destglob;
    else {
      this.warn({ code: 'globals-not-table', key: prefixed(prefix, GLOBAL), path: gat, message: `warning: skipping globals because destination ${GLOBAL} is not a table.`, user: destglob.origin });
      return;
    }
    const srcglob = src.entries.get(GLOBAL);
    if (srcglob === undefined) sg = new VMap([]);
    else if (isTable(srcglob)) sg = srcglob;
    else {
      this.warn({ code: 'globals-not-table', key: GLOBAL, path: [...at.slice(0, -1), GLOBAL], message: `warning: skipping globals because source ${GLOBAL} is not a table.`, user: srcglob.origin });
      return;
    }
    for (const [key, val] of sg.entries) {
      if (isTable(val)) {
        const vv = shallowCopy(val);
        const destv = dg.entries.get(key);
        if (destv === undefined) dg.entries.set(key, vv);
        else if (!isTable(destv)) {
          this.warn({ code: 'globals-conflict', key: prefixed(prefix, key), path: [...gat, key], message: `Conflict: cannot merge map onto non-map for "${key}". Skipping.`, user: destv.origin });
        } else {
          this.coalesceTablesFullKey(vv, destv, prefixed(prefix, key), true, [...gat, key]);
          dg.entries.set(key, vv);
        }
      } else if (isTable(dg.entries.get(key))) {
        this.warn({ code: 'globals-table-skip', key: prefixed(prefix, key), path: [...gat, key], message: `key ${key} is table. Skipping`, user: val.origin });
      } else {
        dg.entries.set(key, val);
      }
    }
    dest.entries.set(GLOBAL, dg);
  }

  coalesceValues(ch: Chart, v: VMap, prefix: string, merge: boolean, at: string[]): void {
    const subPrefix = prefixed(prefix, ch.name);
    const vc = deepCopy(ch.values);
    for (const [key, val] of vc.entries) {
      const value = v.entries.get(key);
      if (value !== undefined) {
        if (isNull(value) && !merge) {
          this.deleted(v, key, [...at, key], val);
        } else if (isTable(value)) {
          if (!isTable(val)) {
            if (!isNull(val)) {
              this.warn({ code: 'not-a-table', key: `${subPrefix}.${key}`, path: [...at, key], message: `warning: skipped value for ${subPrefix}.${key}: Not a table.`, user: value.origins[value.origins.length - 1], default: val.origin });
            }
          } else {
            const m = ch.deps.some((d) => d.name === key) ? true : merge;
            if (this.helm === 'v4' && !m) cleanNils(val);
            this.coalesceTablesFullKey(value, val, prefixed(subPrefix, key), m, [...at, key]);
          }
        }
      } else {
        if (this.helm === 'v4' && !merge) {
          if (isNull(val)) continue;
          if (isTable(val)) cleanNils(val);
        }
        v.entries.set(key, val);
      }
    }
  }

  coalesceTablesFullKey(dst: VMap, src: VMap, prefix: string, merge: boolean, at: string[]): VMap {
    const srcOriginalNonNil = new Set<string>();
    const srcOriginal = new Map(src.entries);
    for (const [key, val] of src.entries) if (!isNull(val)) srcOriginalNonNil.add(key);
    for (const [key, val] of dst.entries) if (isNull(val)) src.entries.set(key, val);
    for (const [key, val] of src.entries) {
      const fullkey = prefixed(prefix, key);
      const dv = dst.entries.get(key);
      if (dv !== undefined && !merge && isNull(dv) && srcOriginalNonNil.has(key)) {
        this.deleted(dst, key, [...at, key], srcOriginal.get(key));
      } else if (dv === undefined) {
        dst.entries.set(key, val);
      } else if (isTable(val)) {
        if (isTable(dv)) {
          dv.origins.push(...val.origins.filter((o) => !dv.origins.includes(o)));
          this.coalesceTablesFullKey(dv, val, fullkey, merge, [...at, key]);
        } else {
          this.warn({ code: 'table-over-non-table', key: fullkey, path: [...at, key], message: `warning: cannot overwrite table with non table for ${fullkey} (${goValue(val)})`, user: dv.origin, default: val.origins[0] });
        }
      } else if (isTable(dv) && !isNull(val)) {
        this.warn({ code: 'non-table-under-table', key: fullkey, path: [...at, key], message: `warning: destination for ${fullkey} is a table. Ignoring non-table value (${goValue(val.value)})`, user: dv.origins[dv.origins.length - 1], default: val.origin });
      }
    }
    return dst;
  }
}

function shallowCopy(m: VMap): VMap {
  const c = new VMap([...m.origins]);
  for (const [k, v] of m.entries) c.entries.set(k, v);
  return c;
}

function cleanNils(m: VMap): void {
  for (const [k, v] of m.entries) {
    if (isNull(v)) m.entries.delete(k);
    else if (isTable(v)) cleanNils(v);
  }
}

class HelmError extends Error {
  constructor(
    message: string,
    readonly origin?: Origin,
  ) {
    super(message);
  }
}

function buildChart(spec: ChartSpec, chain: string[]): Chart {
  const here = [...chain, spec.name];
  return {
    name: spec.name,
    values: defaultsTree(spec.values, here, spec.valuesFile),
    deps: (spec.dependencies ?? []).map((d) => buildChart(d, here)),
  };
}

/** install/upgrade's dependency step: a chart with dependencies gets its defaults merged with theirs (nulls kept). */
function processImportValues(m: Merger, ch: Chart): void {
  for (const d of ch.deps) processImportValues(m, d);
  if (ch.deps.length === 0) return;
  // Helm prints the warnings of this step too (log.Printf)
  m.phase = 'chart-defaults';
  ch.values = deepCopy(m.coalesce(ch, new VMap([]), '', true));
  m.phase = 'values';
}

/**
 * The values Helm renders a release with: `files` merged in order (as `-f` options), then coalesced over the
 * chart's defaults (and its subcharts', for a wrapper chart).
 */
export function mergeDeployment(files: ValuesInput[], chart: ChartSpec, opts: MergeOptions = {}): MergeResult {
  const helm = opts.helm ?? 'v3';
  const m = new Merger(helm);
  let user = new VMap([]);
  for (let i = 0; i < files.length; i++) {
    const read = readValuesFile(files[i], i, helm, (w) => m.warn(w));
    if (read.error) {
      return { values: user, userValues: user, warnings: m.warnings, deletions: [], error: { message: read.error, origin: { kind: 'file', file: files[i].file, index: i, path: [] } } };
    }
    user = mergeMaps(user, read.map);
  }
  const root = buildChart(chart, []);
  const dest = deepCopy(user);
  try {
    if (opts.processDependencies !== false) processImportValues(m, root);
    const values = m.coalesce(root, dest, '', false);
    return { values, userValues: user, warnings: m.warnings, deletions: m.deletions };
  } catch (e) {
    if (e instanceof HelmError) return { values: dest, userValues: user, warnings: m.warnings, deletions: m.deletions, error: { message: e.message, origin: e.origin } };
    throw e;
  }
}

/**
 * The chart for a values root: `[]` is z2jh itself; `['basehub', 'jupyterhub']` is a root chart with a `basehub`
 * subchart that has the `jupyterhub` (z2jh) subchart. `wrapperValues[i]` are the defaults of the i-th chart from
 * the root (unknown: none).
 */
export function chartForValuesRoot(
  valuesRoot: readonly string[],
  z2jhDefaults: ChartSpec['values'],
  opts: { rootName?: string; wrapperValues?: ChartSpec['values'][] } = {},
): ChartSpec {
  if (valuesRoot.length === 0) return { name: 'jupyterhub', values: z2jhDefaults };
  const names = [opts.rootName ?? 'wrapper', ...valuesRoot];
  let spec: ChartSpec = { name: names[names.length - 1], values: z2jhDefaults };
  for (let i = names.length - 2; i >= 0; i--) spec = { name: names[i], values: opts.wrapperValues?.[i] ?? {}, dependencies: [spec] };
  return spec;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading the result

/** The merged tree as plain JS (what Helm's templates see). */
export function toPlain(n: VNode): unknown {
  if (n.kind === 'map') {
    const o: Record<string, unknown> = {};
    for (const [k, v] of n.entries) o[k] = toPlain(v);
    return o;
  }
  return n.value;
}

/** One warning per message and path (Helm prints a clash once per chart level it passes). */
export function uniqueWarnings(ws: MergeWarning[]): MergeWarning[] {
  const seen = new Set<string>();
  return ws.filter((w) => {
    const k = `${w.code}\u0000${(w.path ?? []).join('\u0000')}\u0000${w.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The node at a key path, or undefined. */
export function nodeAt(root: VMap, path: readonly string[]): VNode | undefined {
  let n: VNode | undefined = root;
  for (const k of path) {
    if (!n || n.kind !== 'map') return undefined;
    n = n.entries.get(k);
  }
  return n;
}

/** Who set the value at `path`: the leaf's origin, or for a map every contributor. */
export function provenanceAt(root: VMap, path: readonly string[]): Origin[] {
  const n = nodeAt(root, path);
  if (!n) return [];
  return n.kind === 'map' ? n.origins : [n.origin];
}

/** Every leaf with its path and origin (maps: their own origins are on the map). */
export function* leaves(root: VMap, path: string[] = []): Generator<{ path: string[]; node: VLeaf }> {
  for (const [k, v] of root.entries) {
    if (v.kind === 'map') yield* leaves(v, [...path, k]);
    else yield { path: [...path, k], node: v };
  }
}
