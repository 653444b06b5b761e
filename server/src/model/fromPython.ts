import type { Node, Tree } from 'web-tree-sitter';
import { LineIndex, loneCrToLf, type Span } from '../util/text';
import type { ConfigModel, DictEntry, OpKind, SyntaxProblem, TraitOp, Value } from './types';
import { lexPython, parsePython, pythonParser, type PythonParser } from '../parse/python';
import { templateSkipReason, templateStatementAt } from './placeholder';
import { readFunction } from './functionBodies';

const MAX_VALUE_DEPTH = 100;
const MAX_BLOCK_DEPTH = 200;
const METHOD_OPS = new Set(['append', 'extend', 'update', 'add', 'insert', 'setdefault']);
const CONDITIONAL_BLOCKS = new Set([
  'if_statement', 'for_statement', 'while_statement', 'try_statement', 'with_statement',
  'function_definition', 'class_definition', 'decorated_definition', 'match_statement',
  'elif_clause', 'else_clause', 'except_clause', 'finally_clause', 'case_clause', 'except_group_clause',
]);

export interface PythonModelOptions {
  kind?: ConfigModel['kind'];
  /** maps an offset in `text` to an offset in the document (Python embedded in YAML); -1 = no exact position */
  mapOffset?: (offset: number) => number;
  /** the span to use when mapOffset cannot place a position */
  fallbackSpan?: Span;
  timeLimitMs?: number;
}

/** Parses jupyterhub_config.py text into the config model. */
export async function modelFromPython(text: string, opts: PythonModelOptions = {}): Promise<ConfigModel> {
  const parser = await pythonParser();
  return modelFromPythonSync(parser, text, opts);
}

export function modelFromPythonSync(parser: PythonParser, text: string, opts: PythonModelOptions = {}): ConfigModel {
  const lex = lexPython(text);
  const idx = new LineIndex(text);
  const map = opts.mapOffset ?? ((o: number) => o);
  const model: ConfigModel = {
    kind: opts.kind ?? 'jupyterhub_config',
    text,
    ops: [],
    configNames: ['c'],
    imports: { os: false, insertAt: 0 },
    syntaxErrors: [],
    definedClasses: [],
    comments: lex.comments.map((c) => ({ text: c.text, span: mapSpan(map, c.span, opts.fallbackSpan) })),
    chart: [],
  };
  const tree = parsePython(parser, lex.parseText, opts.timeLimitMs);
  if (!tree) {
    model.skipped = 'parsing took too long and was stopped';
    return model;
  }
  try {
    const walker = new Walker(model, idx, map, opts.fallbackSpan);
    walker.collectErrors(tree.rootNode);
    // a Jinja / Salt template of a config (`{% if %}` lines): only its rendered output is Python
    const first = model.syntaxErrors[0];
    const tag = first && !opts.mapOffset ? templateStatementAt(loneCrToLf(text), first.span.start) : undefined;
    if (tag) {
      model.skipped = templateSkipReason(tag);
      model.syntaxErrors = [];
      return model;
    }
    walker.queries(parser, tree);
    walker.module(tree);
  } finally {
    tree.delete();
  }
  return model;
}

function mapSpan(map: (o: number) => number, span: Span, fallback?: Span): Span {
  const start = map(span.start);
  const end = map(span.end);
  if (start < 0 || end < 0) return fallback ?? { start: 0, end: 0 };
  return { start, end };
}

class Walker {
  constructor(
    private readonly model: ConfigModel,
    private readonly idx: LineIndex,
    private readonly map: (o: number) => number,
    private readonly fallback?: Span,
  ) {}

  /** Node span in document offsets, computed from (row, column) of the parsed text. */
  span(node: Node): Span {
    const s = node.startPosition;
    const e = node.endPosition;
    return mapSpan(this.map, { start: this.idx.lineStart(s.row) + s.column, end: this.idx.lineStart(e.row) + e.column }, this.fallback);
  }

  text(node: Node): string {
    // each endPosition (and type) read is a call into wasm: read it once
    const s = node.startPosition;
    const e = node.endPosition;
    return this.idx.text.slice(this.idx.lineStart(s.row) + s.column, this.idx.lineStart(e.row) + e.column);
  }

  /**
   * Facts from grammars/python/config.scm: classes defined here, module-level `import os`. The query
   * runs on the few statements that can match (running it over the whole tree costs a full walk).
   */
  queries(parser: PythonParser, tree: Tree): void {
    this.query = parser.configQuery;
    for (const stmt of tree.rootNode.namedChildren) {
      if (stmt && (stmt.type === 'import_statement' || stmt.type === 'class_definition' || stmt.type === 'decorated_definition')) this.capture(stmt, true);
    }
  }

