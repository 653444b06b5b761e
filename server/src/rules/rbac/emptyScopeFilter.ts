import { defineRule } from '../types';
import { splitScope } from '../../rbac/scopes';
import { DOCS, pyRepr, rbac, scopeSources } from './util';

export default defineRule({
  id: 'rbac/empty-scope-filter',
  title: 'Scope filter with an empty name',
  severity: 'warning',
  rationale:
    'JupyterHub\'s start-up check accepts a filter with nothing after `=` (`read:users!user=`), but it never means anything useful: up to 4.x the filter silently matches nothing, and from 5.0 expanding it raises "Empty string is not a valid filter", so requests and logins of the role\'s members fail at run time, and a server token asking for it cannot be made (every spawn fails).',
  howToFix: 'Put the user, group, server (`user/name`) or service name after `=`, or drop the filter.',
  docs: [DOCS.scopes],
  example: { bad: 'c.JupyterHub.load_roles = [{"name": "reader", "scopes": ["read:users!group="], "users": ["ada"]}]', good: 'c.JupyterHub.load_roles = [{"name": "reader", "scopes": ["read:users!group=staff"], "users": ["ada"]}]' },
  check(ctx) {
    const r = rbac(ctx);
    if (!r) return;
    for (const s of scopeSources(ctx, r)) {
      for (const v of s.items) {
        if (v.kind !== 'str') continue;
        const { filter } = splitScope(v.value);
        if (!/^(user|group|server|service)=$/.test(filter)) continue;
        const spawnFails = r.b.emptyFilterRaises && s.kind === 'server_token_scopes';
        ctx.report({
          span: v.span,
          severity: spawnFails ? 'error' : undefined,
          message: spawnFails
            ? `${pyRepr(v.value)} in ${s.where} has an empty filter: every spawn fails with "Empty string is not a valid filter" when the server token is made`
            : r.b.emptyFilterRaises
            ? `${pyRepr(v.value)} in ${s.where} has an empty filter: the hub starts, but JupyterHub ${ctx.jupyterhubVersion} raises "Empty string is not a valid filter" whenever it expands it`
            : `${pyRepr(v.value)} in ${s.where} has an empty filter: it matches nothing`,
        });
      }
    }
  },
});
