import { defineRule } from '../../types';
import { authenticatorClass, byTrust, isTestContext } from '../util';
import { authOps, authTraitApplies, isEmptyLiteral, literalItems } from './common';

export default defineRule({
  id: 'security/first-use-admin',
  title: 'Admin names claimable by the first person to log in (FirstUseAuthenticator)',
  severity: 'error',
  rationale:
    'FirstUseAuthenticator sets a user\'s password at that user\'s first login: whoever logs in first under a name chooses its password and owns the account. JupyterHub adds every name of `admin_users` to its database at startup, so these accounts exist before their owners have logged in, and `create_users = False` does not protect them (it only refuses names the database does not know). Until each admin has logged in once, anyone who reaches the login page can log in under an admin name with a password of their own choosing and take over the hub. Severity: error when users may be strangers (the default), warning with `--trust trusted-users`.',
  howToFix:
    'Log in as each admin right after the hub first starts, before it is reachable by others, and check that it asks for the password you set. Better: use an authenticator that verifies identities (an OAuthenticator, LDAP, PAM) or NativeAuthenticator with sign-up approval, and keep FirstUseAuthenticator to closed test setups. A config that is only for testing can say so in a comment.',
  docs: [
    { title: 'FirstUseAuthenticator', url: 'https://github.com/jupyterhub/firstuseauthenticator' },
    { title: 'Configure admins (admin_users)', url: 'https://jupyterhub.readthedocs.io/en/stable/tutorial/getting-started/authenticators-users-basics.html#configure-admins-admin-users' },
  ],
  example: {
    bad: 'c.JupyterHub.authenticator_class = "firstuseauthenticator.FirstUseAuthenticator"\nc.Authenticator.admin_users = {"admin"}',
    good: 'c.JupyterHub.authenticator_class = "github"\nc.Authenticator.admin_users = {"alice"}',
  },
  check(ctx) {
    if (authenticatorClass(ctx)?.name !== 'FirstUseAuthenticator') return;
    for (const op of authOps(ctx, 'admin_users')) {
      if (op.op === '-=' || op.op === 'setdefault' || isEmptyLiteral(op.value)) continue;
      if (!authTraitApplies(ctx, op) || isTestContext(ctx, op)) continue;
      const names = op.value.kind === 'str' ? [op.value.value] : (literalItems(op.value) ?? []).flatMap((v) => (v.kind === 'str' ? [v.value] : []));
      const who = names.length ? names.map((n) => `"${n}"`).join(', ') : 'the names in admin_users';
      ctx.report({
        span: op.value.span,
        severity: byTrust(ctx, 'error', 'warning'),
        message: `With FirstUseAuthenticator the first person to log in as ${who} sets the password and becomes admin: these accounts exist from the hub's start, before their owners log in. Log in as each admin before others can reach the hub, or use an authenticator that verifies who logs in`,
      });
    }
  },
});
