import { withoutStacks } from './util/errors';
import { parseAllDocuments, isAlias, isMap, isPair, isScalar, isSeq, type Document } from 'yaml';
import type { Node as TsNode } from 'web-tree-sitter';
import type { ConfigModel } from './model/types';
import type { Edit, Finding, Fix } from './rules/types';
import { lexPython, parsePython, pythonParser, type PythonParser } from './parse/python';
import type { Span } from './util/text';

/**
 * The engine's check of every fix a rule calls safe: a safe fix is applied without asking, so it must
 * not change what Helm, the chart or the hub reads anywhere but at the place it fixes. A fix that fails
 * (or cannot be checked) is downgraded to unsafe: still offered, never applied by --fix / fix all. Any fix
 * (safe or not) that would break the file (a new syntax error, a duplicate key) is not offered at all.
 *
 * YAML: the file is read again with the edits applied, as YAML 1.2 (this project, most tools) and as
 * YAML 1.1 (Helm's go-yaml, the chart's PyYAML). Under each reading, everything outside the edited
 * scalars must read as before (same keys in the same order, same values, same anchors); the edited
 * scalars must read the same under both versions and, when plain numbers or booleans, be spelled in
 * the one way every reader agrees on; and no new parse error (a duplicate key among them) may appear.
 * Python: the edited file must not have more syntax errors than before.
 */

/**
 * Characters re-read per analysis for checking fixes (each check reads the whole file twice): beyond
 * it, the remaining safe fixes become unsafe (unchecked) and other fixes stay as they are. Safe fixes
 * are checked first.
 */
const CHECK_BUDGET = 1_000_000;

type YamlVersion = '1.1' | '1.2';
/** ok: changes nothing but the edited values; changes: reads differently elsewhere; breaks: new parse errors */
type Verdict = 'ok' | 'changes' | 'breaks' | 'unknown';
const VERSIONS: YamlVersion[] = ['1.2', '1.1'];

/** The edits' spans in the edited text (edits sorted and not overlapping). */
function editedSpans(edits: Edit[]): { before: Span[]; after: Span[] } {
  const sorted = [...edits].sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  const before: Span[] = [];
  const after: Span[] = [];
  let shift = 0;
  for (const e of sorted) {
    before.push(e.span);
    after.push({ start: e.span.start + shift, end: e.span.start + shift + e.newText.length });
    shift += e.newText.length - (e.span.end - e.span.start);
  }
  return { before, after };
}

function applySorted(text: string, edits: Edit[]): string | undefined {
  const sorted = [...edits].sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  let out = '';
  let at = 0;
  for (const e of sorted) {
    if (e.span.start < at || e.span.end < e.span.start || e.span.end > text.length) return undefined; // overlapping or out of range
    out += text.slice(at, e.span.start) + e.newText;
    at = e.span.end;
  }
  return out + text.slice(at);
}

/** Whether a node's range and an edit's span share a character (an empty span: lies strictly inside). */
function hits(range: [number, number, number] | null | undefined, spans: Span[]): boolean {
  if (!range) return false;
  const [s, e] = range;
  return spans.some((sp) => (sp.start === sp.end ? s < sp.start && sp.start < e : sp.start < e && s < sp.end));
}

/** Whether a node lies wholly inside one edit (a value the edit replaced, e.g. a scalar by a flow list). */
function within(range: [number, number, number] | null | undefined, spans: Span[]): boolean {
  return !!range && spans.some((sp) => sp.start < sp.end && sp.start <= range[0] && range[1] <= sp.end);
}

function scalarKey(v: unknown): string {
  if (v instanceof Date) return `date:${v.toISOString()}`;
  if (v instanceof Uint8Array) return `bytes:${Buffer.from(v).toString('base64')}`;
  if (typeof v === 'symbol') return `symbol:${String(v.description)}`;
  if (typeof v === 'number' && Object.is(v, -0)) return 'number:-0';
  return `${v === null ? 'null' : typeof v}:${String(v)}`;
}

interface Walk {
  /** an edit touches an anchored node */
  hit: boolean;
  /** duplicate keys seen */
  dups: number;
}

interface Touched {
  /** the edited scalar (a key or a value), or a whole pair/item for structural edits */
  node: unknown;
}

