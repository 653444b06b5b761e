import type { RbacBehaviour } from './behaviour';
import type { ScopeTable } from './catalog';

/**
 * The existence check JupyterHub applies to each scope string of a role (and later to token and
 * OAuth scopes): `roles._check_scopes` in 2.x, `scopes._check_scopes_exist` from 3.0.
 */

export type ScopeProblem =
  | { kind: 'draft-all'; base: string; filter: string }
  | { kind: 'unknown'; base: string; filter: string; futureIn?: string; removedIn?: string }
  | { kind: 'undefined-custom'; base: string; filter: string }
  | { kind: 'filter'; base: string; filter: string; reason: string };

export const FILTER_PREFIXES = ['!user=', '!service=', '!group=', '!server='];
export const EXACT_FILTERS = ['!user', '!service', '!server'];
const SUBSTRING_FILTERS_2X = ['!user=', '!service=', '!group=', '!server=', '!user'];

/** Python's str.partition('!'). */
export function splitScope(scope: string): { base: string; filter: string; hasBang: boolean } {
  const i = scope.indexOf('!');
  if (i < 0) return { base: scope, filter: '', hasBang: false };
  return { base: scope.slice(0, i), filter: scope.slice(i + 1), hasBang: true };
}

/** Does the filter part pass the release's filter check? (The base name is checked separately.) */
export function filterAccepted(scope: string, b: Pick<RbacBehaviour, 'filterCheck'>): boolean {
  const { filter } = splitScope(scope);
  if (!filter) return true; // no '!' or a trailing '!': nothing to check
  if (b.filterCheck === 'substring') return SUBSTRING_FILTERS_2X.some((f) => scope.includes(f));
  const full = '!' + filter;
  return EXACT_FILTERS.includes(full) || FILTER_PREFIXES.some((p) => full.startsWith(p));
}

function filterReason(scope: string, b: RbacBehaviour): string {
  const { filter } = splitScope(scope);
  const full = '!' + filter;
  if (full === '!group') return 'a group filter needs a group name: `!group=NAME` (there is no bare `!group`)';
  if (b.filterCheck === 'substring' && (full === '!server' || full === '!service')) return `the bare \`${full}\` filter exists only from JupyterHub 3.0; JupyterHub ${b.release} needs \`${full}=NAME\``;
  if (full.indexOf('!', 1) > 0 && b.filterCheck === 'prefix') return 'only one filter per scope string: the text after the first `!` must be a single filter (list the scope once per filter)';
  return 'filters are `!user`, `!service`, `!server` (bare) or `!user=`, `!group=`, `!server=`, `!service=` followed by a name';
}

/**
 * Checks one scope string. `customDefined` holds the names `custom_scopes` may define (undefined:
 * the custom scopes are not known, so any `custom:` name is given the benefit of the doubt).
 */
export function checkScope(scope: string, b: RbacBehaviour, customDefined: Set<string> | undefined): ScopeProblem | undefined {
  const { base, filter } = splitScope(scope);
  const t = b.table;
  const known = t.has(base) || (b.customScopes && customDefined?.has(base));
  if (!known) {
    if (base === 'all') return { kind: 'draft-all', base, filter };
    if (b.customScopes && base.startsWith('custom:')) {
      if (customDefined === undefined) return undefined;
      return { kind: 'undefined-custom', base, filter };
    }
    const added = t.added(base);
    return { kind: 'unknown', base, filter, futureIn: added };
  }
  if (!filterAccepted(scope, b)) return { kind: 'filter', base, filter, reason: filterReason(scope, b) };
  return undefined;
}

/** The scope names a role may use in this release (built-ins plus defined custom scopes). */
export function scopeNames(t: ScopeTable, custom?: Iterable<string>): string[] {
  const out = t.names.filter((n) => n !== '(no_scope)');
  if (custom) for (const c of custom) if (!out.includes(c)) out.push(c);
  return out;
}

/** Custom scope definition problems, in the order `define_custom_scopes` checks them. */
export type CustomScopeProblem =
  | { kind: 'builtin'; message: string }
  | { kind: 'name'; message: string }
  | { kind: 'not-dict'; message: string }
  | { kind: 'no-description'; message: string }
  | { kind: 'subscopes-type'; message: string }
  | { kind: 'subscope-builtin'; message: string; subscope: string }
  | { kind: 'subscope-missing'; message: string; subscope: string }
  | { kind: 'extra-keys'; message: string; keys: string[] };
