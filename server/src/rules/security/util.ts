import * as path from 'path';
import type { TraitOp, Value } from '../../model/types';
import type { Fix, RuleContext, Severity } from '../types';
import { LineIndex, type Span } from '../../util/text';
import { isEncryptedValue } from '../../model/placeholder';
import { envDefaultsFor } from '../../catalog/envDefaults';
import { entryPointClasses } from '../../catalog/entryPoints';

/** Ops that set `Class.trait`, including on subclasses (c.GitHubOAuthenticator.allow_all counts for Authenticator). */
export function opsFor(ctx: RuleContext, cls: string, trait: string): TraitOp[] {
  const byTrait = opsByTrait(ctx.model);
  return (byTrait.get(trait) ?? []).filter((o) => o.cls === cls || ctx.traits.isSubclass(o.cls, cls));
}

/** Per model: ops grouped by trait name, built once (rules look traits up for every op). */
const byTraitCache = new WeakMap<object, Map<string, TraitOp[]>>();
function opsByTrait(model: RuleContext['model']): Map<string, TraitOp[]> {
  let m = byTraitCache.get(model);
  if (!m) {
    m = new Map();
    for (const o of model.ops) {
      const list = m.get(o.trait);
      if (list) list.push(o);
      else m.set(o.trait, [o]);
    }
    byTraitCache.set(model, m);
  }
  return m;
}

/** The last plain assignment of a trait (what the hub will use), if the file sets it. */
export function lastAssignment(ctx: RuleContext, cls: string, trait: string): TraitOp | undefined {
  const ops = opsFor(ctx, cls, trait).filter((o) => o.op === '=');
  return ops[ops.length - 1];
}

/** Whether a trait is set anywhere in the file (any operation, any branch). */
export function isSet(ctx: RuleContext, cls: string, trait: string): boolean {
  return opsFor(ctx, cls, trait).length > 0;
}

/** An environment variable the deployment supplies to the hub (compose, .env, Dockerfile, unit, chart), if known. */
export function supplied(ctx: RuleContext, name: string): { name: string; source: string; value?: string } | undefined {
  const v = ctx.environment?.names.get(name);
  return v ? { name, ...v } : undefined;
}

/** The supplied variable that sets `cls.trait` by default (JUPYTERHUB_CRYPT_KEY for CryptKeeper.keys, ...), if any. */
export function suppliedFor(ctx: RuleContext, cls: string, trait: string): { name: string; source: string; value?: string } | undefined {
  if (!ctx.environment) return undefined;
  const sub = (a: string, b: string) => ctx.traits.isSubclass(a, b) || (b === 'OAuthenticator' && /OAuthenticator$/.test(a));
  for (const name of envDefaultsFor(cls, trait, sub)) {
    const v = supplied(ctx, name);
    if (v) return v;
  }
  return undefined;
}

/**
 * The words a message adds when the deployment already supplies the variable the trait reads by default
 * (a literal secret could then simply go); '' otherwise. Not for chart values, whose Secret the chart fills itself.
 */
export function suppliedNote(ctx: RuleContext, op: TraitOp): string {
  if (op.origin === 'chart') return '';
  const v = suppliedFor(ctx, op.cls, op.trait);
  // the chart's own variables carry the chart's Secret, which hub.config does not feed: another matter
  return v && !ctx.environment?.names.get(v.name)?.chart ? `. ${v.name} is already set by ${v.source}: once it holds the same secret, delete this value and the hub reads that one` : '';
}

export function isTrue(v: Value | undefined): boolean {
  return !!v && ((v.kind === 'bool' && v.value) || (v.kind === 'int' && v.value === 1));
}

export function isFalse(v: Value | undefined): boolean {
  return !!v && ((v.kind === 'bool' && !v.value) || (v.kind === 'int' && v.value === 0));
}

export function strValue(v: Value | undefined): string | undefined {
  return v && v.kind === 'str' ? v.value : undefined;
}

