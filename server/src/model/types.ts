import type { Span } from '../util/text';

/** A Python value as the config file spells it: a literal where it is one, otherwise marked. */
export type Value =
  | { kind: 'str'; value: string; span: Span; /** the literal spells its content plainly (no escapes, not implicit concatenation) */ plain: boolean; /** the whole value is a placeholder of a template or secrets tool (YAML: `${VAR}`, `{{ x }}`, `ENC[...]`; Python: '{{ x }}') standing for a value of any type */ template?: true }
  | { kind: 'int' | 'float'; value: number; span: Span }
  | { kind: 'bool'; value: boolean; span: Span }
  | { kind: 'none'; span: Span }
  | { kind: 'list' | 'tuple' | 'set'; items: Value[]; span: Span }
  | { kind: 'dict'; entries: DictEntry[]; span: Span }
  /** os.environ[...], os.environ.get(...), os.getenv(...) */
  | { kind: 'env'; name?: string; fallback?: Value; span: Span }
  | { kind: 'fstring'; span: Span }
  | { kind: 'call'; callee: string; span: Span }
  | { kind: 'name'; name: string; span: Span }
  | { kind: 'expr'; nodeType: string; span: Span };

export interface DictEntry {
  key: Value;
  value: Value;
  span: Span;
}

export type LiteralValue = Extract<Value, { kind: 'str' | 'int' | 'float' | 'bool' | 'none' | 'list' | 'tuple' | 'set' | 'dict' }>;

export type OpKind = '=' | '+=' | '|=' | '-=' | 'append' | 'extend' | 'update' | 'add' | 'insert' | 'setdefault' | 'item=';

/** One traitlets config operation: `c.Class.trait <op> value`. */
export interface TraitOp {
  cls: string;
  trait: string;
  op: OpKind;
  /** for `item=` (c.Class.trait['k'] = v): the key */
  key?: Value;
  value: Value;
  /** inside if/for/while/try/with/function/class bodies */
  conditional: boolean;
  /** source text of the enclosing if/elif/while conditions (and function names), outermost first */
  guards?: string[];
  /** whole statement */
  span: Span;
  clsSpan: Span;
  traitSpan: Span;
  /** `attr` for c.Class.trait, `item` for c['Class']['trait'] */
  form: 'attr' | 'item';
  /** where the op comes from: Python code, a z2jh `hub.config` entry, or a chart value mapped onto a trait */
  origin?: 'python' | 'hub.config' | 'chart';
  /** for origin 'chart': the chart value path it comes from, e.g. "hub.cookieSecret" */
  chartPath?: string;
}

export interface SyntaxProblem {
  span: Span;
  message: string;
}

export interface Comment {
  span: Span;
  text: string;
}

export type FileKind = 'jupyterhub_config' | 'z2jh_values' | 'unknown';

/** A chart setting (z2jh values): a key path with its value, for chart rules. */
export interface ChartSetting {
  /** key path relative to the chart values root, e.g. ["hub", "config", "JupyterHub", "admin_access"] */
  path: string[];
  value: Value;
  keySpan: Span;
  /** the whole `key: value` pair */
  span: Span;
  /** index of the YAML document in the file */
  doc: number;
}

/** Python embedded in another file (z2jh hub.extraConfig): where it is and how exactly its positions map. */
export interface EmbeddedRegion {
  span: Span;
  /** positions inside map exactly (otherwise findings use the whole scalar) */
  exact: boolean;
  /** edits inside keep the host file valid (block scalars); fixes elsewhere are dropped */
  fixable: boolean;
}

export interface ConfigModel {
  kind: FileKind;
  text: string;
  ops: TraitOp[];
  /** names bound to the config object (usually `c`) */
  configNames: string[];
  /** `import os` present at module level (and where the import block ends, for fixes) */
  imports: { os: boolean; insertAt: number };
  syntaxErrors: SyntaxProblem[];
  /** classes the file defines itself */
  definedClasses: string[];
  comments: Comment[];
  chart: ChartSetting[];
  /** z2jh values: the key path of the chart values inside the file (e.g. ["jupyterhub"]), per document */
  valuesRoots?: string[][];
  /** Python regions embedded in a YAML file */
  embedded?: EmbeddedRegion[];
  /** set when the file was too large or not text: analysis was skipped */
  skipped?: string;
  /** functions (and lambdas given as config values) with what their bodies put into a server's environment */
  functions?: FunctionInfo[];
}

/** Where a value in a function body comes from, when it is a secret the hub holds. */
export interface SecretSource {
  /** `env`: os.environ / os.getenv of the hub process; `attr`: an attribute such as self.authenticator.client_secret */
  kind: 'env' | 'attr';
  /** the variable name or the attribute path as written */
  name: string;
  /** where it is read */
  span: Span;
}

/** Something a function body puts into a user server's environment (or returns, for callables). */
export interface EnvWrite {
  /** the variable name, when literal */
  key?: string;
  /** the key (or the whole write) */
  keySpan: Span;
  /** the value written, as far as it is followed (local names resolved inside the body) */
  source?: SecretSource;
  /** the value expression as written in the write */
  valueSpan?: Span;
  /** the whole statement when the write is one simple statement (for removal fixes) */
  stmtSpan?: Span;
}

/** A function defined in a Python config (def or lambda given as a value). */
export interface FunctionInfo {
  /** the def name, or "<lambda>" */
  name: string;
  span: Span;
  nameSpan: Span;
  /** the class whose body defines it (a method) */
  inClass?: string;
  /** `x.environment[K] = V`, `x.environment.update(...)`, `env[K] = V` for env = ...get_env(), `V1EnvVar(name=K, value=V)` */
  envWrites: EnvWrite[];
  /** what `return` statements (or a lambda's body) give back, when followed to a secret */
  returns: SecretSource[];
}

export function isLiteral(v: Value): v is LiteralValue {
  return ['str', 'int', 'float', 'bool', 'none', 'list', 'tuple', 'set', 'dict'].includes(v.kind);
}

/** Python-like rendering of a value kind, for messages. */
export function pyTypeName(v: Value): string {
  switch (v.kind) {
    case 'str': return 'str';
    case 'int': return 'int';
    case 'float': return 'float';
    case 'bool': return 'bool';
    case 'none': return 'None';
    case 'list': return 'list';
    case 'tuple': return 'tuple';
    case 'set': return 'set';
    case 'dict': return 'dict';
    case 'env': return 'environment value';
    case 'fstring': return 'f-string';
    case 'call': return `${v.callee}(...)`;
    case 'name': return v.name;
    default: return 'expression';
  }
}

/** Look up a string key in a dict literal. */
export function dictGet(v: Value | undefined, key: string): DictEntry | undefined {
  if (!v || v.kind !== 'dict') return undefined;
  return v.entries.find((e) => e.key.kind === 'str' && e.key.value === key);
}

/** The JSON form of a literal value (sets and tuples as lists), for comparing with catalogue defaults. */
export function literalToJson(v: Value): unknown {
  switch (v.kind) {
    case 'str': case 'int': case 'float': case 'bool': return v.value;
    case 'none': return null;
    case 'list': case 'tuple': case 'set': return v.items.map(literalToJson);
    case 'dict': return Object.fromEntries(v.entries.map((e) => [String(literalToJson(e.key)), literalToJson(e.value)]));
    default: return undefined;
  }
}
