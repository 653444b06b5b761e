import type { Node } from 'web-tree-sitter';
import type { Span } from '../util/text';
import type { EnvWrite, FunctionInfo, SecretSource, Value } from './types';

/**
 * A small, intraprocedural reading of function bodies for what they put into user servers'
 * environments: local names are followed through simple assignments (`x = os.environ['Y']`), in order,
 * without branches or calls. Nested functions and classes are read on their own.
 */

/** Attributes that hold the hub's own secrets (reached from a spawner, the app or the authenticator). */
const SECRET_ATTR = /(^|\.)(authenticator\.(client_secret|bind_password|lookup_dn_search_password|admin_password)|proxy\.auth_token|(app|hub)\.(cookie_secret|proxy_auth_token)|crypt_keeper\.keys|db_url)$/;

const MAX_DEPTH = 60;

export interface BodyHelpers {
  span(n: Node): Span;
  value(n: Node, depth: number): Value;
}

function args(call: Node): Node[] {
  return call.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => !!a && a.type !== 'comment') ?? [];
}

function kwarg(call: Node, name: string): Node | undefined {
  for (const a of args(call)) if (a.type === 'keyword_argument' && a.childForFieldName('name')?.text === name) return a.childForFieldName('value') ?? undefined;
  return undefined;
}

class BodyReader {
  /** local name → secret it holds */
  locals = new Map<string, SecretSource>();
  /** local names bound to an environment dict (env = super().get_env()) */
  envDicts = new Set<string>();
  writes: EnvWrite[] = [];
  returns: SecretSource[] = [];
  constructor(private readonly h: BodyHelpers) {}

  source(n: Node | null | undefined, depth = 0): SecretSource | undefined {
    if (!n || depth > 8) return undefined;
    const t = n.type;
    if (t === 'parenthesized_expression') return this.source(n.namedChildren.find((c) => c && c.type !== 'comment'), depth + 1);
    if (t === 'identifier') return this.locals.get(n.text);
    if (t === 'attribute') return SECRET_ATTR.test(n.text) ? { kind: 'attr', name: n.text, span: this.h.span(n) } : undefined;
    if (t === 'subscript' || t === 'call') {
      const v = this.h.value(n, 0);
      if (v.kind === 'env' && v.name) return { kind: 'env', name: v.name, span: v.span };
      // str(x), x.strip(): the same secret
      if (t === 'call') {
        const fn = n.childForFieldName('function');
        if (fn?.type === 'identifier' && (fn.text === 'str' || fn.text === 'bytes')) return this.source(args(n)[0], depth + 1);
        if (fn?.type === 'attribute' && /^(strip|decode|encode)$/.test(fn.childForFieldName('attribute')?.text ?? '')) return this.source(fn.childForFieldName('object'), depth + 1);
      }
      return undefined;
    }
    if (t === 'boolean_operator' || t === 'conditional_expression') {
      for (const c of n.namedChildren) {
        const s = this.source(c, depth + 1);
        if (s) return s;
      }
    }
    return undefined;
  }

  /** `x.environment` or a local env dict */
  isEnvTarget(n: Node | null | undefined): boolean {
    if (!n) return false;
    if (n.type === 'identifier') return this.envDicts.has(n.text);
    return n.type === 'attribute' && n.childForFieldName('attribute')?.text === 'environment';
  }

  write(key: Node | undefined, value: Node | undefined, at: Node, stmtSpan?: Span): void {
    const k = key ? this.h.value(key, 0) : undefined;
    this.writes.push({ key: k?.kind === 'str' ? k.value : undefined, keySpan: this.h.span(key ?? at), source: this.source(value), valueSpan: value ? this.h.span(value) : undefined, stmtSpan });
  }

  dictWrites(d: Node): void {
    if (d.type !== 'dictionary') return;
    for (const p of d.namedChildren) if (p?.type === 'pair') this.write(p.childForFieldName('key') ?? undefined, p.childForFieldName('value') ?? undefined, p);
  }