/**
 * Placeholders that stand for a value filled in elsewhere: ${VAR}, {{ x }}, <REDACTED>, $(VAR), %(x)s,
 * `__NAME_HERE__`, `{AAD-APP-CLIENT-SECRET}` (a name in capitals between single braces), one character
 * repeated (`xxxxxxxx`, `********`) and the "put yours here" words (`your-secret-here`, `REPLACE_ME`).
 * A short real password (`changeme`, `hunter2`) is no placeholder: the hub would use it as it is.
 */
export function isPlaceholder(s: string): boolean {
  const t = s.trim();
  if (isEncryptedValue(t)) return true;
  if (/^\$\{[^}]+\}$/.test(t) || /^\$\([^)]+\)$/.test(t) || /\{\{.*\}\}/.test(t) || /^<[^<>]*>$/.test(t) || /^%\([^)]+\)s$/.test(t) || /^\*+$/.test(t) || /^(redacted|secret|changeme-in-env)$/i.test(t)) return true;
  // __ML_TOKEN_HERE__, {AAD-APP-CLIENT-SECRET}, [CLIENT_SECRET]
  if (/^__[A-Za-z0-9]+(?:_[A-Za-z0-9]+)*__$/.test(t) || /^\{[A-Z][A-Z0-9]*(?:[-_][A-Z0-9]+)*\}$/.test(t) || /^\[[A-Z][A-Z0-9]*(?:[-_][A-Z0-9]+)+\]$/.test(t)) return true;
  // a filler character over and over: xxxxxxxx, XXXX, ........ (a run of a letter or digit may be a weak real password)
  if (t.length >= 3 && /^([xX*.#?-])\1+$/.test(t)) return true;
  // words that ask for the real value: your-secret-here, insert_token, REPLACE_ME, token-goes-here
  return /^(your|insert|enter|put|paste|replace|fill[-_ ]?in)[-_ ]/i.test(t) || /[-_ ]here$/i.test(t) || /^(replace[-_ ]?me|todo|tbd|fixme|placeholder)$/i.test(t);
}

/** A string literal that holds a real secret value (not empty, not a placeholder). */
export function isLiteralSecret(v: Value | undefined): v is Extract<Value, { kind: 'str' }> {
  return !!v && v.kind === 'str' && v.value.trim() !== '' && !isPlaceholder(v.value);
}

/** Shows a secret without giving it away: first two characters and the length. */
export function mask(secret: string): string {
  const n = `${secret.length} character${secret.length === 1 ? '' : 's'}`;
  if (secret.length <= 4) return `"${'*'.repeat(secret.length)}" (${n})`;
  return `"${secret.slice(0, 2)}${'*'.repeat(6)}" (${n})`;
}

/**
 * A fix that reads a value from an environment variable: replaces the value with
 * os.environ["NAME"] and adds `import os` once where the file lacks it.
 */
export function envFix(ctx: RuleContext, span: Span, envName: string, applicability: Fix['applicability'] = 'unsafe'): Fix {
  // a value in YAML (not in embedded Python) cannot call os.environ: no edit (the engine drops empty fixes)
  const inPython = ctx.model.kind !== 'z2jh_values' || (ctx.model.embedded ?? []).some((r) => span.start >= r.span.start && span.end <= r.span.end);
  if (!inPython) return { title: `Read it from the environment variable ${envName}`, applicability, edits: [] };
  const edits = [{ span, newText: `os.environ["${envName}"]` }];
  if (!ctx.model.imports.os) {
    const at = ctx.model.imports.insertAt;
    edits.push({ span: { start: at, end: at }, newText: at === 0 ? 'import os\n' : '\nimport os' });
  }
  return { title: `Read it from the environment variable ${envName}`, applicability, edits };
}

/** A fix that replaces a value. */
export function setValueFix(span: Span, newText: string, applicability: Fix['applicability'], title?: string): Fix {
  return { title: title ?? `Set it to ${newText}`, applicability, edits: [{ span, newText }] };
}

/** A fix that removes an op's whole statement line(s). */
export function removeLineFix(ctx: RuleContext, op: TraitOp, applicability: Fix['applicability'], title = 'Remove this setting'): Fix {
  const text = ctx.model.text;
  let start = op.span.start;
  while (start > 0 && text[start - 1] !== '\n' && text[start - 1] !== '\r') start--;
  let end = op.span.end;
  while (end < text.length && text[end] !== '\n' && text[end] !== '\r') end++;
  // the line break too: \n, \r\n or a lone \r
  if (text[end] === '\r' && text[end + 1] === '\n') end += 2;
  else if (end < text.length) end++;
  // only when the statement is alone on its lines
  const before = text.slice(start, op.span.start);
  const after = text.slice(op.span.end, end).replace(/#.*$/, '');
  if (before.trim() || after.trim()) {
    // in YAML (hub.config, chart keys) there is no statement to replace with `pass`: no edit
    if (op.origin === 'hub.config' || op.origin === 'chart') return { title, applicability, edits: [] };
    return { title, applicability, edits: [{ span: op.span, newText: 'pass' }] };
  }
  return { title, applicability, edits: [{ span: { start, end }, newText: '' }] };
}

const TEST_WORDS = /\b(test|tests|testing|pytest|ci|dev|develop|development|demo|local|localhost|debug|example only|not for production)\b/i;

/** Per model: the lines that carry a comment saying "test", built once (rules ask for every op). */
const testLinesCache = new WeakMap<object, { idx: LineIndex; lines: Set<number> }>();
function testCommentLines(model: RuleContext['model']): { idx: LineIndex; lines: Set<number> } {
  let c = testLinesCache.get(model);
  if (!c) {
    const idx = LineIndex.of(model.text);
    const lines = new Set<number>();
    for (const cm of model.comments) if (TEST_WORDS.test(cm.text) && !/hubcfg:/.test(cm.text)) lines.add(idx.positionAt(cm.span.start).line);
    c = { idx, lines };
    testLinesCache.set(model, c);
  }
  return c;
}

/**
 * A clearly-marked test setting: a file named like a test/dev config, an `if` guard that
 * mentions testing or development, a comment on the statement's lines or on a comment line a
 * few lines above it in the same paragraph saying so, or a file header that says the whole file
 * is for testing.
 */
export function isTestContext(ctx: RuleContext, op: TraitOp): boolean {
  const base = path.basename(ctx.filePath ?? '');
  if (/(^|[_.-])(test|tests|testing|dev|local|demo)([_.-]|$)/i.test(base) || /(^|[\\/])(tests?|testing)[\\/]/.test(ctx.filePath ?? '')) return true;
  if (op.guards?.some((g) => !/^not \(/.test(g) && TEST_WORDS.test(g))) return true;
  if ((op.cls === 'Authenticator' || isOAuthenticator(ctx, op.cls)) && oauthProviderIsLocal(ctx)) return true;
  const { idx, lines } = testCommentLines(ctx.model);
  if (!lines.size) return false;
  const first = idx.positionAt(op.span.start).line;
  const last = idx.positionAt(op.span.end).line;
  for (let l = first; l <= last; l++) if (lines.has(l)) return true;
  // a comment line a few lines above, in the same paragraph (no blank line between): it heads the block
  for (let l = first - 1, k = 0; l >= 0 && k < 6; l--, k++) {
    const t = ctx.model.text.slice(idx.lineStart(l), idx.lineEnd(l));
    if (!t.trim()) break;
    if (/^\s*#/.test(t) && lines.has(l)) return true;
  }
  return headerSaysTest(ctx.model);
}

const LOOPBACK_URL = /^https?:\/\/(localhost|127(?:\.\d{1,3}){3}|\[::1\]|host\.docker\.internal)(:\d+)?(\/|$)/i;
const localProviderCache = new WeakMap<object, boolean>();

/**
 * The file points its OAuthenticator at a provider on the machine itself (`token_url` and the other
 * endpoints on localhost/127.0.0.1): a local mock OAuth server for development, whose client secret
 * and defaults are the mock's documented ones.
 */
function oauthProviderIsLocal(ctx: RuleContext): boolean {
  let v = localProviderCache.get(ctx.model);
  if (v === undefined) {
    const urls = ctx.model.ops.filter((o) => /^(authorize_url|token_url|userdata_url)$/.test(o.trait) && o.op === '=' && isOAuthenticator(ctx, o.cls));
    const text = ctx.model.text;
    const local = (o: TraitOp): boolean => {
      if (o.value.kind === 'str') return LOOPBACK_URL.test(o.value.value.trim());
      if (o.value.kind !== 'fstring') return false;
      // f"{provider}/token" with `provider = "http://127.0.0.1:8080/default"` in the file
      const m = /^[fF]["']\{([A-Za-z_]\w*)\}/.exec(text.slice(o.value.span.start, o.value.span.end));
      if (!m) return false;
      const def = new RegExp(`^${m[1]}\\s*=\\s*["']([^"'\\n]*)["']`, 'm').exec(text);
      return !!def && LOOPBACK_URL.test(def[1]);
    };
    v = urls.length > 0 && urls.every(local);
    localProviderCache.set(ctx.model, v);
  }
  return v;
}

/** Words in a file's header that say the whole file is for testing (stricter than TEST_WORDS: the header speaks for every line). */
const HEADER_TEST = /\b(for (local )?(testing|tests?|development|dev|demos?|ci)|(test|testing|development|dev|demo|ci) (config|configuration|setup|deployment|environment|purposes|only)|(testing|development|dev) only|not for production|do not use (this )?in production|example only)\b/i;
const headerCache = new WeakMap<object, boolean>();

/** The file's opening comment block (before its first statement other than `c = get_config()`) says it is a test config. */
function headerSaysTest(model: RuleContext['model']): boolean {
  let v = headerCache.get(model);
  if (v === undefined) {
    v = false;
    for (const line of model.text.split(/\r?\n|\r/, 60)) {
      const t = line.trim();
      if (!t || /^c\s*=\s*get_config\(\)/.test(t) || t === '---') continue;
      if (!t.startsWith('#')) break;
      if (HEADER_TEST.test(t) && !/hubcfg:/.test(t)) { v = true; break; }
    }
    headerCache.set(model, v);
  }
  return v;
}

/** Severity by trust level: `untrusted` when users may be strangers, `trusted` otherwise (undefined = do not report). */
export function byTrust(ctx: RuleContext, untrusted: Severity | undefined, trusted: Severity | undefined): Severity | undefined {
  return ctx.trust === 'untrusted-users' ? untrusted : trusted;
}

/**
 * Authenticator entry points: the ones JupyterHub and the catalogued plugins register in some release
 * (generated, catalog/entrypoints.json), then names people write that no catalogued release registers
 * (other rules judge them as the class they mean; traitlets/unloadable-class says when they cannot load).
 */
const WRITTEN_AUTHENTICATOR_NAMES: Record<string, string> = {
  generic: 'GenericOAuthenticator', nativeauthenticator: 'NativeAuthenticator', 'first-use': 'FirstUseAuthenticator',
};
let entryPointTable: Record<string, string> | undefined;
function authEntryPoints(): Record<string, string> {
  return (entryPointTable ??= { ...WRITTEN_AUTHENTICATOR_NAMES, ...entryPointClasses('jupyterhub.authenticators') });
}

/** The authenticator class name the config selects (PAMAuthenticator when it selects none), or undefined if not a literal. */
export function authenticatorClass(ctx: RuleContext): { name: string; op?: TraitOp } | undefined {
  const op = lastAssignment(ctx, 'JupyterHub', 'authenticator_class');
  if (!op) return { name: 'PAMAuthenticator' };
  const name = authenticatorName(op.value);
  return name ? { name, op } : undefined;
}

/** The class name an authenticator_class value stands for (entry-point name, import string or class name). */
export function authenticatorName(v: Value): string | undefined {
  let raw: string | undefined;
  if (v.kind === 'str') raw = v.value;
  else if (v.kind === 'name') raw = v.name;
  if (!raw) return undefined;
  const last = raw.split('.').pop()!;
  const eps = authEntryPoints();
  return eps[raw.toLowerCase()] ?? eps[last.toLowerCase()] ?? last;
}

export function isOAuthenticator(ctx: RuleContext, cls: string): boolean {
  return ctx.traits.isSubclass(cls, 'OAuthenticator') || /OAuthenticator$/.test(cls);
}

export { isEncryptedValue };
