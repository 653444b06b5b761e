import { defineRule } from '../types';
import { DOCS, fix, pyRepr, rbac, replaceString, show } from './util';

/** A valid name close to `name`: lowercase, other characters as '-', a letter first, a letter or digit last, 3-255 characters. */
export function repairRoleName(name: string): string | undefined {
  let s = name.trim().toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  s = s.replace(/[^a-z0-9\-_~.]+/g, '-').replace(/[^a-z0-9]+$/, '');
  if (!s) return undefined;
  if (!/^[a-z]/.test(s)) s = 'role-' + s.replace(/^[^a-z0-9]+/, '');
  if (s.length < 3) s += '-role';
  if (s.length > 255) s = s.slice(0, 255).replace(/[^a-z0-9]+$/, '');
  return s;
}

/** Why JupyterHub's role-name pattern rejects a name (its checks in plain words). */
export function roleNameProblem(name: string): string {
  const core = name.endsWith('\n') ? name.slice(0, -1) : name;
  const chars = [...core];
  if (chars.length < 3) return `it is ${chars.length} character${chars.length === 1 ? '' : 's'} long (at least 3)`;
  if (chars.length > 255) return `it is ${chars.length} characters long (at most 255)`;
  const bad = [...new Set(chars.filter((c) => !/[a-z0-9\-_~.]/.test(c)))];
  if (bad.length) {
    if (bad.every((c) => /[A-Z]/.test(c))) return 'it has uppercase letters';
    return `it contains ${bad.slice(0, 4).map((c) => JSON.stringify(c)).join(', ')}`;
  }
  if (!/^[a-z]/.test(core)) return 'it does not start with a letter';
  return 'it does not end with a letter or digit';
}

export default defineRule({
  id: 'rbac/invalid-role-name',
  title: 'Role without a valid name',
  severity: 'error',
  rationale:
    'JupyterHub reads `name` of every `load_roles` entry before anything else and then matches it against its role-name pattern: 3 to 255 characters, lowercase ASCII letters, digits and `-_.~`, a letter first and a letter or digit last. An entry without a name, a name that is not a string, or a name outside the pattern stops the hub at start-up. (Python\'s `$` also lets one trailing newline through, so `"abc\\n"` is accepted; JupyterHub stores it with the newline.)',
  howToFix: 'Give every role a `name` that follows the pattern; the quick fix proposes a repaired name (renaming a role that already exists in the database replaces it, so check its members).',
  docs: [DOCS.roleDefinition],
  fix: 'unsafe',
  example: { bad: 'c.JupyterHub.load_roles = [{"name": "Students", "scopes": ["self"]}]', good: 'c.JupyterHub.load_roles = [{"name": "students", "scopes": ["self"]}]' },
  check(ctx) {
    const r = rbac(ctx);
    if (!r) return;
    for (const role of r.cfg.roles) {
      const e = role.keys.get('name');
      if (!e) {
        if (!role.keysKnown) continue;
        ctx.report({ span: role.dict.span, message: 'This load_roles entry has no "name": JupyterHub reads role_spec["name"] for every entry, so the hub will not start (KeyError: \'name\')' });
        continue;
      }
      const v = e.value;
      if (v.kind === 'str') {
        if (r.b.table.roleNamePattern.test(v.value)) continue;
        const repaired = repairRoleName(v.value);
        const why = roleNameProblem(v.value);
        ctx.report({
          span: v.span,
          message: `Invalid role name ${pyRepr(v.value)}: ${why}. Role names must be 3-255 characters of lowercase ASCII letters, digits and -_.~, start with a letter and end with a letter or digit; the hub will not start`,
          fixes: repaired && repaired !== v.value ? [fix(`Rename the role to ${pyRepr(repaired)}`, 'unsafe', [replaceString(ctx, v, repaired)])] : [],
        });
      } else if (['int', 'float', 'bool', 'none', 'list', 'tuple', 'set', 'dict'].includes(v.kind)) {
        ctx.report({ span: v.span, message: `The role name ${show(ctx, v)} is not a string: JupyterHub's name check raises TypeError and the hub will not start` });
      }
    }
  },
});
