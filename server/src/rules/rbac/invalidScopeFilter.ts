import { defineRule } from '../types';
import { DOCS, fix, pyRepr, replaceString, scopeSources } from './util';
import { checkScope, splitScope } from '../../rbac/scopes';

/** The value of a filter as JupyterHub 5.0+ parses it, after the bare !user/!server/!service are resolved. */
function filterValue(filter: string): string {
  if (['user', 'server', 'service'].includes(filter)) return 'resolved';
  const i = filter.indexOf('=');
  return i < 0 ? '' : filter.slice(i + 1);
}
import { filterFixes, scopeFindings } from './scopeFindings';

export default defineRule({
  id: 'rbac/invalid-scope-filter',
  title: 'Scope filter JupyterHub rejects',
  severity: 'error',
  rationale:
    'A scope may be narrowed with one filter after a `!`. From JupyterHub 3.0 the text after the first `!` must be exactly `!user`, `!service` or `!server`, or start with `!user=`, `!group=`, `!server=` or `!service=`; there is no bare `!group`, and a second `!` filter cannot follow another. JupyterHub 2.x instead accepts any scope string that contains `!user`, `!service=`, `!group=` or `!server=`, so it rejects the bare `!server` and `!service` that 3.0 accepts and accepts some strings 3.0 rejects. A rejected filter in a role stops the hub at start-up.',
  howToFix: 'Write one filter per scope string, with its kind spelt as JupyterHub expects (`!user=NAME`, `!group=NAME`, `!server=USER/SERVER`, `!service=NAME`); list the scope several times to combine filters.',
  docs: [DOCS.scopes],
  fix: 'unsafe',
  example: { bad: 'c.JupyterHub.load_roles = [{"name": "group-reader", "scopes": ["read:users!group"], "users": ["ada"]}]', good: 'c.JupyterHub.load_roles = [{"name": "group-reader", "scopes": ["read:users!group=staff"], "users": ["ada"]}]' },
  check(ctx) {
    const res = scopeFindings(ctx);
    if (!res) return;
    const { r } = res;
    for (const f of res.findings) {
      const v = f.value;
      if (v.kind !== 'str' || f.problem?.kind !== 'filter') continue;
      const severity = f.source.severity;
      let consequence = f.source.consequence;
      if (f.source.kind === 'server_token_scopes') {
        // a user who holds the scope (an admin holds nearly all) passes it to the token check, which rejects it;
        // from 5.0 a filter without a value fails for everyone
        consequence = r.b.emptyFilterRaises && !filterValue(f.problem.filter) ? 'every spawn fails with "Empty string is not a valid filter" when the server token is made' : 'spawning fails for users who hold the scope (admins hold nearly all), because the server token is checked with this filter';
      }
      ctx.report({
        span: v.span,
        severity,
        message: `Scope filter ${pyRepr('!' + f.problem.filter)} in ${pyRepr(v.value)} is not accepted by JupyterHub ${ctx.jupyterhubVersion}: ${f.problem.reason}; in ${f.source.where} ${consequence}`,
        fixes: filterFixes(ctx, r, v),
      });
    }
    // `inherit` cannot be narrowed: a filtered inherit is never "held", so making the server token fails
    for (const s of scopeSources(ctx, r)) {
      if (s.kind !== 'server_token_scopes') continue;
      for (const v of s.items) {
        if (v.kind !== 'str') continue;
        const { base, hasBang } = splitScope(v.value);
        if (base !== 'inherit' || !hasBang || checkScope(v.value, r.b, undefined)) continue;
        ctx.report({
          span: v.span,
          message: `"inherit" cannot be filtered: no user holds ${pyRepr(v.value)}, so every spawn fails when JupyterHub makes the server token ("Not assigning requested scopes ... not held by User")`,
          fixes: [fix('Change to "inherit"', 'unsafe', [replaceString(ctx, v, 'inherit')])],
        });
      }
    }
  },
});
