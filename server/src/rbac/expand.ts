import { atLeast, type ScopeTable } from './catalog';
import { splitScope } from './scopes';

/**
 * Scope expansion as `scopes._expand_scope` does it: a scope stands for itself plus, recursively,
 * its subscopes; a filter applies to every scope in the expansion. With a `!server` filter, 3.0.x
 * adds `read:users:name!user=<the server's user>` when anything `read:` is included, and from
 * 3.1.0 the `read:user*` subscopes are dropped instead. Metascopes (`self`, `inherit`) are left as
 * they are: they depend on who holds them.
 */
export function expandScope(scope: string, t: ScopeTable, custom?: Map<string, string[]>): string[] {
  const { base, filter, hasBang } = splitScope(scope);
  const seen = new Set<string>();
  const walk = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const subs = t.has(name) ? t.subscopes(name) : custom?.get(name) ?? [];
    for (const s of subs) walk(s);
  };
  walk(base);
  let names = [...seen];
  if (hasBang && filter) {
    if (filter.startsWith('server') && atLeast(t.release, '3.1.0')) names = names.filter((n) => !n.startsWith('read:user'));
    const out = names.map((n) => `${n}!${filter}`);
    if (atLeast(t.release, '3.0.0') && !atLeast(t.release, '3.1.0')) {
      const [kind, , value] = partition(filter, '=');
      if (kind === 'server' && names.some((n) => n.startsWith('read:'))) out.push(`read:users:name!user=${partition(value, '/')[0]}`);
    }
    return out;
  }
  return names;
}

function partition(s: string, sep: string): [string, string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, '', ''] : [s.slice(0, i), sep, s.slice(i + sep.length)];
}

/** Expands a list of scopes (duplicates removed, order of first appearance). */
export function expandScopes(scopes: string[], t: ScopeTable, custom?: Map<string, string[]>): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const s of scopes) {
    for (const e of expandScope(s, t, custom)) {
      if (!seen.has(e)) {
        seen.add(e);
        out.push(e);
      }
    }
  }
  return out;
}

/** What `self` stands for in a release, before the `!user=NAME` filter is added (users only). */
export function selfScopes(t: ScopeTable): string[] {
  const base = ['read:users', 'read:users:name', 'read:users:groups', 'users:activity', 'read:users:activity', 'servers', 'delete:servers', 'read:servers', 'tokens', 'read:tokens', 'access:servers'];
  if (atLeast(t.release, '6.0.0b1')) {
    return expandScopes(['read:users', 'users:shares', 'read:shares', 'users:activity', 'servers', 'tokens', 'access:servers'], t);
  }
  if (atLeast(t.release, '5.0.0')) return [...base, 'users:shares', 'read:users:shares', 'read:shares'];
  return base;
}