  statement(n: Node, depth: number): void {
    if (depth > MAX_DEPTH) return;
    const t = n.type;
    if (t === 'function_definition' || t === 'class_definition' || t === 'decorated_definition') return;
    if (t === 'return_statement') {
      const s = this.source(n.namedChildren.find((c) => c && c.type !== 'comment'));
      if (s) this.returns.push(s);
      this.scan(n, depth);
      return;
    }
    if (t === 'expression_statement') {
      const e = n.namedChildren.find((c) => c && c.type !== 'comment');
      if (e?.type === 'assignment') {
        const left = e.childForFieldName('left');
        const right = e.childForFieldName('right');
        if (left?.type === 'identifier' && right) {
          const s = this.source(right);
          if (s) this.locals.set(left.text, s);
          else this.locals.delete(left.text);
          const callee = right.type === 'call' ? right.childForFieldName('function')?.text ?? '' : '';
          if (/(^|\.)get_env$/.test(callee) || /(^|\.)environment(\.copy)?$/.test(callee) || (right.type === 'attribute' && right.childForFieldName('attribute')?.text === 'environment')) this.envDicts.add(left.text);
        } else if (left?.type === 'subscript' && this.isEnvTarget(left.childForFieldName('value'))) {
          this.write(left.childForFieldName('subscript') ?? undefined, right ?? undefined, left, this.h.span(n));
        }
      } else if (e?.type === 'call') {
        const fn = e.childForFieldName('function');
        const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
        if (fn && method && this.isEnvTarget(fn.childForFieldName('object'))) {
          const a = args(e);
          if (method === 'update') {
            for (const x of a) {
              if (x.type === 'dictionary') this.dictWrites(x);
              else if (x.type === 'keyword_argument') {
                const name = x.childForFieldName('name');
                const v = x.childForFieldName('value');
                if (name) this.writes.push({ key: name.text, keySpan: this.h.span(name), source: this.source(v), valueSpan: v ? this.h.span(v) : undefined });
              }
            }
          } else if (method === 'setdefault' && a[0]) this.write(a[0], a[1], e, this.h.span(n));
        }
      }
    }
    this.scan(n, depth);
  }

  /** Walks into blocks, and finds V1EnvVar(name=..., value=...) in any expression. */
  scan(n: Node, depth: number): void {
    if (depth > MAX_DEPTH) return;
    for (const c of n.namedChildren) {
      if (!c) continue;
      const ct = c.type;
      if (ct === 'function_definition' || ct === 'class_definition' || ct === 'decorated_definition' || ct === 'lambda') continue;
      if (ct === 'block' || ct.endsWith('_statement') || ct.endsWith('_clause')) {
        if (ct === 'block') for (const s of c.namedChildren) { if (s) this.statement(s, depth + 1); }
        else this.statement(c, depth + 1);
        continue;
      }
      if (ct === 'call' && /(^|\.)V1EnvVar$/.test(c.childForFieldName('function')?.text ?? '')) {
        const a = args(c);
        this.write(kwarg(c, 'name') ?? (a[0]?.type !== 'keyword_argument' ? a[0] : undefined), kwarg(c, 'value') ?? (a[1]?.type !== 'keyword_argument' ? a[1] : undefined), c);
      }
      this.scan(c, depth + 1);
    }
  }
}

/** Reads a `def` (its body) or a lambda (its body expression). */
export function readFunction(n: Node, h: BodyHelpers, inClass: string | undefined): FunctionInfo | undefined {
  const r = new BodyReader(h);
  if (n.type === 'lambda') {
    const body = n.childForFieldName('body');
    const s = r.source(body);
    return { name: '<lambda>', span: h.span(n), nameSpan: h.span(n), inClass, envWrites: [], returns: s ? [s] : [] };
  }
  const name = n.childForFieldName('name');
  const body = n.childForFieldName('body');
  if (!name || !body) return undefined;
  for (const s of body.namedChildren) if (s) r.statement(s, 0);
  return { name: name.text, span: h.span(n), nameSpan: h.span(name), inClass, envWrites: r.writes, returns: r.returns };
}
