import { defineRule } from '../types';
import { roleName } from '../../rbac/config';
import { ADMIN_ROLE_DESCRIPTION } from '../../rbac/behaviour';
import { DOCS, fix, pyStr, quoteOf, rbac } from './util';

export default defineRule({
  id: 'rbac/admin-role-override',
  title: 'Changed scopes or description of the admin role',
  severity: 'error',
  rationale:
    'The default `admin` role may be listed in `load_roles` to set its members, but its `scopes` and `description` are fixed: JupyterHub compares them with its own values (for scopes, the exact list in the same order) and refuses to start when they differ ("Cannot override admin role"). The default admin scope list grows between releases (`admin-ui` in 3.0, `admin:services` and `shares` in 5.0), so a list copied from one release fails on the next.',
  howToFix: 'Leave `scopes` and `description` out of the `admin` entry and list only its members; to grant a subset of admin powers, define a role with another name.',
  docs: [DOCS.defaultRoles],
  fix: 'suggestion',
  example: { bad: 'c.JupyterHub.load_roles = [{"name": "admin", "scopes": ["admin:users"], "users": ["ada"]}]', good: 'c.JupyterHub.load_roles = [{"name": "admin", "users": ["ada"]}]' },
  check(ctx) {
    const r = rbac(ctx);
    if (!r) return;
    const adminScopes = r.b.defaultRoles.admin ?? [];
    for (const role of r.cfg.roles) {
      if (roleName(role) !== 'admin') continue;
      const d = role.keys.get('description');
      if (d) {
        const v = d.value;
        const known = ['str', 'int', 'float', 'bool', 'none', 'list', 'tuple', 'set', 'dict'].includes(v.kind);
        if (known && !(v.kind === 'str' && v.value === ADMIN_ROLE_DESCRIPTION)) {
          ctx.report({
            span: v.span,
            message: `The admin role's description cannot be changed (it must stay ${pyStr(ADMIN_ROLE_DESCRIPTION)}): the hub will not start`,
            fixes: [fix('Use the default admin description', 'suggestion', [{ span: v.span, newText: pyStr(ADMIN_ROLE_DESCRIPTION, v.kind === 'str' ? quoteOf(ctx, v) : "'") }])],
          });
        }
      }
      const s = role.keys.get('scopes');
      if (s) {
        const v = s.value;
        let same: boolean | undefined;
        if (v.kind === 'list') {
          if (v.items.every((i) => i.kind === 'str')) same = v.items.length === adminScopes.length && v.items.every((i, k) => i.kind === 'str' && i.value === adminScopes[k]);
          else if (v.items.some((i) => ['int', 'float', 'bool', 'none', 'list', 'tuple', 'set', 'dict'].includes(i.kind))) same = false;
        } else if (['str', 'int', 'float', 'bool', 'none', 'tuple', 'set', 'dict'].includes(v.kind)) same = false;
        if (same === false) {
          const q = v.kind === 'list' && v.items[0]?.kind === 'str' ? quoteOf(ctx, v.items[0]) : "'";
          ctx.report({
            span: v.span,
            message: `The admin role's scopes cannot be changed: JupyterHub ${ctx.jupyterhubVersion} requires exactly its default list (${adminScopes.length} scopes, in order), so the hub will not start. List only members here`,
            fixes: [fix(`Write the default admin scopes of JupyterHub ${ctx.jupyterhubVersion}`, 'suggestion', [{ span: v.span, newText: `[${adminScopes.map((x) => pyStr(x, q)).join(', ')}]` }])],
          });
        }
      }
    }
  },
});
