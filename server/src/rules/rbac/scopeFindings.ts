import type { Value } from '../../model/types';
import type { Fix, RuleContext } from '../types';
import { closest } from '../../util/text';
import { checkScope, FILTER_PREFIXES, EXACT_FILTERS, scopeNames, splitScope, type ScopeProblem } from '../../rbac/scopes';
import { customDefined, fix, pyRepr, rbac, replaceString, scopeSources, show, type Rbac, type ScopeSource } from './util';

export interface ScopeFinding {
  source: ScopeSource;
  value: Value;
  /** the scope string, or undefined when the item is a literal that is not a string */
  scope?: string;
  problem?: ScopeProblem;
}

const cache = new WeakMap<object, ScopeFinding[]>();

/** Every broken scope string of every scope source (computed once per model and version). */
export function scopeFindings(ctx: RuleContext): { r: Rbac; findings: ScopeFinding[] } | undefined {
  const r = rbac(ctx);
  if (!r) return undefined;
  // the RBAC view is cached per model and trait catalogue, and a catalogue belongs to one version
  const cached = cache.get(r.cfg);
  if (cached) return { r, findings: cached };
  const custom = customDefined(r);
  const out: ScopeFinding[] = [];
  for (const source of scopeSources(ctx, r)) {
    for (const v of source.items) {
      if (v.kind === 'str') {
        const problem = checkScope(v.value, r.b, custom);
        if (problem) out.push({ source, value: v, scope: v.value, problem });
      } else if (['int', 'float', 'bool', 'none', 'list', 'tuple', 'set', 'dict'].includes(v.kind)) {
        out.push({ source, value: v });
      }
    }
  }
  cache.set(r.cfg, out);
  return { r, findings: out };
}

/** Did-you-mean fixes for a scope whose base name is unknown: same filter, closest names of the version. */
export function scopeNameFixes(ctx: RuleContext, v: Extract<Value, { kind: 'str' }>, candidates: string[]): Fix[] {
  const { base, filter, hasBang } = splitScope(v.value);
  const tail = hasBang ? '!' + filter : '';
  const fixes: Fix[] = [];
  const lower = base.toLowerCase().trim();
  if (lower !== base && candidates.includes(lower)) {
    fixes.push(fix(`Change to ${pyRepr(lower + tail)}`, 'safe', [replaceString(ctx, v, lower + tail)]));
    return fixes;
  }
  const near = closest(base, candidates.filter((c) => c !== '(no_scope)'));
  near.forEach((n, i) => {
    const clear = i === 0 && (near.length === 1 || near[1].distance > n.distance);
    fixes.push(fix(`Change to ${pyRepr(n.name + tail)}`, clear ? 'unsafe' : 'suggestion', [replaceString(ctx, v, n.name + tail)]));
  });
  return fixes;
}

/** Fixes for a filter JupyterHub rejects: a misspelt kind (`!users=x` → `!user=x`). */
export function filterFixes(ctx: RuleContext, r: Rbac, v: Extract<Value, { kind: 'str' }>): Fix[] {
  const { base, filter } = splitScope(v.value);
  const m = /^([^=!]*)(=.*)?$/s.exec(filter);
  if (!m) return [];
  const kind = m[1];
  const rest = m[2] ?? '';
  const kinds = rest ? FILTER_PREFIXES.map((p) => p.slice(1, -1)) : r.b.filterCheck === 'prefix' ? EXACT_FILTERS.map((p) => p.slice(1)) : ['user'];
  const near = closest(kind, kinds).filter((n) => n.name !== kind);
  return near.slice(0, 2).map((n, i) => fix(`Change the filter to ${pyRepr('!' + n.name + rest)}`, i === 0 && near.length === 1 ? 'unsafe' : 'suggestion', [replaceString(ctx, v, `${base}!${n.name}${rest}`)]));
}

export function candidatesFor(r: Rbac): string[] {
  const custom = customDefined(r);
  return scopeNames(r.b.table, custom);
}

export function notAString(ctx: RuleContext, f: ScopeFinding): string {
  return `${show(ctx, f.value)} in ${f.source.where} is not a scope string: JupyterHub splits every scope at "!", so ${f.source.consequence}`;
}
