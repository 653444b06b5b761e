import type { TraitOp, Value } from '../../../model/types';
import type { RuleContext } from '../../types';
import type { Span } from '../../../util/text';
import { compareVersions } from '../../../catalog/traits';
import { authenticatorName, lastAssignment, suppliedFor } from '../util';

/** Whether the judged JupyterHub version is at least `v` ("5.0", "5.3", ...). */
export function atLeast(ctx: RuleContext, v: string): boolean {
  return compareVersions(ctx.jupyterhubVersion, v) >= 0;
}

/** Is `cls` an authenticator class: a catalogued subclass of Authenticator, or an unknown class named like one. */
export function isAuthenticatorClass(ctx: RuleContext, cls: string): boolean {
  if (ctx.traits.getClass(cls)) return ctx.traits.isSubclass(cls, 'Authenticator');
  return /Authenticator$/.test(cls);
}

/** Ops that set `trait` on any authenticator class (Authenticator, its subclasses, custom *Authenticator classes). */
export function authOps(ctx: RuleContext, trait: string): TraitOp[] {
  return ctx.model.ops.filter((o) => o.trait === trait && isAuthenticatorClass(ctx, o.cls));
}

/**
 * The authenticator class the file selects with a literal `authenticator_class` that the catalogue knows,
 * or undefined when the file does not set it, sets it from an expression, or names an unknown class.
 */
export function selectedAuthenticator(ctx: RuleContext): string | undefined {
  const op = lastAssignment(ctx, 'JupyterHub', 'authenticator_class');
  if (!op || op.conditional) return undefined;
  const name = authenticatorName(op.value);
  return name && ctx.traits.getClass(name) ? name : undefined;
}

/**
 * The authenticator the hub will run: the selected class, PAMAuthenticator when the file selects none,
 * undefined when it cannot be told (an expression, a conditional choice, an unknown class).
 */
export function runningAuthenticator(ctx: RuleContext): { name: string; op?: TraitOp } | undefined {
  const ops = ctx.model.ops.filter((o) => o.cls === 'JupyterHub' && o.trait === 'authenticator_class');
  if (!ops.length) return { name: 'PAMAuthenticator' };
  const op = ops[ops.length - 1];
  if (ops.some((o) => o.conditional || o.op !== '=')) return undefined;
  const name = authenticatorName(op.value);
  if (!name || !ctx.traits.getClass(name) || ctx.model.definedClasses.includes(name)) return undefined;
  return { name, op };
}

/**
 * Whether a setting of `op.trait` (or `trait`) on `op.cls` reaches a trait that exists at the judged version:
 * judged on the selected authenticator when the file names one (the setting must then be on it or one of
 * its bases), otherwise on the class written, and for unknown classes on `fallbackBase`.
 */
export function authTraitApplies(ctx: RuleContext, op: TraitOp, trait = op.trait, fallbackBase = 'Authenticator'): boolean {
  const sel = selectedAuthenticator(ctx);
  if (sel) {
    if (sel !== op.cls && !ctx.traits.isSubclass(sel, op.cls)) return false;
    return !!ctx.traits.getTrait(sel, trait);
  }
  if (ctx.traits.getClass(op.cls)) return !!ctx.traits.getTrait(op.cls, trait);
  return !!ctx.traits.getTrait(fallbackBase, trait);
}

/** A literal that holds nothing: empty string, empty collection, None, `set()` and friends. */
export function isEmptyLiteral(v: Value): boolean {
  switch (v.kind) {
    // calls carry no arguments in the model: `set()` is told from `set(x)` by its length
    case 'call': return /^(set|frozenset|list|dict|tuple)$/.test(v.callee) && v.span.end - v.span.start === v.callee.length + 2;
    case 'none': return true;
    case 'str': return v.value.trim() === '';
    case 'list': case 'tuple': case 'set': return v.items.length === 0;
    case 'dict': return v.entries.length === 0;
    default: return false;
  }
}

/** Items of a literal collection (list, tuple, set; a dict's keys), or undefined when not a literal collection. */
export function literalItems(v: Value): Value[] | undefined {
  if (v.kind === 'list' || v.kind === 'tuple' || v.kind === 'set') return v.items;
  if (v.kind === 'dict') return v.entries.map((e) => e.key);
  return undefined;
}

