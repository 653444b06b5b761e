import { defineRule } from '../types';
import { roleName } from '../../rbac/config';
import { splitScope } from '../../rbac/scopes';
import { DOCS, pyRepr, rbac, roleLabel } from './util';

const POWERFUL = ['admin:users', 'admin:servers'];

export default defineRule({
  id: 'rbac/admin-scope-outside-admin-role',
  title: 'admin:users or admin:servers granted outside the admin role',
  severity: 'warning',
  rationale:
    '`admin:users` lets its holder create, change and delete users, read their auth state and grant themselves roles through user records; `admin:servers` lets them start, stop and read the state of any server. Granting either outside the `admin` role makes its members near-admins, which deserves a deliberate choice. Before JupyterHub 4.1.6 and 5.1.0 it is a full privilege escalation: a holder of `admin:users` could make any user, including themselves, an admin (GHSA-9x4q-3gxw-849f, CVE-2024-41942).',
  howToFix: 'Grant the narrowest scopes that do the job (`users`, `read:users`, `servers!group=...`), filter them to the users or groups concerned, and upgrade to 4.1.6 / 5.1.0 or later if you must grant `admin:users`.',
  docs: [DOCS.availableScopes, DOCS.advisory],
  example: {
    bad: 'c.JupyterHub.load_roles = [{"name": "helpdesk", "scopes": ["admin:users"], "groups": ["helpdesk"]}]',
    good: 'c.JupyterHub.load_roles = [{"name": "helpdesk", "scopes": ["users!group=students", "read:servers"], "groups": ["helpdesk"]}]',
  },
  check(ctx) {
    const r = rbac(ctx);
    if (!r) return;
    for (const role of r.cfg.roles) {
      if (roleName(role) === 'admin') continue;
      const e = role.keys.get('scopes');
      if (!e || (e.value.kind !== 'list' && e.value.kind !== 'tuple' && e.value.kind !== 'set')) continue;
      for (const v of e.value.items) {
        if (v.kind !== 'str') continue;
        const { base, filter } = splitScope(v.value);
        if (!POWERFUL.includes(base)) continue;
        const escal = base === 'admin:users' && r.b.adminUsersEscalation;
        const scopeText = filter ? ` (filtered to ${pyRepr(filter)})` : '';
        ctx.report({
          span: v.span,
          message: `${roleLabel(role)} grants ${pyRepr(base)}${scopeText}, which is nearly admin power${
            escal ? `; on JupyterHub ${ctx.jupyterhubVersion} its holders can make themselves full admins (GHSA-9x4q-3gxw-849f, CVE-2024-41942, fixed in 4.1.6 and 5.1.0)` : ''
          }`,
        });
      }
    }
  },
});