  private query?: PythonParser['configQuery'];

  /** Runs our query on one statement (module-level imports count for `import os`). */
  capture(node: Node, moduleLevel: boolean): void {
    if (!this.query) return;
    for (const cap of this.query.captures(node)) {
      if (cap.name === 'class.name') this.model.definedClasses.push(cap.node.text);
      else if (!moduleLevel) continue;
      else if (cap.name === 'import.alias') {
        if (cap.node.text === 'os' && cap.node.parent?.childForFieldName('name')?.text === 'os') this.model.imports.os = true;
      } else if (cap.name === 'import.module' && cap.node.text === 'os' && cap.node.parent?.type !== 'aliased_import') this.model.imports.os = true;
    }
  }

  module(tree: Tree): void {
    const root = tree.rootNode;
    let importEnd = 0;
    let seenCode = false;
    for (const stmt of root.namedChildren) {
      if (!stmt) continue;
      if (stmt.type === 'import_statement' || stmt.type === 'import_from_statement' || stmt.type === 'future_import_statement') {
        if (!seenCode) importEnd = this.span(stmt).end;
        continue;
      }
      if (!seenCode && stmt.type === 'expression_statement' && stmt.firstNamedChild?.type === 'string' && importEnd === 0) {
        importEnd = this.span(stmt).end; // module docstring
        continue;
      }
      seenCode = true;
      this.statement(stmt, false, 0);
    }
    // os may also be imported inside blocks; a module-level import is what the fix relies on
    this.model.imports.insertAt = importEnd;
  }

  collectErrors(root: Node): void {
    if (!root.hasError) return;
    const problems: SyntaxProblem[] = [];
    const visit = (n: Node, depth: number) => {
      if (problems.length >= 1 || depth > MAX_BLOCK_DEPTH) return;
      if (n.isMissing) {
        problems.push({ span: this.span(n), message: `Syntax error: missing ${n.type === '' ? 'token' : `"${n.type}"`}` });
        return;
      }
      if (n.isError) {
        const sp = this.span(n);
        // an ERROR node can swallow much of the file: point at its first line only
        const firstLineEnd = this.idx.lineEnd(n.startPosition.row);
        problems.push({ span: { start: sp.start, end: Math.max(sp.start, Math.min(sp.end, this.map(firstLineEnd))) }, message: 'Syntax error: this code does not parse as Python' });
        return;
      }
      if (!n.hasError) return;
      for (const ch of n.children) if (ch) visit(ch, depth + 1);
    };
    visit(root, 0);
    this.model.syntaxErrors.push(...problems);
  }

  /** texts of the conditions of the enclosing if/elif/while blocks and names of enclosing functions */
  private guards: string[] = [];


  statement(node: Node, conditional: boolean, depth: number): void {
    if (depth > MAX_BLOCK_DEPTH) return;
    const type = node.type;
    if (type === 'expression_statement') {
      for (const child of node.namedChildren) if (child) this.expression(child, node, conditional);
      return;
    }
    if (CONDITIONAL_BLOCKS.has(type) || type === 'block') {
      if (type === 'function_definition') this.readFunction(node);
      const cond = conditional || type !== 'block';
      const guard = node.childForFieldName('condition') ?? (type === 'function_definition' || type === 'class_definition' ? node.childForFieldName('name') : null);
      if (guard) this.guards.push(this.text(guard));
      if (type === 'class_definition') this.classes.push(node.childForFieldName('name')?.text ?? '');
      for (const child of node.namedChildren) {
        if (!child) continue;
        const ct = child.type;
        if (ct === 'block' || CONDITIONAL_BLOCKS.has(ct) || ct.endsWith('_statement') || ct === 'expression_statement') {
          // the else/elif branches of `if X:` run when X is false
          const negate = guard && (ct === 'else_clause' || ct === 'elif_clause');
          if (negate) this.guards[this.guards.length - 1] = `not (${this.text(guard)})`;
          this.statement(child, cond, depth + 1);
        }
      }
      if (guard) this.guards.pop();
      if (type === 'class_definition') this.classes.pop();
    }
  }

  /** enclosing class definitions (for methods) */
  private classes: string[] = [];

  private readFunction(node: Node): void {
    const f = readFunction(node, { span: (n) => this.span(n), value: (n, d) => this.value(n, d) }, this.classes[this.classes.length - 1]);
    if (f && !this.model.functions?.some((g) => g.span.start === f.span.start && g.span.end === f.span.end)) (this.model.functions ??= []).push(f);
  }

