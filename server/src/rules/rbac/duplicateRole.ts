import { defineRule } from '../types';
import { LineIndex } from '../../util/text';
import { roleName, type RoleSpec } from '../../rbac/config';
import { DOCS, pyRepr, rbac } from './util';

export default defineRule({
  id: 'rbac/duplicate-role',
  title: 'Role defined twice',
  severity: 'error',
  rationale:
    'JupyterHub refuses a `load_roles` list that defines the same role name more than once ("Role X multiply defined"), even when both definitions are identical, and the hub does not start. Overriding a default role (`user`, `admin`, `server`, `token`) is fine, but only once.',
  howToFix: 'Merge the definitions into one entry (scopes and members combined), or rename one of them.',
  docs: [DOCS.roleDefinition],
  example: {
    bad: 'c.JupyterHub.load_roles = [\n    {"name": "tas", "scopes": ["read:users"], "groups": ["tas"]},\n    {"name": "tas", "scopes": ["servers"], "groups": ["tas"]},\n]',
    good: 'c.JupyterHub.load_roles = [\n    {"name": "tas", "scopes": ["read:users", "servers"], "groups": ["tas"]},\n]',
  },
  check(ctx) {
    const r = rbac(ctx);
    if (!r) return;
    const idx = LineIndex.of(ctx.model.text);
    const seen = new Map<string, RoleSpec[]>();
    for (const role of r.cfg.roles) {
      const name = roleName(role);
      if (name === undefined) continue;
      const earlier = (seen.get(name) ?? []).filter((e) => e.op === role.op || (e.live === 'certain' && role.live === 'certain'));
      if (earlier.length) {
        const first = earlier[0];
        const line = idx.positionAt(first.keys.get('name')!.value.span.start).line + 1;
        ctx.report({ span: role.keys.get('name')!.value.span, message: `Role ${pyRepr(name)} is already defined on line ${line}: JupyterHub refuses roles that are "multiply defined", so the hub will not start` });
      }
      seen.set(name, [...(seen.get(name) ?? []), role]);
    }
  },
});
