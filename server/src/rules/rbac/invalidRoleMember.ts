import { defineRule } from '../types';
import { DOCS, pyRepr, rbac, roleLabel, show } from './util';
import { memberLists, usernameProblem } from './members';

export default defineRule({
  id: 'rbac/invalid-role-member',
  title: 'Role member JupyterHub cannot create',
  severity: 'error',
  rationale:
    'Users named in a role are created at start-up when they do not exist yet, after their name is normalized (lowercased) and validated: an empty name, a name containing `/` or one with leading or trailing whitespace is refused and the hub does not start. A user entry that is not a string cannot even be normalized, and a `users`, `groups` or `services` value that cannot be iterated (such as `None` or a number) stops the hub as well.',
  howToFix: 'List members as a list of plain names: `"users": ["ada", "grace"]`.',
  docs: [DOCS.roleDefinition],
  example: { bad: 'c.JupyterHub.load_roles = [{"name": "tas", "scopes": ["read:users"], "users": ["ada ", None]}]', good: 'c.JupyterHub.load_roles = [{"name": "tas", "scopes": ["read:users"], "users": ["ada"]}]' },
  check(ctx) {
    const r = rbac(ctx);
    if (!r) return;
    for (const ml of memberLists(ctx, r)) {
      if (ml.form === 'not-iterable') {
        ctx.report({ span: ml.entry.value.span, message: `"${ml.kind}": ${show(ctx, ml.entry.value)} in ${roleLabel(ml.role)} is not a list: JupyterHub iterates it to assign the role, so the hub will not start` });
        continue;
      }
      if (ml.kind !== 'users' || ml.form === 'string') continue;
      for (const m of ml.members) {
        if (m.name === undefined) {
          ctx.report({ span: m.value.span, message: `User ${show(ctx, m.value)} in ${roleLabel(ml.role)} is not a string: JupyterHub cannot normalize it, so the hub will not start` });
          continue;
        }
        const p = usernameProblem(m.name, r.b.release);
        if (p) ctx.report({ span: m.value.span, message: `User ${pyRepr(m.raw!)} in ${roleLabel(ml.role)} is not a valid username (${p}): JupyterHub refuses to create it, so the hub will not start` });
      }
    }
  },
});