/** The span of a string literal's content, when the literal spells it plainly (no escapes, no concatenation). */
export function contentSpan(text: string, v: Extract<Value, { kind: 'str' }>): Span | undefined {
  if (!v.plain) return undefined;
  const raw = text.slice(v.span.start, v.span.end);
  const m = /^[rRuU]?("""|'''|"|')/.exec(raw);
  if (!m) return undefined;
  const q = m[1];
  const start = v.span.start + m[0].length;
  const end = v.span.end - q.length;
  if (end - start !== v.value.length || !raw.endsWith(q)) return undefined;
  return { start, end };
}

/** Words that name a group of people in an environment variable name: "alice-bot" -> "ALICE_BOT". */
export function envWord(s: string): string {
  const w = s.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '').toUpperCase();
  return w || 'X';
}

/** A token written in the config: api_tokens / service_tokens keys and services[].api_token values. */
export interface ConfigToken {
  /** the token's value as the file spells it (a key of a dict, or a service's api_token value) */
  value: Value;
  /** the user or service it belongs to, when the file says so literally */
  owner?: string;
  where: 'api_tokens' | 'service_tokens' | 'services';
  op: TraitOp;
}

function dictTokens(op: TraitOp, v: Value, where: 'api_tokens' | 'service_tokens', out: ConfigToken[]): void {
  if (v.kind !== 'dict') return;
  for (const e of v.entries) out.push({ value: e.key, owner: e.value.kind === 'str' ? e.value.value : undefined, where, op });
}

function serviceTokens(op: TraitOp, v: Value, out: ConfigToken[]): void {
  if (v.kind !== 'dict') return;
  const tok = v.entries.find((e) => e.key.kind === 'str' && e.key.value === 'api_token');
  if (!tok) return;
  const name = v.entries.find((e) => e.key.kind === 'str' && e.key.value === 'name');
  out.push({ value: tok.value, owner: name?.value.kind === 'str' ? name.value.value : undefined, where: 'services', op });
}

/** Every token the file writes into JupyterHub.api_tokens, service_tokens or services. */
export function configTokens(ctx: RuleContext): ConfigToken[] {
  const out: ConfigToken[] = [];
  for (const op of ctx.model.ops) {
    if (op.cls !== 'JupyterHub') continue;
    if (op.trait === 'api_tokens' || op.trait === 'service_tokens') {
      if (op.op === 'item=' && op.key) out.push({ value: op.key, owner: op.value.kind === 'str' ? op.value.value : undefined, where: op.trait, op });
      else if (op.op === '=' || op.op === 'update' || op.op === '|=') dictTokens(op, op.value, op.trait, out);
    } else if (op.trait === 'services') {
      if (op.op === 'append' || op.op === 'insert') serviceTokens(op, op.value, out);
      else if (op.op === '=' || op.op === '+=' || op.op === 'extend') {
        const items = op.value.kind === 'list' || op.value.kind === 'tuple' ? op.value.items : [];
        for (const item of items) serviceTokens(op, item, out);
      }
    }
  }
  return out;
}

/** Allow rules the file sets: any allowed_* trait (or whitelist) on an authenticator class, with a value that is not an empty literal. */
export function allowRules(ctx: RuleContext): TraitOp[] {
  return ctx.model.ops.filter((o) => isAuthenticatorClass(ctx, o.cls) && o.op !== '-=' && (!isEmptyLiteral(o.value) || boundToName(ctx, o)) && /^(allowed_\w+|whitelist|group_whitelist)$/.test(o.trait));
}

/** `c.X.y = name = set()`: the value is also bound to a variable, which the file may fill in later. */
export function boundToName(ctx: RuleContext, op: TraitOp): boolean {
  return /=\s*[A-Za-z_]\w*\s*=\s*$/.test(ctx.model.text.slice(op.span.start, op.value.span.start));
}

/**
 * Settings that limit who can authenticate at all: Google's hosted_domain, an Azure AD tenant other than the
 * multi-tenant endpoints (a value from the environment counts: it names one tenant).
 */
export function providerRestrictions(ctx: RuleContext): TraitOp[] {
  return ctx.model.ops.filter(
    (o) =>
      isAuthenticatorClass(ctx, o.cls) &&
      o.op === '=' &&
      !isEmptyLiteral(o.value) &&
      (o.trait === 'hosted_domain' || (o.trait === 'tenant_id' && !(o.value.kind === 'str' && /^(common|organizations|consumers)$/i.test(o.value.value)))),
  );
}

/**
 * The same limits supplied by the deployment instead of the file: GoogleOAuthenticator reads `hosted_domain`
 * from HOSTED_DOMAIN and AzureAdOAuthenticator `tenant_id` from AAD_TENANT_ID when the config leaves them unset.
 * Returns the variable and where it is set, or undefined.
 */
export function providerRestrictionFromEnv(ctx: RuleContext): { name: string; source: string } | undefined {
  if (!ctx.environment) return undefined;
  const running = runningAuthenticator(ctx)?.name;
  if (!running) return undefined;
  for (const trait of ['hosted_domain', 'tenant_id']) {
    if (ctx.model.ops.some((o) => o.trait === trait && isAuthenticatorClass(ctx, o.cls))) continue; // the file decides
    const v = suppliedFor(ctx, running, trait);
    if (!v || (trait === 'tenant_id' && v.value !== undefined && /^(common|organizations|consumers)$/i.test(v.value.trim()))) continue;
    return v;
  }
  return undefined;
}

/** A lightweight lexer: every string literal of a Python file, with the span of its content. */
export interface StringLiteral {
  span: Span;
  content: Span;
  raw: boolean;
}

export function stringLiterals(text: string): StringLiteral[] {
  const out: StringLiteral[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i];
    if (ch === '#') {
      while (i < n && text[i] !== '\n' && text[i] !== '\r') i++;
      continue;
    }
    if (ch === '"' || ch === "'") {
      // prefix letters just before the quote
      let p = i;
      while (p > 0 && /[rRbBuUfFtT]/.test(text[p - 1]) && i - p < 2) p--;
      if (p > 0 && /[\w]/.test(text[p - 1])) p = i; // part of a name: not a prefix
      const prefix = text.slice(p, i).toLowerCase();
      const triple = text.startsWith(ch.repeat(3), i);
      const q = triple ? ch.repeat(3) : ch;
      const cStart = i + q.length;
      let j = cStart;
      let closed = false;
      while (j < n) {
        if (text[j] === '\\') {
          j += 2;
          continue;
        }
        if (!triple && (text[j] === '\n' || text[j] === '\r')) break;
        if (text.startsWith(q, j)) {
          closed = true;
          break;
        }
        j++;
      }
      const end = closed ? j + q.length : Math.min(j, n);
      out.push({ span: { start: p, end }, content: { start: cStart, end: Math.min(j, n) }, raw: prefix.includes('r') });
      i = end;
      continue;
    }
    i++;
  }
  return out;
}

/**
 * Whether another setting replaces this op: a later unconditional plain assignment of the same Class.trait,
 * or an unconditional one on a more specific class that the running authenticator inherits (traitlets lets
 * the most specific class win, whatever the order).
 */
export function overridden(op: TraitOp, ops: TraitOp[], ctx?: RuleContext): boolean {
  const i = ops.indexOf(op);
  if (ops.slice(i + 1).some((o) => o.cls === op.cls && o.trait === op.trait && o.op === '=' && !o.conditional)) return true;
  if (!ctx) return false;
  const running = runningAuthenticator(ctx)?.name;
  return ops.some(
    (o) => o !== op && o.trait === op.trait && o.op === '=' && !o.conditional && o.cls !== op.cls && ctx.traits.isSubclass(o.cls, op.cls) && (!running || running === o.cls || ctx.traits.isSubclass(running, o.cls)),
  );
}

/**
 * The file builds part of its config at run time (`c[section].update(...)`, `load_subconfig(...)`, `exec`):
 * what it does not say literally may still be set, so rules about missing settings stay silent.
 */
export function loadsConfigDynamically(ctx: RuleContext): boolean {
  const text = ctx.model.text;
  if (/\bload_subconfig\s*\(|\bexec\s*\(|\brunpy\.run_path\s*\(|\.merge\s*\(/.test(text)) return true;
  return ctx.model.configNames.some((n) => new RegExp(`(^|[^\\w.])${n}\\s*\\[\\s*(?!['"])`, 'm').test(text));
}
