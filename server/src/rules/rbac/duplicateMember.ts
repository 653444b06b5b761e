import { defineRule } from '../types';
import { DOCS, pyRepr, rbac, roleLabel } from './util';
import { duplicateNames, memberLists } from './members';

export default defineRule({
  id: 'rbac/duplicate-member',
  title: 'Member listed twice in a role',
  severity: 'error',
  rationale:
    'JupyterHub assigns a role by setting its member list to the entries of `users`, `groups` or `services` one by one. When a name appears twice (for users also when two entries differ only in case, because user names are lowercased first) the role gets the same new member twice and the database refuses the second row: the hub stops at start-up with an IntegrityError. (Users repeated in the default `user` role are spared: they already hold it.)',
  howToFix: 'Remove the repeated entry (user names are compared in lowercase).',
  docs: [DOCS.roleDefinition],
  example: { bad: 'c.JupyterHub.load_roles = [{"name": "tas", "scopes": ["read:users"], "users": ["ada", "Ada"]}]', good: 'c.JupyterHub.load_roles = [{"name": "tas", "scopes": ["read:users"], "users": ["ada"]}]' },
  check(ctx) {
    const r = rbac(ctx);
    if (!r) return;
    for (const ml of memberLists(ctx, r)) {
      if (ml.form === 'string') continue; // rbac/string-instead-of-list
      for (const [name, ms] of duplicateNames(ml)) {
        for (const m of ms.slice(1)) {
          const caseOnly = ms[0].raw !== m.raw;
          ctx.report({
            span: m.value.span,
            message: `${ml.kind === 'users' ? 'User' : ml.kind === 'groups' ? 'Group' : 'Service'} ${pyRepr(name)} is listed twice in "${ml.kind}" of ${roleLabel(ml.role)}${caseOnly ? ' (user names are lowercased)' : ''}: JupyterHub assigns the role twice and the hub stops with an IntegrityError`,
          });
        }
      }
    }
  },
});
