import { defineRule, type Fix } from '../types';
import { closest } from '../../util/text';
import { ROLE_KEYS } from '../../rbac/behaviour';
import { DOCS, fix, pyRepr, rbac, replaceString, roleLabel, show } from './util';

const RENAMES: Record<string, string> = { group: 'groups', user: 'users', scope: 'scopes', service: 'services', members: 'users', permissions: 'scopes', desc: 'description' };

export default defineRule({
  id: 'rbac/unknown-role-key',
  title: 'Role key JupyterHub ignores',
  severity: 'warning',
  rationale:
    'JupyterHub reads only `name`, `description`, `scopes`, `users`, `groups` and `services` from a `load_roles` entry and ignores every other key without a word. A misspelt `group`, `user` or `scope` therefore leaves the role without members or without scopes while the config looks right. `roles` and `tokens` keys do nothing either: tokens cannot be given roles through `load_roles`.',
  howToFix: 'Spell the key as JupyterHub expects (the quick fix renames it), or remove it.',
  docs: [DOCS.roleDefinition],
  fix: 'unsafe',
  example: { bad: 'c.JupyterHub.load_roles = [{"name": "tas", "scopes": ["read:users"], "group": ["tas"]}]', good: 'c.JupyterHub.load_roles = [{"name": "tas", "scopes": ["read:users"], "groups": ["tas"]}]' },
  check(ctx) {
    const r = rbac(ctx);
    if (!r) return;
    for (const role of r.cfg.roles) {
      for (const [k, e] of role.keys) {
        if (ROLE_KEYS.includes(k)) continue;
        if (k === 'managed_by_auth' && r.b.manageRoles) {
          ctx.report({ span: e.key.span, severity: 'information', message: `"managed_by_auth" is set by JupyterHub for roles an authenticator manages; in load_roles it has no documented effect` });
          continue;
        }
        const target = RENAMES[k] ?? RENAMES[k.toLowerCase()] ?? (k.toLowerCase() !== k && ROLE_KEYS.includes(k.toLowerCase()) ? k.toLowerCase() : closest(k, ROLE_KEYS)[0]?.name);
        const fixes: Fix[] = [];
        if (target && !role.keys.has(target) && e.key.kind === 'str') fixes.push(fix(`Rename to ${pyRepr(target)}`, 'unsafe', [replaceString(ctx, e.key, target)]));
        let effect = '';
        if (target === 'users' || target === 'groups' || target === 'services') effect = `, so the ${target} listed here do not get the role`;
        else if (target === 'scopes') effect = ', so the role grants none of these scopes';
        else if (k === 'roles') effect = ' (roles do not nest)';
        else if (k === 'tokens') effect = ' (tokens cannot be given roles through load_roles)';
        ctx.report({ span: e.key.span, message: `JupyterHub ignores the key ${pyRepr(k)} in ${roleLabel(role)}${effect}${target && !effect.includes(target) ? `. Did you mean ${pyRepr(target)}?` : ''}`, fixes });
      }
      for (const e of role.otherKeys) {
        ctx.report({ span: e.key.span, message: `JupyterHub ignores the key ${show(ctx, e.key)} in ${roleLabel(role)} (role keys are strings)` });
      }
    }
  },
});
