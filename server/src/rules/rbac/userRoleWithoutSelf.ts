import { defineRule } from '../types';
import { roleName } from '../../rbac/config';
import { expandScopes } from '../../rbac/expand';
import { checkScope, splitScope } from '../../rbac/scopes';
import { DOCS, customDefined, pyRepr, rbac } from './util';

/** Does an expanded scope list give a user `base` on their own resources (unfiltered or with a bare `!user`)? */
export function coversOwn(expanded: string[], base: string): boolean {
  return expanded.some((s) => {
    const p = splitScope(s);
    return p.base === base && (!p.hasBang || p.filter === 'user' || p.filter === '');
  });
}

export default defineRule({
  id: 'rbac/user-role-without-self',
  title: 'user role redefined without "self"',
  severity: 'warning',
  rationale:
    'Every user holds the default `user` role, whose only scope is `self`: the right to start, stop and open their own servers, read their own model and manage their own tokens. Listing `user` in `load_roles` with `scopes` replaces that list. Without `self` (or `servers!user` and `access:servers!user`), nobody can start or open their own server any more; the hub starts normally and users meet 403 pages. A warning (the hub itself starts: hubcfg keeps errors for what stops it); information when another role in the file also grants `self`, whose members keep their servers.',
  howToFix: 'Keep `self` in the `user` role and add the extra scopes next to it: `"scopes": ["self", "access:servers!user=shared"]`. From JupyterHub 6.0, `c.JupyterHub.extra_user_scopes` adds scopes without redefining the role.',
  docs: [DOCS.defaultRoles, DOCS.roleDefinition],
  fix: 'unsafe',
  example: {
    bad: 'c.JupyterHub.load_roles = [{"name": "user", "scopes": ["access:servers!user=shared"]}]',
    good: 'c.JupyterHub.load_roles = [{"name": "user", "scopes": ["self", "access:servers!user=shared"]}]',
  },
  check(ctx) {
    const r = rbac(ctx);
    if (!r || r.cfg.rolesTrait.unknown) return;
    const custom = customDefined(r);
    const strs = (v: { kind: string; items?: { kind: string; value?: unknown }[] }) =>
      v.items && v.items.every((i) => i.kind === 'str') ? v.items.map((i) => i.value as string) : undefined;
    // other roles that hand out `self` (their members keep their servers)
    const selfElsewhere = r.cfg.roles.some((role) => {
      if (roleName(role) === 'user') return false;
      const e = role.keys.get('scopes');
      if (!e || !['list', 'tuple', 'set'].includes(e.value.kind)) return false;
      const s = strs(e.value as never);
      return !s || s.includes('self');
    });
    for (const role of r.cfg.roles) {
      if (roleName(role) !== 'user' || role.live !== 'certain') continue;
      const e = role.keys.get('scopes');
      if (!e || !['list', 'tuple', 'set'].includes(e.value.kind)) continue;
      const v = e.value as Extract<typeof e.value, { kind: 'list' | 'tuple' | 'set' }>;
      // an empty list is rbac/role-without-scopes' finding
      if (!v.items.length) continue;
      const scopes = strs(v as never);
      if (!scopes) continue;
      if (scopes.some((s) => s === 'self' || s === 'inherit' || checkScope(s, r.b, custom))) continue;
      const expanded = expandScopes(scopes, r.b.table);
      const start = coversOwn(expanded, 'servers');
      const open = coversOwn(expanded, 'access:servers');
      if (start && open) continue;
      const lost = [!start ? 'start or stop their own server' : '', !open ? 'open it' : ''].filter(Boolean).join(' or ');
      const insertAt = v.items[0].span.start;
      const q = ctx.model.text[insertAt] === "'" ? "'" : '"';
      ctx.report({
        span: e.key.span,
        severity: selfElsewhere ? 'information' : undefined,
        message: `The user role is redefined with ${pyRepr(scopes[0])}${scopes.length > 1 ? ` and ${scopes.length - 1} more` : ''} but without "self": it replaces the default, so users can no longer ${lost}${selfElsewhere ? ' unless another role gives them "self"' : ''}`,
        fixes: [{ title: 'Add "self" to the user role', applicability: 'unsafe', edits: [{ span: { start: insertAt, end: insertAt }, newText: `${q}self${q}, ` }] }],
      });
    }
  },
});