  expression(node: Node, stmt: Node, conditional: boolean): void {
    const type = node.type;
    if (type === 'assignment') {
      this.assignment(node, stmt, conditional);
    } else if (type === 'augmented_assignment') {
      const target = this.target(node.childForFieldName('left'));
      const right = node.childForFieldName('right');
      const opNode = node.childForFieldName('operator');
      const opText = opNode ? opNode.text : '+=';
      if (target && right && !target.key) {
        const op: OpKind = opText === '|=' ? '|=' : opText === '-=' ? '-=' : '+=';
        this.push(target, op, this.value(right, 0), stmt, conditional);
      }
    } else if (type === 'call') {
      const fn = node.childForFieldName('function');
      if (fn?.type === 'attribute') {
        const method = fn.childForFieldName('attribute')?.text ?? '';
        const target = this.target(fn.childForFieldName('object'));
        if (target && !target.key && METHOD_OPS.has(method)) {
          const args = node.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => !!a && a.type !== 'comment') ?? [];
          const valueNode = method === 'insert' ? args[1] : args[0];
          const value = valueNode ? this.value(valueNode, 0) : { kind: 'expr' as const, nodeType: 'missing', span: this.span(node) };
          const op = method as OpKind;
          const t = { ...target };
          if (method === 'setdefault' && args[0]) {
            t.key = this.value(args[0], 0);
            this.push(t, op, args[1] ? this.value(args[1], 0) : { kind: 'none', span: this.span(args[0]) }, stmt, conditional);
          } else this.push(t, op, value, stmt, conditional);
        }
      }
    }
  }

  assignment(node: Node, stmt: Node, conditional: boolean): void {
    // a = b = value: collect all targets down the chain
    const targets: Node[] = [];
    let cur: Node | null = node;
    while (cur && cur.type === 'assignment') {
      const left = cur.childForFieldName('left');
      if (left) targets.push(left);
      const right = cur.childForFieldName('right');
      if (!right) return;
      const rightType = right.type;
      if (rightType !== 'assignment') {
        // the value is only read when a target is config (most assignments in hooks are not)
        let value: Value | undefined;
        for (const left of targets) {
          if (rightType === 'call' && left.type === 'identifier' && right.childForFieldName('function')?.text === 'get_config') {
            if (!this.model.configNames.includes(left.text)) this.model.configNames.push(left.text);
            continue;
          }
          const target = this.target(left);
          if (target) this.push(target, target.key ? 'item=' : '=', (value ??= this.value(right, 0)), stmt, conditional);
        }
        return;
      }
      cur = right;
    }
  }

  push(target: Target, op: OpKind, value: Value, stmt: Node, conditional: boolean): void {
    const t: TraitOp = {
      cls: target.cls,
      trait: target.trait,
      op,
      value,
      conditional,
      span: this.span(stmt),
      clsSpan: target.clsSpan,
      traitSpan: target.traitSpan,
      form: target.form,
      origin: 'python',
    };
    if (target.key) t.key = target.key;
    if (conditional && this.guards.length) t.guards = [...this.guards];
    this.model.ops.push(t);
  }

  /** c.Class.trait, c['Class']['trait'], mixed forms, and an item of either: c.Class.trait['k'] */
  target(node: Node | null): Target | undefined {
    if (!node) return undefined;
    const parts: { name: string; span: Span; item: boolean; node: Node }[] = [];
    let cur: Node | null = node;
    let guard = 0;
    let named = false;
    while (cur && guard++ < 8) {
      const type: string = cur.type;
      if (type === 'attribute') {
        const attr = cur.childForFieldName('attribute');
        if (!attr) return undefined;
        parts.unshift({ name: attr.text, span: this.span(attr), item: false, node: attr });
        cur = cur.childForFieldName('object');
      } else if (type === 'subscript') {
        const sub = cur.childForFieldName('subscript');
        if (!sub) return undefined;
        const v = this.value(sub, 0);
        parts.unshift({ name: v.kind === 'str' ? v.value : '\u0000', span: v.kind === 'str' ? this.innerStringSpan(sub) : this.span(sub), item: true, node: sub });
        cur = cur.childForFieldName('value');
      } else if (type === 'identifier') {
        if (!this.model.configNames.includes(cur.text)) return undefined;
        named = true;
        break;
      } else return undefined;
    }
    if (!cur || !named) return undefined;
    if (parts.length < 2 || parts.length > 3) return undefined;
    const [cls, trait, item] = parts;
    if (cls.name === '\u0000' || trait.name === '\u0000') return undefined;
    const form = cls.item || trait.item ? 'item' : 'attr';
    const t: Target = { cls: cls.name, trait: trait.name, clsSpan: cls.span, traitSpan: trait.span, form };
    if (item) {
      if (!item.item) return undefined; // c.Class.trait.attr = ... is not config
      t.key = this.value(item.node, 0);
    }
    return t;
  }

  /** The span of a string literal's content (inside the quotes), or of the whole node. */
  innerStringSpan(node: Node): Span {
    if (node.type === 'string') {
      const kids = node.children;
      const types = kids.map((c) => c?.type);
      const start = kids[types.indexOf('string_start')];
      const end = kids[types.indexOf('string_end')];
      if (start && end) return { start: this.span(start).end, end: this.span(end).start };
    }
    return this.span(node);
  }

  value(node: Node, depth: number): Value {
    const span = this.span(node);
    if (depth > MAX_VALUE_DEPTH) return { kind: 'expr', nodeType: 'too-deep', span };
    const type = node.type;
    switch (type) {
      case 'string':
        return this.stringValue(node, span);
      case 'concatenated_string': {
        let value = '';
        for (const part of node.namedChildren) {
          if (!part) continue;
          const v = this.stringValue(part, this.span(part));
          if (v.kind !== 'str') return v;
          value += v.value;
        }
        return { kind: 'str', value, span, plain: false };
      }
      case 'integer': {
        const v = parsePyInt(node.text);
        return v === undefined ? { kind: 'expr', nodeType: 'integer', span } : { kind: 'int', value: v, span };
      }
      case 'float': {
        const t = node.text.replace(/_/g, '');
        if (/[jJ]$/.test(t)) return { kind: 'expr', nodeType: 'complex', span };
        return { kind: 'float', value: Number(t), span };
      }
      case 'true':
        return { kind: 'bool', value: true, span };
      case 'false':
        return { kind: 'bool', value: false, span };
      case 'none':
        return { kind: 'none', span };
      case 'unary_operator': {
        const arg = node.childForFieldName('argument');
        const op = node.childForFieldName('operator')?.text;
        if (arg && (op === '-' || op === '+')) {
          const v = this.value(arg, depth + 1);
          if (v.kind === 'int' || v.kind === 'float') return { ...v, value: op === '-' ? -v.value : v.value, span };
        }
        return { kind: 'expr', nodeType: type, span };
      }
      case 'parenthesized_expression': {
        const inner = node.namedChildren.find((c) => c && c.type !== 'comment');
        return inner ? { ...this.value(inner, depth + 1), span } : { kind: 'tuple', items: [], span };
      }
      case 'list':
      case 'tuple':
      case 'set': {
        // `{{ x }}`: a set holding a set fails at run time (sets are unhashable), so it is a template
        // placeholder of a file that is rendered before Python reads it
        if (type === 'set' && node.namedChildCount === 1 && node.firstNamedChild?.type === 'set') return { kind: 'expr', nodeType: 'template', span };
        const items: Value[] = [];
        for (const c of node.namedChildren) {
          if (!c) continue;
          const ct = c.type;
          if (ct === 'comment') continue;
          if (ct === 'list_splat' || ct === 'list_comprehension') return { kind: 'expr', nodeType: type, span };
          items.push(this.value(c, depth + 1));
        }
        return { kind: type, items, span };
      }
      case 'list_comprehension':
      case 'set_comprehension':
      case 'dictionary_comprehension':
      case 'generator_expression':
        return { kind: 'expr', nodeType: node.type, span };
      case 'dictionary': {
        const entries: DictEntry[] = [];
        for (const c of node.namedChildren) {
          if (!c) continue;
          const ct = c.type;
          if (ct === 'comment') continue;
          if (ct !== 'pair') return { kind: 'expr', nodeType: 'dictionary', span };
          const k = c.childForFieldName('key');
          const v = c.childForFieldName('value');
          if (!k || !v) continue;
          entries.push({ key: this.value(k, depth + 1), value: this.value(v, depth + 1), span: this.span(c) });
        }
        return { kind: 'dict', entries, span };
      }
      case 'subscript': {
        // os.environ['X']
        const obj = node.childForFieldName('value');
        if (obj && /^(os\.)?environ$/.test(obj.text)) {
          const sub = node.childForFieldName('subscript');
          const k = sub ? this.value(sub, depth + 1) : undefined;
          return { kind: 'env', name: k?.kind === 'str' ? k.value : undefined, span };
        }
        return { kind: 'expr', nodeType: node.type, span };
      }
      case 'call': {
        const fn = node.childForFieldName('function');
        const callee = fn ? fn.text : '';
        if (/^(os\.)?(environ\.get|getenv)$/.test(callee)) {
          const args = node.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => !!a && a.type !== 'comment') ?? [];
          const name = args[0] ? this.value(args[0], depth + 1) : undefined;
          const fallback = args[1] && args[1].type !== 'keyword_argument' ? this.value(args[1], depth + 1) : undefined;
          return { kind: 'env', name: name?.kind === 'str' ? name.value : undefined, fallback, span };
        }
        return { kind: 'call', callee, span };
      }
      case 'identifier':
        return { kind: 'name', name: node.text, span };
      case 'attribute':
        return { kind: 'name', name: node.text, span };
      case 'lambda':
        this.readFunction(node);
        return { kind: 'expr', nodeType: type, span };
      default:
        return { kind: 'expr', nodeType: type, span };
    }
  }

  stringValue(node: Node, span: Span): Value {
    const type = node.type;
    if (type !== 'string') return { kind: 'expr', nodeType: type, span };
    // fast path, one call into wasm: a literal without prefix f/t/b and without a backslash is
    // its text between the quotes (what its string_content children hold)
    const lit = this.text(node);
    const m = /^([A-Za-z]*)('''|"""|'|")/.exec(lit);
    if (m && !/[fFtTbB]/.test(m[1]) && lit.length >= m[0].length + m[2].length && lit.endsWith(m[2])) {
      const body = lit.slice(m[0].length, lit.length - m[2].length);
      if (!body.includes('\\') && (m[2].length === 3 || !body.includes(m[2]))) {
        // '{{ x }}': a Jinja placeholder of a config rendered before Python reads it (any value)
        if (body.startsWith('{{') && /^\{\{[^{}]*\}\}$/.test(body)) return { kind: 'str', value: body, span, plain: true, template: true };
        return { kind: 'str', value: body, span, plain: true };
      }
    }
    // read each child's type once: every read is a call into wasm
    const kids = node.children;
    const types = kids.map((c) => c?.type);
    const startTok = kids[types.indexOf('string_start')];
    const prefix = (startTok ? this.text(startTok) : '').replace(/['"]/g, '').toLowerCase();
    if (prefix.includes('f') || prefix.includes('t')) {
      if (types.includes('interpolation')) return { kind: 'fstring', span };
    }
    if (prefix.includes('b')) return { kind: 'expr', nodeType: 'bytes', span };
    let value = '';
    let plain = true;
    for (let i = 0; i < kids.length; i++) {
      const c = kids[i];
      if (!c) continue;
      const ct = types[i];
      if (ct === 'string_content') {
        // escape sequences are children of the content: decode them from its text
        const t = this.text(c);
        if (t.includes('\\')) {
          plain = false;
          value += prefix.includes('r') ? t : unescapeAll(t);
        } else value += t;
      } else if (ct === 'escape_sequence') {
        plain = false;
        const esc = this.text(c);
        value += prefix.includes('r') ? esc : unescapePy(esc);
      } else if (ct === 'interpolation') return { kind: 'fstring', span };
    }
    if (prefix.includes('r') && value.includes('\\')) plain = false;
    return { kind: 'str', value, span, plain };
  }
}

interface Target {
  cls: string;
  trait: string;
  clsSpan: Span;
  traitSpan: Span;
  form: 'attr' | 'item';
  key?: Value;
}

function parsePyInt(t: string): number | undefined {
  t = t.replace(/_/g, '');
  if (/[lL]$/.test(t)) t = t.slice(0, -1);
  let n: number;
  if (/^0[xX]/.test(t)) n = parseInt(t.slice(2), 16);
  else if (/^0[oO]/.test(t)) n = parseInt(t.slice(2), 8);
  else if (/^0[bB]/.test(t)) n = parseInt(t.slice(2), 2);
  else if (/^\d+$/.test(t)) n = Number(t);
  else return undefined;
  return Number.isFinite(n) ? n : undefined;
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '', '\r\n': '' };

/** Decodes every Python escape sequence of a (non-raw) string body. */
function unescapeAll(body: string): string {
  return body.replace(/\\(N\{[^}]*\}|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|\r\n|[\s\S])/g, (m) => unescapePy(m));
}

function unescapePy(esc: string): string {
  const body = esc.slice(1);
  if (body in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[body];
  if (/^x[0-9a-fA-F]{2}$/.test(body) || /^u[0-9a-fA-F]{4}$/.test(body) || /^U[0-9a-fA-F]{8}$/.test(body)) {
    return String.fromCodePoint(parseInt(body.slice(1), 16));
  }
  if (/^[0-7]{1,3}$/.test(body)) return String.fromCharCode(parseInt(body, 8));
  return esc;
}
