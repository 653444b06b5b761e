import { withoutStacks } from '../util/errors';
import { isTemplateText, templateSkipReason, templateStatementAt } from './placeholder';
import { parseAllDocuments, isAlias, isMap, isNode, isScalar, isSeq, isPair, type Alias, type Document, type Node as YNode, Scalar, type YAMLMap } from 'yaml';
import type { ChartSetting, ConfigModel, DictEntry, EmbeddedRegion, TraitOp, Value } from './types';
import { modelFromPythonSync } from './fromPython';
import { pythonParser } from '../parse/python';
import { LineIndex, loneCrToLf, type Span } from '../util/text';
import { chartTraitMap } from '../catalog/z2jh';
import { blockLiteralStarts, mapFromStarts, snippetModel } from './embeddedPython';

/** Keys that mark a z2jh values mapping. */
export const Z2JH_KEYS = ['hub', 'proxy', 'singleuser', 'prePuller', 'cull', 'scheduling', 'ingress', 'rbac', 'imagePullSecret', 'imagePullSecrets', 'custom', 'debug', 'global', 'fullnameOverride', 'nameOverride'];
const CORE_KEYS = ['hub', 'proxy', 'singleuser'];
/** Other top-level keys of the chart: a split values file may set only these (ingress, pre-puller, ...). */
const CHART_KEYS = [...CORE_KEYS, 'scheduling', 'prePuller', 'ingress', 'httpRoute', 'cull', 'imagePullSecret', 'imagePullSecrets'];
/** Parent charts that nest z2jh under a key. */
const WRAPPERS = [['jupyterhub'], ['basehub', 'jupyterhub'], ['daskhub', 'jupyterhub'], ['binderhub', 'jupyterhub']];

/** Bound on YAML nodes converted per document, so that alias bombs cannot blow up. */
const MAX_NODES = 200_000;

function keyName(k: unknown): string | undefined {
  if (isScalar(k)) {
    if (typeof k.value === 'symbol') return '<<';
    if (k.value === null) return 'null';
    return String(k.value);
  }
  return undefined;
}

function span(n: { range?: [number, number, number] | null } | null | undefined, fallback: Span = { start: 0, end: 0 }): Span {
  if (!n?.range) return fallback;
  return { start: n.range[0], end: n.range[1] };
}

/** A block collection's range runs on to the next line (and over comments after it): end it at its last character. */
function blockSpan(node: { flow?: boolean }, sp: Span, text: string): Span {
  if (node.flow) return sp;
  let end = sp.end;
  while (end > sp.start && /\s/.test(text[end - 1])) end--;
  return end === sp.end ? sp : { start: sp.start, end };
}

/** What the YAML parser says when a document nests deeper than it can compose. */
export const TOO_DEEP = 'the YAML is too deeply nested to analyse';

/**
 * The targets of a document's aliases, found in one walk on first use. (yaml's `Alias.resolve(doc)`
 * walks the whole document on every call: an alias-heavy file then takes minutes.) The target is the
 * last node with that anchor before the alias, in document order, as yaml resolves it.
 */
export class AliasTargets {
  private targets?: Map<Alias, YNode | undefined>;
  constructor(private readonly doc: Document) {}

  resolve(a: Alias): YNode | undefined {
    this.targets ??= aliasTargets(this.doc);
    return this.targets.get(a);
  }

  /** The node itself, or the target of an alias. */
  deref(n: unknown): unknown {
    return isAlias(n) ? this.resolve(n) : n;
  }
}

function aliasTargets(doc: Document): Map<Alias, YNode | undefined> {
  const out = new Map<Alias, YNode | undefined>();
  const anchors = new Map<string, YNode>();
  // an explicit stack: deep documents must not need a deep call stack
  const stack: unknown[] = [doc.contents];
  while (stack.length) {
    const n = stack.pop();
    if (isAlias(n)) {
      out.set(n, anchors.get(n.source));
      continue;
    }
    if (!isNode(n)) continue;
    if (n.anchor) anchors.set(n.anchor, n);
    if (isMap(n)) {
      for (let i = n.items.length - 1; i >= 0; i--) stack.push(n.items[i].value, n.items[i].key);
    } else if (isSeq(n)) {
      for (let i = n.items.length - 1; i >= 0; i--) stack.push(n.items[i]);
    }
  }
  return out;
}