/**
 * A comparable reading of a YAML node: collections as ordered lists, scalars with their type.
 * Scalars (and keys) that the edits touch are left out and collected in `touched`; so are pairs
 * whose key is touched (a renamed key: its whole entry moves).
 */
function canon(node: unknown, spans: Span[], touched: Touched[] | undefined, w: Walk): unknown {
  if (node === null || node === undefined) return null;
  const n = node as { anchor?: string; range?: [number, number, number] | null };
  if (n.anchor && spans.length && hits(n.range, spans)) w.hit = true;
  const anchor = n.anchor ? `&${n.anchor}` : '';
  if (isAlias(node)) return `*${node.source}`;
  if (isScalar(node)) return `${anchor}${node.tag ?? ''}|${scalarKey(node.value)}`;
  if (isMap(node)) {
    const out: unknown[] = [anchor, node.tag ?? '', 'map'];
    const keys = new Set<string>();
    for (const p of node.items) {
      // duplicate keys, counted as read (under YAML 1.1, `on` and `true` are the same key)
      const kk = isScalar(p.key) ? scalarKey(p.key.value) : JSON.stringify(canon(p.key, [], undefined, { hit: false, dups: 0 }));
      if (keys.has(kk)) w.dups++;
      else keys.add(kk);
      const k = p.key as { range?: [number, number, number] | null } | null;
      const v = p.value as { range?: [number, number, number] | null } | null;
      if (touched && hits(k?.range, spans)) {
        touched.push({ node: p.key });
        // the entry moves to its new key; an edited scalar value is checked as edited, anything else as before
        if ((isScalar(p.value) || isAlias(p.value)) && hits(v?.range, spans)) {
          touched.push({ node: p.value });
          out.push(['<renamed>', '<edited>']);
        } else out.push(['<renamed>', canon(p.value, spans, touched, w)]);
        continue;
      }
      if (touched && (isScalar(p.value) || isAlias(p.value) || within(v?.range, spans)) && hits(v?.range, spans)) {
        touched.push({ node: p.value });
        out.push([canon(p.key, spans, touched, w), '<edited>']);
        continue;
      }
      out.push([canon(p.key, spans, touched, w), canon(p.value, spans, touched, w)]);
    }
    return out;
  }
  if (isSeq(node)) {
    const out: unknown[] = [anchor, node.tag ?? '', 'seq'];
    for (const it of node.items) {
      const r = (it as { range?: [number, number, number] } | null)?.range;
      if (touched && (isScalar(it) || isAlias(it) || within(r, spans)) && hits(r, spans)) {
        touched.push({ node: it });
        out.push('<edited>');
        continue;
      }
      out.push(canon(it, spans, touched, w));
    }
    return out;
  }
  if (isPair(node)) return [canon(node.key, spans, touched, w), canon(node.value, spans, touched, w)];
  return String(node);
}

/** A plain number or boolean written so that YAML 1.1 and 1.2 readers agree (no 010, 0x1f, 1_000, 1e3, yes, on). */
function plainSpellingAgreed(node: unknown): boolean {
  if (isMap(node)) return node.items.every((p) => plainSpellingAgreed(p.key) && plainSpellingAgreed(p.value));
  if (isSeq(node)) return node.items.every(plainSpellingAgreed);
  if (!isScalar(node) || node.type !== 'PLAIN') return true;
  const src = node.source ?? '';
  const v = node.value;
  if (typeof v === 'number' || typeof v === 'bigint') return /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/.test(src);
  if (typeof v === 'boolean') return /^(true|false|True|False|TRUE|FALSE)$/.test(src);
  if (v === null) return /^(null|Null|NULL|~|)$/.test(src);
  return true;
}

interface YamlReading {
  docs: Document[];
  errors: Map<string, number>;
}

function readYaml(text: string, version: YamlVersion): YamlReading {
  const docs = withoutStacks(() => parseAllDocuments(text, { version, uniqueKeys: false, merge: true, strict: false, prettyErrors: false }));
  const list = Array.isArray(docs) ? docs : [];
  const errors = new Map<string, number>();
  for (const d of list) for (const e of d.errors) errors.set(e.code, (errors.get(e.code) ?? 0) + 1);
  return { docs: list, errors };
}

interface State {
  model: ConfigModel;
  budget: number;
  yaml?: Record<YamlVersion, YamlReading>;
  keys?: Record<YamlVersion, ReturnType<typeof keyIndex>>;
  pyErrors?: number;
  parser?: PythonParser;
}

