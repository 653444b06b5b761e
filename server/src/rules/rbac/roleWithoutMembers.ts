import { defineRule } from '../types';
import { roleName, truthy } from '../../rbac/config';
import { DOCS, isDefaultRole, pyRepr, rbac, roleLabel } from './util';
import { memberLists } from './members';

export default defineRule({
  id: 'rbac/role-without-members',
  title: 'Role that nobody holds',
  severity: 'warning',
  rationale:
    'Roles are given to users, groups and services only through the `users`, `groups` and `services` keys of `load_roles` (or by an authenticator that manages roles); tokens cannot be given roles this way. A custom role with none of these grants nothing to anyone, and because membership is reset to the listed members at every start, members added any other way are removed again. A role whose only members are groups that nothing defines grants nothing until someone fills those groups.',
  howToFix: 'List the role\'s members (`"users": [...]`, `"groups": [...]`, `"services": [...]`), or remove the role.',
  docs: [DOCS.roleDefinition],
  example: { bad: 'c.JupyterHub.load_roles = [{"name": "graders", "scopes": ["read:users"]}]', good: 'c.JupyterHub.load_roles = [{"name": "graders", "scopes": ["read:users"], "groups": ["graders"]}]' },
  check(ctx) {
    const r = rbac(ctx);
    if (!r) return;
    if (r.cfg.manageRoles.set && !(r.cfg.manageRoles.certain && r.cfg.manageRoles.value === false)) return;
    const lg = r.cfg.loadGroups;
    const groupsKnown = !lg.unknown && !r.cfg.manageGroups.set;
    const lists = memberLists(ctx, r);
    for (const role of r.cfg.roles) {
      const name = roleName(role);
      if (name === undefined || isDefaultRole(name) || !role.keysKnown) continue;
      const at = role.keys.get('name')!.value.span;
      const vals = ['users', 'groups', 'services'].map((k) => role.keys.get(k)).filter((e) => e !== undefined);
      if (vals.some((e) => truthy(e!.value) !== false)) {
        // only groups, all undefined: the role reaches nobody until the groups are filled
        if (!groupsKnown || role.keys.has('users') && truthy(role.keys.get('users')!.value) !== false || role.keys.has('services') && truthy(role.keys.get('services')!.value) !== false) continue;
        const gl = lists.find((l) => l.role === role && l.kind === 'groups');
        if (!gl || gl.form !== 'list' && gl.form !== 'set' || gl.unknownItems) continue;
        const undefinedGroups = gl.members.filter((m) => m.name !== undefined && !lg.items.has(m.name));
        if (undefinedGroups.length !== gl.members.length || !gl.members.length) continue;
        ctx.report({
          span: at,
          severity: 'information',
          message: `${roleLabel(role)} is held only by the group${undefinedGroups.length > 1 ? 's' : ''} ${undefinedGroups.map((m) => pyRepr(m.name!)).join(', ')}, which c.JupyterHub.load_groups does not define: JupyterHub creates ${undefinedGroups.length > 1 ? 'them' : 'it'} empty, so the role reaches nobody until members are added through the API`,
        });
        continue;
      }
      ctx.report({ span: at, message: `${roleLabel(role)} has no users, groups or services: it grants nothing to anyone` });
    }
  },
});
