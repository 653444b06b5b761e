import { defineRule } from '../types';
import { roleName } from '../../rbac/config';
import { DOCS, isDefaultRole, rbac, roleLabel } from './util';

export default defineRule({
  id: 'rbac/role-without-scopes',
  title: 'Role that grants no scopes',
  severity: 'warning',
  rationale:
    'A role whose `scopes` is missing or empty grants nothing: its members gain no permission, which is rarely what the entry means (a misspelt `scope` key is the usual cause). Up to JupyterHub 3.0 it is worse: a custom role without a `scopes` key is created on the first start, but every later start fails with `KeyError: \'scopes\'` while JupyterHub compares the role with the one in its database.',
  howToFix: 'Give the role the scopes its members need (`"scopes": [...]`), or remove the role.',
  docs: [DOCS.roleDefinition],
  example: { bad: 'c.JupyterHub.load_roles = [{"name": "monitor", "users": ["grafana"]}]', good: 'c.JupyterHub.load_roles = [{"name": "monitor", "scopes": ["read:metrics"], "users": ["grafana"]}]' },
  check(ctx) {
    const r = rbac(ctx);
    if (!r) return;
    for (const role of r.cfg.roles) {
      const name = roleName(role);
      if (name === undefined && role.keys.has('name')) {
        // a literal that is not a string fails the name check; a non-literal name could be anything
        if (!['int', 'float', 'bool', 'none'].includes(role.keys.get('name')!.value.kind)) continue;
      }
      if (name === undefined) continue;
      const e = role.keys.get('scopes');
      const label = roleLabel(role);
      const at = role.keys.get('name')!.value.span;
      if (!e) {
        if (!role.keysKnown) continue;
        if (isDefaultRole(name) && r.b.mergesDefaultRoles) continue;
        const misspelt = ['scope', 'Scopes', 'SCOPES'].find((k) => role.keys.has(k));
        if (r.b.restartNeedsScopesKey) {
          ctx.report({
            span: at,
            severity: 'error',
            message: `${label} has no "scopes" key: JupyterHub ${ctx.jupyterhubVersion} creates it on the first start, but every later start fails with KeyError: 'scopes' (fixed in 3.1). Its members get no permissions either`,
          });
        } else {
          ctx.report({ span: at, message: `${label} has no "scopes": its members get no permissions${misspelt ? ` (JupyterHub ignores the "${misspelt}" key)` : ''}` });
        }
        continue;
      }
      const v = e.value;
      // other values are rbac/invalid-role-value's business
      const empty = v.kind === 'list' ? v.items.length === 0 : (v.kind === 'tuple' || v.kind === 'set') && r.b.storesTuplesAndSets ? v.items.length === 0 : false;
      if (!empty) continue;
      if (name === 'admin') continue; // the admin-role-override rule reports it
      ctx.report({ span: v.span, message: `${label} has an empty "scopes": its members get no permissions` });
    }
  },
});
