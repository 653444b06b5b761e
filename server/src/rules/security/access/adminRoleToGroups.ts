import type { Value } from '../../../model/types';
import { dictGet } from '../../../model/types';
import { defineRule } from '../../types';
import { isTestContext } from '../util';
import { isEmptyLiteral } from './common';

/** The role dicts an op on load_roles adds. */
function roleDicts(op: { op: string; value: Value }): Value[] {
  if (op.op === 'append' || op.op === 'insert') return [op.value];
  if ((op.op === '=' || op.op === '+=' || op.op === 'extend') && (op.value.kind === 'list' || op.value.kind === 'tuple')) return op.value.items;
  return [];
}

export default defineRule({
  id: 'security/admin-role-to-groups',
  title: 'The admin role given to groups',
  severity: 'warning',
  rationale:
    'Giving the built-in `admin` role to a group makes hub admin a matter of group membership. Whoever can change that membership (an admin of the group in the identity provider when the authenticator manages groups, anyone with the `groups` scope, a script using the API) can make themselves or others full admins, and a person added to the group for another reason becomes one too.',
  howToFix:
    'List the admins by name in the `admin` role\'s `users` (or `Authenticator.admin_users`). If a group really needs extra rights, give it a custom role with only the scopes it needs, filtered where possible (e.g. `admin:servers!group=course`).',
  docs: [
    { title: 'Roles: defining roles', url: 'https://jupyterhub.readthedocs.io/en/stable/rbac/roles.html#defining-roles' },
    { title: 'Scopes', url: 'https://jupyterhub.readthedocs.io/en/stable/rbac/scopes.html' },
  ],
  example: {
    bad: 'c.JupyterHub.load_roles = [{"name": "admin", "groups": ["staff"]}]',
    good: 'c.JupyterHub.load_roles = [{"name": "admin", "users": ["alice"]}, {"name": "course-admin", "scopes": ["admin:servers!group=course"], "groups": ["staff"]}]',
  },
  check(ctx) {
    if (!ctx.traits.getTrait('JupyterHub', 'load_roles')) return;
    for (const op of ctx.model.ops) {
      if (op.cls !== 'JupyterHub' || op.trait !== 'load_roles' || isTestContext(ctx, op)) continue;
      for (const role of roleDicts(op)) {
        const name = dictGet(role, 'name');
        if (!name || name.value.kind !== 'str' || name.value.value !== 'admin') continue;
        const groups = dictGet(role, 'groups');
        if (!groups || isEmptyLiteral(groups.value)) continue;
        const v = groups.value;
        if (!(v.kind === 'list' || v.kind === 'tuple' || v.kind === 'set')) continue; // a name or call: cannot judge
        const names = v.items.filter((i) => i.kind === 'str').map((i) => `"${(i as { value: string }).value}"`);
        ctx.report({
          span: groups.span,
          message: `The admin role is given to group${v.items.length === 1 ? '' : 's'} ${names.join(', ') || '(computed)'}: everyone added to ${v.items.length === 1 ? 'it' : 'them'} becomes a full hub admin`,
        });
      }
    }
  },
});