/** Finds where the chart values start: the document root or under a wrapper key (jupyterhub:, basehub.jupyterhub:, ...). */
export function findValuesRoot(root: YNode | null | undefined, doc: Document, aliases = new AliasTargets(doc)): string[] | undefined {
  const has = (m: YNode | null | undefined, keys: string[]) => isMap(m) && m.items.some((p) => keys.includes(keyName(p.key) ?? ''));
  const child = (m: YNode | null | undefined, key: string): YNode | undefined => {
    if (!isMap(m)) return undefined;
    const p = m.items.find((x) => keyName(x.key) === key);
    const v = p?.value as YNode | undefined;
    return aliases.deref(v) as YNode | undefined;
  };
  if (has(root, CORE_KEYS)) return [];
  for (const w of WRAPPERS) {
    let cur: YNode | undefined = root ?? undefined;
    for (const k of w) cur = child(cur, k);
    if (cur && has(cur, CORE_KEYS)) return w;
  }
  // any key (two levels at most) whose mapping holds hub/proxy/singleuser
  if (isMap(root)) {
    for (const p of root.items) {
      const k = keyName(p.key);
      const v = child(root, k ?? '');
      if (k && has(v, CORE_KEYS)) return [k];
      if (k && isMap(v)) for (const q of v.items) {
        const k2 = keyName(q.key);
        if (k2 && has(child(v, k2), CORE_KEYS)) return [k, k2];
      }
    }
  }
  // a split file that sets only other chart keys: under a wrapper of a known parent chart, or at the root
  for (const w of WRAPPERS) {
    let cur: YNode | undefined = root ?? undefined;
    for (const k of w) cur = child(cur, k);
    if (cur && has(cur, CHART_KEYS)) return w;
  }
  if (has(root, CHART_KEYS)) return [];
  return undefined;
}

interface Ctx {
  /** line starts of the whole file, built once for all extraConfig snippets */
  lineIndex?: LineIndex;
  doc: Document;
  aliases: AliasTargets;
  docIndex: number;
  budget: { nodes: number };
  model: ConfigModel;
  text: string;
}

/** A YAML node as a model value (aliases resolved, merge keys applied, spans at the written place). */
function toValue(node: unknown, c: Ctx, depth = 0, at?: Span): Value {
  const sp = at ?? span(node as YNode);
  if (--c.budget.nodes < 0 || depth > 100) return { kind: 'expr', nodeType: 'too-large', span: sp };
  if (isAlias(node)) {
    const target = c.aliases.resolve(node);
    return target ? toValue(target, c, depth + 1, span(node)) : { kind: 'expr', nodeType: 'alias', span: sp };
  }
  if (isScalar(node)) {
    const v = node.value;
    if (v === null || v === undefined) return { kind: 'none', span: sp };
    if (typeof v === 'boolean') return { kind: 'bool', value: v, span: sp };
    if (typeof v === 'number') return Number.isInteger(v) && !/[.eE]/.test(node.source ?? String(v)) ? { kind: 'int', value: v, span: sp } : { kind: 'float', value: v, span: sp };
    if (typeof v === 'bigint') return { kind: 'int', value: Number(v), span: sp };
    const plain = node.type === Scalar.PLAIN || node.type === Scalar.QUOTE_SINGLE || node.type === Scalar.BLOCK_LITERAL;
    const str = String(v);
    if (node.type !== Scalar.BLOCK_LITERAL && node.type !== Scalar.BLOCK_FOLDED && isTemplateText(str)) return { kind: 'str', value: str, span: sp, plain, template: true };
    return { kind: 'str', value: str, span: sp, plain };
  }
  // an unquoted `{{ x }}` parses as a flow mapping in a flow mapping: it is a template placeholder
  if ((isMap(node) || isSeq(node)) && node.flow && node.range) {
    const src = c.text.slice(node.range[0], node.range[1]);
    if (src.startsWith('{{') && isTemplateText(src)) return { kind: 'str', value: src, span: sp, plain: true, template: true };
  }
  if (isSeq(node)) return { kind: 'list', items: node.items.map((i) => toValue(i, c, depth + 1)), span: blockSpan(node, sp, c.text) };
  if (isMap(node)) {
    const entries: DictEntry[] = [];
    const merged: DictEntry[] = [];
    for (const p of node.items) {
      const k = keyName(p.key);
      if (k === '<<') {
        const srcs = isSeq(p.value) ? p.value.items : [p.value];
        for (const s of srcs) {
          const v = toValue(s, c, depth + 1);
          if (v.kind === 'dict') merged.push(...v.entries);
        }
        continue;
      }
      const keySpan = span(p.key as YNode);
      const key: Value = k === undefined ? { kind: 'expr', nodeType: 'complex-key', span: keySpan } : { kind: 'str', value: k, span: keySpan, plain: true };
      const valSpan = p.value ? span(p.value as YNode) : { start: keySpan.end, end: keySpan.end };
      const value = p.value === null || p.value === undefined ? { kind: 'none' as const, span: valSpan } : toValue(p.value, c, depth + 1);
      entries.push({ key, value, span: { start: keySpan.start, end: Math.max(keySpan.end, value.span.end) } });
    }
    for (const m of merged) if (!entries.some((e) => e.key.kind === 'str' && m.key.kind === 'str' && e.key.value === m.key.value)) entries.push(m);
    return { kind: 'dict', entries, span: blockSpan(node, sp, c.text) };
  }
  return { kind: 'expr', nodeType: 'yaml', span: sp };
}

