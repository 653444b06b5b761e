import { defineRule } from '../types';
import { truthy } from '../../rbac/config';
import { DOCS, rbac, roleLabel } from './util';

export default defineRule({
  id: 'rbac/manage-roles-conflict',
  title: 'load_roles assigns members while the authenticator manages roles',
  severity: 'error',
  rationale:
    'With `Authenticator.manage_roles = True` (JupyterHub 5.0+) the authenticator owns role membership. JupyterHub then refuses a `load_roles` entry that assigns `users` or `groups` ("When authenticator manages roles, `load_roles` can not be used for assigning roles to users nor groups") and the hub does not start. Defining roles there (scopes only, or with `services`) is still allowed.',
  howToFix: 'Remove `users` and `groups` from the `load_roles` entries and let the authenticator assign the roles, or turn `manage_roles` off.',
  docs: [DOCS.manageRoles],
  example: {
    bad: 'c.Authenticator.manage_roles = True\nc.JupyterHub.load_roles = [{"name": "tas", "scopes": ["read:users"], "groups": ["tas"]}]',
    good: 'c.Authenticator.manage_roles = True\nc.JupyterHub.load_roles = [{"name": "tas", "scopes": ["read:users"]}]',
  },
  check(ctx) {
    const r = rbac(ctx);
    if (!r || !r.b.manageRoles) return;
    const m = r.cfg.manageRoles;
    if (!m.certain || m.value !== true) return;
    for (const role of r.cfg.roles) {
      for (const k of ['users', 'groups']) {
        const e = role.keys.get(k);
        if (!e || truthy(e.value) !== true) continue;
        ctx.report({ span: e.key.span, message: `${roleLabel(role)} assigns "${k}" while Authenticator.manage_roles is True (line ${lineOf(ctx.model.text, m.op!.span.start)}): JupyterHub refuses this, so the hub will not start` });
      }
    }
  },
});

function lineOf(text: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}
