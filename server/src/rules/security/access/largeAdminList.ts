import type { TraitOp } from '../../../model/types';
import { defineRule } from '../../types';
import { isTestContext } from '../util';
import { authOps, authTraitApplies, isAuthenticatorClass, isEmptyLiteral, literalItems, overridden } from './common';

const MAX_ADMINS = 10;

/** Traits that make whole groups admins: PAM/OAuthenticator admin_groups, Google's admin_google_groups, Globus' admin_globus_groups, ... */
const ADMIN_GROUP_TRAIT = /^admin_(\w+_)?groups$/;

export default defineRule({
  id: 'security/large-admin-list',
  title: 'Many admins, or admin rights for whole groups',
  severity: 'information',
  rationale:
    'A JupyterHub admin can do anything on the hub: act as any user, read their servers, issue tokens, change who is admin. Each admin account is one more account whose compromise hands over the whole hub. Granting admin to a group hands that power to whoever is in the group now or is added later, often by people outside the hub\'s control.',
  howToFix:
    'Keep `admin_users` to the few people who run the hub. Give everyone else a role with only the scopes they need (`load_roles`, for example `admin:servers!group=course` for teaching assistants). Use admin groups only when the group is small and tightly controlled.',
  docs: [
    { title: 'Configure admins (admin_users)', url: 'https://jupyterhub.readthedocs.io/en/stable/tutorial/getting-started/authenticators-users-basics.html#configure-admins-admin-users' },
    { title: 'Roles', url: 'https://jupyterhub.readthedocs.io/en/stable/rbac/roles.html' },
  ],
  example: {
    bad: 'c.PAMAuthenticator.admin_groups = {"staff"}',
    good: 'c.Authenticator.admin_users = {"alice"}\nc.JupyterHub.load_roles = [{"name": "server-admin", "scopes": ["admin:servers!group=course"], "groups": ["tas"]}]',
  },
  check(ctx) {
    // admin_users, per class: the entries of its last assignment and of what is added after it
    const all = authOps(ctx, 'admin_users');
    for (const cls of new Set(all.map((o) => o.cls))) {
      const ops = all.filter((o) => o.cls === cls);
      let from = 0;
      for (let i = ops.length - 1; i >= 0; i--) if (ops[i].op === '=' && !ops[i].conditional) { from = i; break; }
      const counted: TraitOp[] = ops.slice(from).filter((o) => ['=', '+=', '|=', 'update', 'extend', 'add', 'append'].includes(o.op));
      const names = new Set<string>();
      let judgeable = true;
      for (const o of counted) {
        if (o.op === 'add' || o.op === 'append') {
          if (o.value.kind === 'str') names.add(o.value.value);
          else judgeable = false;
          continue;
        }
        const items = literalItems(o.value);
        if (!items) { judgeable = false; continue; }
        for (const it of items) if (it.kind === 'str') names.add(it.value);
      }
      const target = counted.find((o) => o.op === '=') ?? counted[0];
      if (!target || names.size <= MAX_ADMINS || !authTraitApplies(ctx, target) || isTestContext(ctx, target)) continue;
      if (target.op === '=' && overridden(target, all.filter((o) => o.op === '='), ctx)) continue;
      ctx.report({
        span: target.value.span,
        message: `${names.size}${judgeable ? '' : ' or more'} admins: every one of them can act as any user and change anything on the hub. Keep admin_users short and give the others roles with only the scopes they need`,
      });
    }
    // admin groups
    for (const op of ctx.model.ops) {
      if (!ADMIN_GROUP_TRAIT.test(op.trait) || !isAuthenticatorClass(ctx, op.cls) || op.op === '-=') continue;
      if (!(op.value.kind === 'list' || op.value.kind === 'tuple' || op.value.kind === 'set' || op.value.kind === 'dict' || op.value.kind === 'str') || isEmptyLiteral(op.value)) continue;
      if (!authTraitApplies(ctx, op) || isTestContext(ctx, op)) continue;
      const items = op.value.kind === 'str' ? [op.value] : op.value.kind === 'dict' ? op.value.entries.flatMap((e) => literalItems(e.value) ?? []) : (literalItems(op.value) ?? []);
      const groups = items.filter((i) => i.kind === 'str').map((i) => (i as { value: string }).value);
      const shown = groups.length ? ` (${groups.slice(0, 3).map((g) => `"${g}"`).join(', ')}${groups.length > 3 ? ', ...' : ''})` : '';
      ctx.report({
        span: op.value.span,
        message: `${op.cls}.${op.trait} makes everyone in these groups${shown} a hub admin, including whoever is added to them later`,
      });
    }
  },
});