function yamlVerdict(st: State, edits: Edit[]): Verdict {
  const text = st.model.text;
  const after = applySorted(text, edits);
  if (after === undefined) return 'breaks';
  st.yaml ??= { '1.1': readYaml(text, '1.1'), '1.2': readYaml(text, '1.2') };
  const spans = editedSpans(edits);
  const touchedAfter: Record<YamlVersion, Touched[]> = { '1.1': [], '1.2': [] };
  for (const v of VERSIONS) {
    const b = st.yaml[v];
    const a = readYaml(after, v);
    // a new parse error, a duplicate key among them: the file is broken, not just changed
    for (const [code, n] of a.errors) if (n > (b.errors.get(code) ?? 0)) return 'breaks';
    if (a.docs.length !== b.docs.length) return 'changes';
    let verdict: Verdict = 'ok';
    for (let i = 0; i < a.docs.length; i++) {
      const wb: Walk = { hit: false, dups: 0 };
      const wa: Walk = { hit: false, dups: 0 };
      const cb = JSON.stringify(canon(b.docs[i].contents, spans.before, [], wb));
      const ca = JSON.stringify(canon(a.docs[i].contents, spans.after, touchedAfter[v], wa));
      if (wa.dups > wb.dups) return 'breaks';
      // an edit in an anchored node would change every alias of it too
      if (wb.hit || ca !== cb) verdict = 'changes';
    }
    if (verdict !== 'ok') return verdict;
  }
  // the edited scalars: the same reading under both versions, spelled unambiguously
  const t11 = touchedAfter['1.1'];
  const t12 = touchedAfter['1.2'];
  if (t11.length !== t12.length) return 'changes';
  for (let i = 0; i < t12.length; i++) {
    if (JSON.stringify(canon(t11[i].node, [], undefined, { hit: false, dups: 0 })) !== JSON.stringify(canon(t12[i].node, [], undefined, { hit: false, dups: 0 }))) return 'changes';
    if (!plainSpellingAgreed(t12[i].node)) return 'changes';
  }
  return 'ok';
}

function pyErrorCount(parser: PythonParser, text: string): number | undefined {
  const tree = parsePython(parser, lexPython(text).parseText);
  if (!tree) return undefined;
  try {
    let n = 0;
    const walk = (node: TsNode) => {
      if (node.isError || node.isMissing) n++;
      if (!node.hasError) return;
      for (const c of node.children) if (c && (c.hasError || c.isMissing || c.isError)) walk(c);
    };
    walk(tree.rootNode);
    return n;
  } finally {
    tree.delete();
  }
}

function pythonVerdict(st: State, edits: Edit[]): Verdict {
  const text = st.model.text;
  const after = applySorted(text, edits);
  if (after === undefined || !st.parser) return 'breaks';
  st.pyErrors ??= pyErrorCount(st.parser, text);
  if (st.pyErrors === undefined) return 'unknown';
  const n = pyErrorCount(st.parser, after);
  return n === undefined ? 'unknown' : n <= st.pyErrors ? 'ok' : 'breaks';
}

function verdict(st: State, edits: Edit[]): Verdict {
  const cost = st.model.text.length * (st.model.kind === 'z2jh_values' ? 2 : 1);
  if (st.budget < cost) return 'unknown';
  st.budget -= cost;
  try {
    return st.model.kind === 'z2jh_values' ? yamlVerdict(st, edits) : pythonVerdict(st, edits);
  } catch {
    return 'unknown';
  }
}

async function stateFor(model: ConfigModel): Promise<State> {
  return { model, budget: CHECK_BUDGET, parser: model.kind === 'z2jh_values' ? undefined : await pythonParser() };
}

/** Key scalars of every mapping, by the offset where the key starts (for the rename check). */
function keyIndex(r: YamlReading): Map<number, { map: { items: { key: unknown }[] }; key: unknown }> {
  const out = new Map<number, { map: { items: { key: unknown }[] }; key: unknown }>();
  let budget = 1_000_000;
  const walk = (n: unknown, depth: number) => {
    if (--budget < 0 || depth > 500) return;
    if (isMap(n)) {
      for (const p of n.items) {
        const kr = (p.key as { range?: [number, number, number] } | null)?.range;
        if (kr) out.set(kr[0], { map: n, key: p.key });
        walk(p.value, depth + 1);
      }
    } else if (isSeq(n)) for (const it of n.items) walk(it, depth + 1);
  };
  for (const d of r.docs) walk(d.contents, 0);
  return out;
}