/** The template statement a YAML error stands on, if any. */
function templateTag(text: string, docs: Document[]): { line: number; text: string } | undefined {
  // each line once, and the first errors only: a broken file can have thousands on one line
  const seen = new Set<number>();
  const idx = LineIndex.of(text);
  for (const d of docs) {
    for (const e of d.errors) {
      const lineStart = idx.positionAt(e.pos[0]).line;
      if (seen.has(lineStart)) continue;
      if (seen.size >= 200) return undefined;
      seen.add(lineStart);
      const tag = templateStatementAt(text, e.pos[0]);
      if (tag) return tag;
    }
  }
  return undefined;
}

function flatten(v: Value, path: string[], keySpan: Span, pairSpan: Span, c: Ctx, out: ChartSetting[]): void {
  out.push({ path, value: v, keySpan, span: pairSpan, doc: c.docIndex });
  if (v.kind === 'dict' && path.length < 12) {
    for (const e of v.entries) if (e.key.kind === 'str') flatten(e.value, [...path, e.key.value], e.key.span, e.span, c, out);
  }
}

/**
 * Offset mapping for Python in a YAML scalar: exact for literal block scalars (| |- |+ |2) and for
 * single-line plain or quoted scalars without escapes; otherwise the caller falls back to the scalar.
 */
export function scalarMapping(text: string, node: Scalar, lineIndex?: LineIndex): { map: (o: number) => number; exact: boolean; fixable: boolean; value: string } {
  const value = String(node.value ?? '');
  const [start, end] = node.range ?? [0, 0, 0];
  const none = { map: () => -1, exact: false, fixable: false, value };
  if (node.type === Scalar.BLOCK_LITERAL) {
    const starts = blockLiteralStarts(text, start, value, lineIndex ?? new LineIndex(text), end);
    return starts ? { map: mapFromStarts(value, starts), exact: true, fixable: true, value } : none;
  }
  const src = text.slice(start, end);
  if (src.includes('\n')) return none;
  if (node.type === Scalar.PLAIN && src === value) return { map: (o) => start + o, exact: true, fixable: false, value };
  if ((node.type === Scalar.QUOTE_SINGLE || node.type === Scalar.QUOTE_DOUBLE) && src.slice(1, -1) === value) return { map: (o) => start + 1 + o, exact: true, fixable: false, value };
  return none;
}

export interface YamlModelOptions {
  /** force the values root (otherwise found per document) */
  valuesRoot?: string[];
}

