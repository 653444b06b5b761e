import * as path from 'path';
import type { TraitOp, Value } from '../../model/types';
import type { Fix, RuleContext, Severity } from '../types';
import { LineIndex, type Span } from '../../util/text';
import { isEncryptedValue } from '../../model/placeholder';
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

export function isTrue(v: Value | undefined): boolean {
  return !!v && ((v.kind === 'bool' && v.value) || (v.kind === 'int' && v.value === 1));
}

export function isFalse(v: Value | undefined): boolean {
  return !!v && ((v.kind === 'bool' && !v.value) || (v.kind === 'int' && v.value === 0));
}

export function strValue(v: Value | undefined): string | undefined {
  return v && v.kind === 'str' ? v.value : undefined;
}

/** Placeholders that stand for a value filled in elsewhere: ${VAR}, {{ x }}, <REDACTED>, $(VAR), %(x)s. */
export function isPlaceholder(s: string): boolean {
  const t = s.trim();
  if (isEncryptedValue(t)) return true;
  return /^\$\{[^}]+\}$/.test(t) || /^\$\([^)]+\)$/.test(t) || /\{\{.*\}\}/.test(t) || /^<[^<>]*>$/.test(t) || /^%\([^)]+\)s$/.test(t) || /^\*+$/.test(t) || /^(redacted|secret|changeme-in-env)$/i.test(t);
}

/** A string literal that holds a real secret value (not empty, not a placeholder). */
export function isLiteralSecret(v: Value | undefined): v is Extract<Value, { kind: 'str' }> {
  return !!v && v.kind === 'str' && v.value.trim() !== '' && !isPlaceholder(v.value);
}

/** Shows a secret without giving it away: first two characters and the length. */
export function mask(secret: string): string {
  if (secret.length <= 4) return `"${'*'.repeat(secret.length)}" (${secret.length} characters)`;
  return `"${secret.slice(0, 2)}${'*'.repeat(6)}" (${secret.length} characters)`;
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
  while (start > 0 && text[start - 1] !== '\n') start--;
  let end = op.span.end;
  while (end < text.length && text[end] !== '\n') end++;
  if (end < text.length) end++;
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
 * mentions testing or development, or a comment on the statement's lines or in the comment
 * block right above it saying so.
 */
export function isTestContext(ctx: RuleContext, op: TraitOp): boolean {
  const base = path.basename(ctx.filePath ?? '');
  if (/(^|[_.-])(test|tests|testing|dev|local|demo)([_.-]|$)/i.test(base) || /(^|[\\/])(tests?|testing)[\\/]/.test(ctx.filePath ?? '')) return true;
  if (op.guards?.some((g) => !/^not \(/.test(g) && TEST_WORDS.test(g))) return true;
  const { idx, lines } = testCommentLines(ctx.model);
  if (!lines.size) return false;
  const first = idx.positionAt(op.span.start).line;
  const last = idx.positionAt(op.span.end).line;
  for (let l = first; l <= last; l++) if (lines.has(l)) return true;
  // the comment-only lines right above the statement
  for (let l = first - 1, k = 0; l >= 0 && k < 3; l--, k++) {
    const t = ctx.model.text.slice(idx.lineStart(l), idx.lineEnd(l));
    if (!/^\s*#/.test(t)) break;
    if (lines.has(l)) return true;
  }
  return false;
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
