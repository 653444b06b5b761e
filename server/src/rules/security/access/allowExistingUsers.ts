import { defineRule } from '../../types';
import { byTrust, isTestContext, isTrue, setValueFix } from '../util';
import { authOps, authTraitApplies, overridden } from './common';

export default defineRule({
  id: 'security/allow-existing-users',
  title: 'Users removed from the allow list can still log in',
  severity: 'warning',
  rationale:
    'With `allow_existing_users = True` every user already in the hub\'s database may log in, whatever the allow rules say now. Taking a name out of `allowed_users`, or a person out of an allowed group, then does not lock them out: they stay allowed until someone also deletes the user in the admin panel or through the API. It is convenient when the admin panel is where access is managed, and surprising everywhere else.',
  howToFix:
    'Set `allow_existing_users = False` if the allow rules in the config should be the whole truth. If you manage access from the admin panel instead, keep it and delete departing users there, not only from the config.',
  docs: [
    { title: 'Authenticator basics: allow_existing_users', url: 'https://jupyterhub.readthedocs.io/en/stable/tutorial/getting-started/authenticators-users-basics.html#deciding-who-is-allowed' },
    { title: 'Authenticator.allow_existing_users', url: 'https://jupyterhub.readthedocs.io/en/stable/reference/api/auth.html#jupyterhub.auth.Authenticator.allow_existing_users' },
  ],
  fix: 'unsafe',
  example: { bad: 'c.Authenticator.allowed_users = {"alice", "bob"}\nc.Authenticator.allow_existing_users = True', good: 'c.Authenticator.allowed_users = {"alice", "bob"}\nc.Authenticator.allow_existing_users = False' },
  check(ctx) {
    const ops = authOps(ctx, 'allow_existing_users').filter((o) => o.op === '=');
    for (const op of ops) {
      if (!isTrue(op.value) || overridden(op, ops, ctx)) continue;
      if (!authTraitApplies(ctx, op) || isTestContext(ctx, op)) continue;
      const severity = byTrust(ctx, 'warning', 'information');
      ctx.report({
        span: op.value.span,
        severity,
        message: 'allow_existing_users keeps every user in the hub database allowed: removing someone from the allow rules does not lock them out until they are also deleted from the hub',
        fixes: [setValueFix(op.value.span, 'False', 'unsafe')],
      });
    }
  },
});