/** Parses a z2jh values file into the config model: chart settings, hub.config traits, loadRoles, services, extraConfig Python. */
export async function modelFromYaml(text: string, opts: YamlModelOptions = {}): Promise<ConfigModel> {
  const parser = await pythonParser();
  const model: ConfigModel = {
    kind: 'z2jh_values',
    text,
    ops: [],
    configNames: ['c'],
    // z2jh's own jupyterhub_config.py imports os before it runs hub.extraConfig
    imports: { os: true, insertAt: 0 },
    syntaxErrors: [],
    definedClasses: [],
    comments: [],
    chart: [],
    valuesRoots: [],
    embedded: [],
  };
  // the yaml package reads a lone \r as a plain character; YAML 1.2 (and Helm, PyYAML) as a line end
  const src = loneCrToLf(text);
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    docs = withoutStacks(() => parseAllDocuments(src, { merge: true, uniqueKeys: false, strict: false, prettyErrors: false }));
  } catch (e) {
    // the parser recurses once per nesting level: a deep enough document overflows the stack
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      model.skipped = TOO_DEEP;
      return model;
    }
    throw e;
  }
  const list = Array.isArray(docs) ? docs : [docs];
  const tag = templateTag(src, list);
  if (tag) {
    model.skipped = templateSkipReason(tag);
    return model;
  }
  // the composer stopped on a stack overflow (RESOURCE_EXHAUSTION): the file may be valid, it is not a syntax error
  if (list.some((d) => d.errors.some((e) => e.code === 'RESOURCE_EXHAUSTION'))) {
    model.skipped = TOO_DEEP;
    return model;
  }
  const traitMap = chartTraitMap();
  collectComments(text, model);
  for (let docIndex = 0; docIndex < list.length; docIndex++) {
    const doc = list[docIndex];
    for (const e of doc.errors) model.syntaxErrors.push({ span: { start: e.pos[0], end: Math.max(e.pos[0], e.pos[1]) }, message: `YAML syntax error: ${e.message.split('\n')[0]}` });
    const aliases = new AliasTargets(doc);
    const rootPath = opts.valuesRoot ?? findValuesRoot(doc.contents as YNode, doc, aliases);
    if (!rootPath) continue;
    model.valuesRoots!.push(rootPath);
    const c: Ctx = { doc, aliases, docIndex, budget: { nodes: MAX_NODES }, model, text: src };
    let node: unknown = doc.contents;
    let keySpan: Span = span(node as YNode);
    let found = true;
    for (const k of rootPath) {
      const p: unknown = isMap(node) ? (node as YAMLMap).items.find((x) => keyName(x.key) === k) : undefined;
      if (!isPair(p)) {
        found = false;
        break;
      }
      keySpan = span(p.key as YNode);
      node = aliases.deref(p.value);
    }
    if (!found) continue;
    const values = toValue(node, c);
    if (c.budget.nodes < 0) model.skipped = `the YAML expands to more than ${MAX_NODES} nodes (aliases?): not analysed`;
    if (values.kind !== 'dict') continue;
    const settings: ChartSetting[] = [];
    for (const e of values.entries) if (e.key.kind === 'str') flatten(e.value, [e.key.value], e.key.span, e.span, c, settings);
    model.chart.push(...settings);
    model.ops.push(...settingOps(settings, traitMap));
    for (const s of settings) if (isSnippet(s)) embedPython(findScalar(doc, aliases, [...rootPath, ...s.path]), c, parser);
  }
  model.ops.sort((a, b) => a.span.start - b.span.start);
  return model;
}

/** `hub.extraConfig.<name>` (or the old string form of `hub.extraConfig`): Python the chart runs. */
export function isSnippet(s: ChartSetting): boolean {
  const p = s.path;
  return (p.length === 3 && p[0] === 'hub' && p[1] === 'extraConfig') || (p.length === 2 && p[0] === 'hub' && p[1] === 'extraConfig' && s.value.kind === 'str');
}

/**
 * The traitlets operations that chart settings stand for: `hub.config.<Class>.<trait>`, chart values
 * the chart copies onto a trait, `hub.loadRoles` and `hub.services`. `classKey` finds the key span of
 * a `hub.config.<Class>` section for a trait setting (by default: in the same YAML document).
 */
