import { defineRule } from '../types';
import { roleName } from '../../rbac/config';
import { DOCS, pyRepr, rbac } from './util';
import { memberLists } from './members';

export default defineRule({
  id: 'rbac/admin-role-groups',
  title: 'admin role given to a group that does not exist yet',
  severity: 'error',
  rationale:
    'When JupyterHub assigns the `admin` role it marks every member as admin. For a group listed in the admin role that does not exist yet, it creates the group but then marks a missing object, and the hub stops with `AttributeError: \'NoneType\' object has no attribute \'admin\'` (every version from 2.0 to 6.0). Groups that already exist, because `c.JupyterHub.load_groups` defines them or an earlier `load_roles` entry created them, are fine.',
  howToFix: 'Define the group in `c.JupyterHub.load_groups` (or list it in a role before the `admin` entry), or give admin rights to users instead.',
  docs: [DOCS.defaultRoles],
  example: {
    bad: 'c.JupyterHub.load_roles = [{"name": "admin", "groups": ["hub-admins"]}]',
    good: 'c.JupyterHub.load_groups = {"hub-admins": []}\nc.JupyterHub.load_roles = [{"name": "admin", "groups": ["hub-admins"]}]',
  },
  check(ctx) {
    const r = rbac(ctx);
    if (!r) return;
    const lg = r.cfg.loadGroups;
    if (lg.unknown || r.cfg.manageGroups.set) return;
    const lists = memberLists(ctx, r);
    const existing = new Set<string>(lg.items.keys());
    let uncertain = false;
    for (const role of r.cfg.roles) {
      const gl = lists.find((l) => l.role === role && l.kind === 'groups');
      if (!gl) continue;
      if (gl.unknownItems || !gl.form || gl.form === 'not-iterable') uncertain = true;
      if (roleName(role) === 'admin' && !uncertain && role.live === 'certain') {
        for (const m of gl.members) {
          if (m.name === undefined || existing.has(m.name)) continue;
          ctx.report({ span: m.value.span, message: `Group ${pyRepr(m.name)} does not exist when JupyterHub gives it the admin role (load_groups does not define it and no earlier role lists it): the hub stops with AttributeError on a database without this group` });
          break;
        }
      }
      for (const m of gl.members) if (m.name !== undefined) existing.add(m.name);
    }
  },
});
