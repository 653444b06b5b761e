import type { LineIndex, Span } from '../util/text';
import type { DictEntry, FunctionInfo, SecretSource, SyntaxProblem, TraitOp, Value } from './types';
import { modelFromPythonSync } from './fromPython';
import type { PythonParser } from '../parse/python';

/**
 * Python in z2jh values (`hub.extraConfig`): offset mapping for literal block scalars, and the
 * snippet cache. A snippet whose positions map exactly (a literal block scalar) is parsed once, its
 * model kept in the snippet's own coordinates and placed at the snippet's current position: editing
 * the YAML around it, or another snippet, does not parse it again.
 */

/**
 * Where each line of a literal block scalar's value starts in the document, or undefined when the
 * value cannot be placed line by line. `start` is the offset of the `|` indicator; `end` (the end
 * of the scalar) places empty lines past the end of the file, which cannot be placed without it.
 */
export function blockLiteralStarts(text: string, start: number, value: string, idx: LineIndex, end?: number): number[] | undefined {
  const headerEnd = text.indexOf('\n', start);
  if (headerEnd < 0) return undefined;
  const firstLine = idx.positionAt(headerEnd + 1).line;
  const lines = value.split('\n');
  const tryIndent = (indent: number) => {
    const starts: number[] = [];
    for (let i = 0; i < lines.length; i++) {
      const ln = firstLine + i;
      // the empty string after the final line break stands for the end of the content
      if (i === lines.length - 1 && lines[i] === '' && i > 0) {
        starts.push(starts[i - 1] + lines[i - 1].length + 1);
        continue;
      }
      if (ln >= idx.lineCount) {
        if (lines[i] === '' && end !== undefined) {
          starts.push(end);
          continue;
        }
        return undefined;
      }
      const ls = idx.lineStart(ln);
      const le = idx.lineEnd(ln);
      if (lines[i] === '') {
        if (text.slice(ls, le).trim() !== '') return undefined;
        starts.push(Math.min(ls + indent, le));
      } else {
        if (le - ls < indent || text.slice(ls, ls + indent).trim() !== '' || le - ls - indent !== lines[i].length || !text.startsWith(lines[i], ls + indent)) return undefined;
        starts.push(ls + indent);
      }
    }
    return starts;
  };
  const firstNonEmpty = lines.find((l) => l !== '');
  if (firstNonEmpty === undefined) return undefined;
  const ln = firstLine + lines.indexOf(firstNonEmpty);
  const src = ln < idx.lineCount ? text.slice(idx.lineStart(ln), idx.lineEnd(ln)) : '';
  const guess = src.length - src.trimStart().length - (firstNonEmpty.length - firstNonEmpty.trimStart().length);
  let starts = tryIndent(guess);
  for (let k = 0; !starts && k <= 40; k++) starts = tryIndent(k);
  return starts;
}

/** The offset map for a value whose lines start at `starts` in the document. */
export function mapFromStarts(value: string, starts: number[]): (o: number) => number {
  const lineOffsets: number[] = [];
  let acc = 0;
  for (const l of value.split('\n')) {
    lineOffsets.push(acc);
    acc += l.length + 1;
  }
  return (o: number) => {
    let lo = 0;
    let hi = lineOffsets.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineOffsets[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return starts[lo] + (o - lineOffsets[lo]);
  };
}

/** What a snippet contributes to the file's model. */
export interface SnippetModel {
  ops: TraitOp[];
  syntaxErrors: SyntaxProblem[];
  definedClasses: string[];
  configNames: string[];
  functions?: FunctionInfo[];
}

/** Snippet text → its model in snippet coordinates; least recently used first. */
const cache = new Map<string, SnippetModel>();
let cachedChars = 0;
/**
 * Bounds: the snippets of the values files being edited, not every snippet ever seen (a model
 * takes several times the memory of its text).
 */
const MAX_CACHED = 48;
const MAX_CACHED_CHARS = 1_000_000;
const MAX_SNIPPET_CHARS = 500_000;

/**
 * The model of a snippet placed by `map` (an exact, monotonic offset map: it never answers -1).
 * Equal to parsing the snippet with `mapOffset: map`, which the tests check.
 */
export function snippetModel(parser: PythonParser, text: string, map: (o: number) => number): SnippetModel {
  let local = cache.get(text);
  if (local) {
    cache.delete(text);
    cache.set(text, local);
  } else {
    const m = modelFromPythonSync(parser, text, { kind: 'z2jh_values' });
    local = { ops: m.ops, syntaxErrors: m.syntaxErrors, definedClasses: m.definedClasses, configNames: m.configNames, functions: m.functions };
    // a parse that ran out of time is not kept: the next analysis tries again
    if (!m.skipped && text.length <= MAX_SNIPPET_CHARS) {
      cache.set(text, local);
      cachedChars += text.length;
      for (const k of cache.keys()) {
        if (cachedChars <= MAX_CACHED_CHARS && cache.size <= MAX_CACHED) break;
        cache.delete(k);
        cachedChars -= k.length;
      }
    }
  }
  const sp = (x: Span): Span => ({ start: map(x.start), end: map(x.end) });
  return {
    ops: local.ops.map((op) => placeOp(op, sp)),
    syntaxErrors: local.syntaxErrors.map((e) => ({ ...e, span: sp(e.span) })),
    definedClasses: [...local.definedClasses],
    configNames: [...local.configNames],
    functions: local.functions?.map((f) => placeFunction(f, sp)),
  };
}

function placeFunction(f: FunctionInfo, sp: (x: Span) => Span): FunctionInfo {
  const src = (s: SecretSource): SecretSource => ({ ...s, span: sp(s.span) });
  return {
    ...f,
    span: sp(f.span),
    nameSpan: sp(f.nameSpan),
    envWrites: f.envWrites.map((w) => ({ ...w, keySpan: sp(w.keySpan), valueSpan: w.valueSpan && sp(w.valueSpan), stmtSpan: w.stmtSpan && sp(w.stmtSpan), source: w.source && src(w.source) })),
    returns: f.returns.map(src),
  };
}

/** How many snippets, and how much of their text, the cache holds (tests). */
export function snippetCacheStats(): { entries: number; chars: number } {
  return { entries: cache.size, chars: cachedChars };
}

/** Forgets every cached snippet (tests). */
export function clearSnippetCache(): void {
  cache.clear();
  cachedChars = 0;
}

function placeOp(op: TraitOp, sp: (x: Span) => Span): TraitOp {
  const out: TraitOp = { ...op, span: sp(op.span), clsSpan: sp(op.clsSpan), traitSpan: sp(op.traitSpan), value: placeValue(op.value, sp) };
  if (op.key) out.key = placeValue(op.key, sp);
  if (op.guards) out.guards = [...op.guards];
  return out;
}

function placeValue(v: Value, sp: (x: Span) => Span): Value {
  switch (v.kind) {
    case 'list':
    case 'tuple':
    case 'set':
      return { ...v, span: sp(v.span), items: v.items.map((i) => placeValue(i, sp)) };
    case 'dict':
      return { ...v, span: sp(v.span), entries: v.entries.map((e): DictEntry => ({ key: placeValue(e.key, sp), value: placeValue(e.value, sp), span: sp(e.span) })) };
    case 'env': {
      const out: Value = { ...v, span: sp(v.span) };
      if (v.fallback) out.fallback = placeValue(v.fallback, sp);
      return out;
    }
    default:
      return { ...v, span: sp(v.span) };
  }
}