export function settingOps(settings: ChartSetting[], traitMap = chartTraitMap(), classKey?: (s: ChartSetting) => Span | undefined): TraitOp[] {
  const ops: TraitOp[] = [];
  const sections = new Map<string, ChartSetting>();
  for (const x of settings) if (x.path.length === 3 && x.path[0] === 'hub' && x.path[1] === 'config' && !sections.has(`${x.doc}|${x.path[2]}`)) sections.set(`${x.doc}|${x.path[2]}`, x);
  for (const s of settings) {
    const p = s.path;
    // hub.config.<Class>.<trait>: the same traitlet operation as c.Class.trait = value
    if (p.length === 4 && p[0] === 'hub' && p[1] === 'config') {
      const clsSpan = classKey ? classKey(s) : sections.get(`${s.doc}|${p[2]}`)?.keySpan;
      ops.push({ cls: p[2], trait: p[3], op: '=', value: s.value, conditional: false, span: s.span, clsSpan: clsSpan ?? s.keySpan, traitSpan: s.keySpan, form: 'attr', origin: 'hub.config' });
    }
    const dotted = p.join('.');
    // chart values that the chart copies onto a trait
    for (const m of traitMap.get(dotted) ?? []) {
      const [cls, trait] = m.split('.');
      ops.push({ cls, trait, op: '=', value: s.value, conditional: false, span: s.span, clsSpan: s.keySpan, traitSpan: s.keySpan, form: 'attr', origin: 'chart', chartPath: dotted });
    }
    if (dotted === 'hub.loadRoles' && s.value.kind === 'dict') ops.push(namedList(s, 'load_roles'));
    if (dotted === 'hub.services' && s.value.kind === 'dict') ops.push(namedList(s, 'services'));
  }
  return ops;
}

/** hub.loadRoles / hub.services: a mapping of name → dict becomes a list of dicts with `name`. */
function namedList(s: ChartSetting, trait: string): TraitOp {
  const items: Value[] = [];
  if (s.value.kind === 'dict') {
    for (const e of s.value.entries) {
      if (e.key.kind !== 'str') continue;
      if (e.value.kind !== 'dict') {
        items.push(e.value);
        continue;
      }
      const hasName = e.value.entries.some((x) => x.key.kind === 'str' && x.key.value === 'name');
      const entries = hasName ? e.value.entries : [{ key: { ...e.key }, value: { ...e.key }, span: e.key.span } as DictEntry, ...e.value.entries];
      if (!hasName) entries[0].key = { kind: 'str', value: 'name', span: e.key.span, plain: true };
      items.push({ kind: 'dict', entries, span: e.value.span });
    }
  }
  return { cls: 'JupyterHub', trait, op: '=', value: { kind: 'list', items, span: s.value.span }, conditional: false, span: s.span, clsSpan: s.keySpan, traitSpan: s.keySpan, form: 'attr', origin: 'chart', chartPath: s.path.join('.') };
}

function findScalar(doc: Document, aliases: AliasTargets, path: string[]): Scalar | undefined {
  let node: unknown = doc.contents;
  for (const k of path) {
    node = aliases.deref(node);
    if (!isMap(node)) return undefined;
    const p = (node as YAMLMap).items.find((x) => keyName(x.key) === k);
    node = p?.value;
  }
  node = aliases.deref(node);
  return isScalar(node) && typeof node.value === 'string' ? node : undefined;
}

function embedPython(node: Scalar | undefined, c: Ctx, parser: Awaited<ReturnType<typeof pythonParser>>): void {
  if (!node?.range) return;
  c.lineIndex ??= LineIndex.of(c.text);
  const m = scalarMapping(c.text, node, c.lineIndex);
  const scalarSpan = { start: node.range[0], end: node.range[1] };
  const region: EmbeddedRegion = { span: scalarSpan, exact: m.exact, fixable: m.fixable };
  c.model.embedded!.push(region);
  // exact positions: the snippet's model is kept (in its own coordinates) and placed here, so an edit
  // elsewhere in the file does not parse this Python again
  const sub = m.exact ? snippetModel(parser, m.value, m.map) : modelFromPythonSync(parser, m.value, { kind: 'z2jh_values', mapOffset: m.map, fallbackSpan: scalarSpan });
  c.model.ops.push(...sub.ops);
  c.model.syntaxErrors.push(...sub.syntaxErrors);
  c.model.definedClasses.push(...sub.definedClasses);
  if (sub.functions?.length) (c.model.functions ??= []).push(...sub.functions);
  for (const n of sub.configNames) if (!c.model.configNames.includes(n)) c.model.configNames.push(n);
  // comments inside the Python are already comments of the file (collectComments reads every line)
}

function collectComments(text: string, model: ConfigModel): void {
  // `#` at line start or after whitespace: YAML comments, and comments of Python in block scalars
  const re = /(^|[ \t])(#[^\n\r]*)/gm;
  for (const m of text.matchAll(re)) {
    const start = m.index! + m[1].length;
    model.comments.push({ span: { start, end: start + m[2].length }, text: m[2] });
  }
}
