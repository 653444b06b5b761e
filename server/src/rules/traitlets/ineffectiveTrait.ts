import { defineRule, type Fix, type RuleContext } from '../types';
import { rbacConfig, roleName } from '../../rbac/config';
import { renameEdits } from './util';
import { renameTarget, splitTarget } from './deprecatedTrait';
import { compareVersions } from '../../catalog/traits';

/** The file names admins: Authenticator.admin_users, or members of the admin role in load_roles. */
function hasAdmins(ctx: RuleContext): boolean {
  if (ctx.model.ops.some((o) => o.trait === 'admin_users' && !(o.value.kind === 'list' || o.value.kind === 'set' || o.value.kind === 'tuple' ? o.value.items.length === 0 : o.value.kind === 'none'))) return true;
  return rbacConfig(ctx.model, ctx.traits).roles.some((r) => roleName(r) === 'admin' && (r.keys.has('users') || r.keys.has('groups')));
}

/** Settings that do nothing and whose absence weakens access control. */
const SECURITY_NO_OPS = new Set(['blacklist', 'group_whitelist', 'blocked_users', 'allowed_groups']);

export default defineRule({
  id: 'traitlets/ineffective-trait',
  title: 'Setting that silently does nothing',
  severity: 'warning',
  rationale:
    'Some old names are still accepted by Python but no longer do anything: either they stopped being traits (traitlets only logs a generic "not recognized" line, if anything), or the trait is still declared but nothing reads it. The hub starts normally and behaves as if the line were not there. For block lists and group allow lists this means people you meant to keep out can log in. `JupyterHub.admin_access = False` next to a list of admins is one too from JupyterHub 2.0: admins open users\' servers through the `access:servers` scope of the admin role whatever it says.',
  howToFix: 'Use the replacement setting, which the quick fix writes when there is one.',
  docs: [{ title: 'Authenticator allow and block lists', url: 'https://jupyterhub.readthedocs.io/en/stable/tutorial/getting-started/authenticators-users-basics.html' }],
  fix: 'unsafe',
  example: { bad: "c.Authenticator.blacklist = {'mallory'}", good: "c.Authenticator.blocked_users = {'mallory'}" },
  check(ctx) {
    for (const op of ctx.model.ops) {
      let since: string | undefined;
      let startupError = false;
      let renamedTo: string | undefined;
      let owner = op.cls;
      let pkg = 'JupyterHub';
      const t = ctx.traits.getTrait(op.cls, op.trait);
      if (t) {
        if (t.entry.deprecated?.effect !== 'ignored') continue;
        since = t.entry.deprecated.since;
        renamedTo = t.entry.deprecated.renamedTo;
        owner = t.definedIn;
        if (t.package !== 'jupyterhub') pkg = t.package;
      } else {
        const r = ctx.traits.removedTrait(op.cls, op.trait);
        if (!r || r.effect === 'copied') continue;
        if (r.effect === 'error') startupError = true;
        since = r.since;
        renamedTo = r.renamedTo;
        owner = r.definedIn;
        const p = ctx.traits.getClass(r.definedIn)?.package;
        if (p && p !== 'jupyterhub') pkg = p;
      }
      const fixes: Fix[] = [];
      let message = startupError
        ? `${op.cls}.${op.trait} is no longer accepted${since ? ` since ${pkg} ${since}` : ''}: setting it stops the hub at start-up`
        : `${op.cls}.${op.trait} does nothing${since ? ` since ${pkg} ${since}` : ''}`;
      const [nc, nt] = renamedTo ? splitTarget(renamedTo, owner) : ['', ''];
      const targetClass = nc === owner ? op.cls : nc;
      // no advice to use a trait the judged version lacks
      if (renamedTo && renameTarget(ctx, targetClass, nt) !== 'no') {
        message += `: use ${targetClass}.${nt}`;
        fixes.push({ title: `Rename to ${targetClass}.${nt}`, applicability: 'unsafe', edits: renameEdits(op, targetClass, nt, ctx) });
      }
      const security = SECURITY_NO_OPS.has(op.trait);
      if (security) message += ' (the access rule you wrote is not applied)';
      ctx.report({ span: op.traitSpan, message, fixes, severity: security || startupError ? 'error' : undefined });
    }
    // admin_access = False, written to keep the configured admins out of users' servers: RBAC decides that from 2.0
    if (compareVersions(ctx.jupyterhubVersion, '2.0') >= 0 && hasAdmins(ctx)) {
      for (const op of ctx.model.ops) {
        if (op.trait !== 'admin_access' || op.op !== '=' || (op.cls !== 'JupyterHub' && !ctx.traits.isSubclass(op.cls, 'JupyterHub'))) continue;
        const v = op.value;
        if (!((v.kind === 'bool' && !v.value) || (v.kind === 'int' && v.value === 0))) continue;
        const ui = compareVersions(ctx.jupyterhubVersion, '3.0') >= 0 ? 'admin-ui, ' : '';
        ctx.report({
          span: op.traitSpan,
          message: `${op.cls}.admin_access = False does not keep admins out of users' servers since JupyterHub 2.0: the admin role always holds access:servers. To keep someone out, do not make them admin; give them a role with only the admin scopes they need (e.g. ${ui}admin:users, admin:servers) and no access:servers`,
        });
      }
    }
  },
});