/** Whether edits rename a key to one its mapping already has (a duplicate key: the file is broken). */
function renameClash(st: State, edits: Edit[]): boolean {
  st.yaml ??= { '1.1': readYaml(st.model.text, '1.1'), '1.2': readYaml(st.model.text, '1.2') };
  st.keys ??= { '1.1': keyIndex(st.yaml['1.1']), '1.2': keyIndex(st.yaml['1.2']) };
  for (const v of VERSIONS) {
    const added = new Map<object, Set<string>>();
    for (const e of edits) {
      const hit = st.keys[v].get(e.span.start);
      const kr = (hit?.key as { range?: [number, number, number] } | undefined)?.range;
      if (!hit || !kr || e.span.end > kr[1]) continue;
      const text = st.model.text;
      const newKey = text.slice(kr[0], e.span.start) + e.newText + text.slice(e.span.end, kr[1]);
      const parsed = parseAllDocuments(newKey, { version: v });
      const node = Array.isArray(parsed) ? parsed[0]?.contents : undefined;
      if (!isScalar(node)) continue;
      const k = scalarKey(node.value);
      const mine = added.get(hit.map) ?? new Set<string>();
      if (mine.has(k)) return true;
      mine.add(k);
      added.set(hit.map, mine);
      if (hit.map.items.some((p) => p.key !== hit.key && isScalar(p.key) && scalarKey(p.key.value) === k)) return true;
    }
  }
  return false;
}

/**
 * Checks the fixes of findings (in place): a fix that breaks the file (a new syntax error or duplicate
 * key) is dropped, whatever its applicability; a safe fix that changes anything else, or that could not
 * be checked, becomes unsafe. To keep this to a few re-reads of the file, the safe fixes are first
 * checked together (then each only for a clash of renamed keys); only when that fails, one by one.
 * Other fixes are checked for key clashes only.
 */
export async function checkFixes(model: ConfigModel, findings: Finding[]): Promise<void> {
  if (!findings.some((f) => f.fixes.length)) return;
  // mixed lone \r and \n line ends: the fuzzer found fixes landing at the wrong place there (not yet
  // understood), so nothing is applied unasked in such a file
  if (/\r(?!\n)/.test(model.text) && /(^|[^\r])\n/.test(model.text)) {
    for (const f of findings) for (const x of f.fixes) if (x.applicability === 'safe') x.applicability = 'unsafe';
    return;
  }
  const st = await stateFor(model);
  const yaml = model.kind === 'z2jh_values';
  const verdicts = new Map<object, Verdict>();
  const safe = findings.flatMap((f) => f.fixes.filter((x) => x.applicability === 'safe'));
  const together: Fix[] = [];
  const overlaps = (x: Fix) => x.edits.some((e) => together.some((t) => t.edits.some((c) => e.span.start < c.span.end && c.span.start < e.span.end || e.span.start === c.span.start)));
  for (const x of safe) if (!overlaps(x)) together.push(x);
  const alone = safe.filter((x) => !together.includes(x));
  if (together.length > 1 && verdict(st, together.flatMap((x) => x.edits)) === 'ok') {
    for (const x of together) verdicts.set(x, yaml && safeCatch(() => renameClash(st, x.edits)) ? 'breaks' : 'ok');
  } else alone.unshift(...together);
  for (const x of alone) verdicts.set(x, verdict(st, x.edits));
  for (const f of findings) {
    if (!f.fixes.length) continue;
    f.fixes = f.fixes.filter((x) => {
      const v = verdicts.get(x) ?? (yaml && safeCatch(() => renameClash(st, x.edits)) ? 'breaks' : 'unknown');
      if (v === 'breaks') return false;
      if (x.applicability === 'safe' && v !== 'ok') x.applicability = 'unsafe';
      return true;
    });
  }
}

function safeCatch(f: () => boolean): boolean {
  try {
    return f();
  } catch {
    return true;
  }
}

/** The same check for a set of edits from several safe fixes applied together (fix all). */
export async function editsKeepMeaning(model: ConfigModel, edits: Edit[]): Promise<boolean> {
  return verdict(await stateFor(model), edits) === 'ok';
}
