import { defineRule } from '../../types';
import { byTrust, isTestContext, isTrue, removeLineFix } from '../util';
import { allowRules, authOps, authTraitApplies, overridden, providerRestrictionFromEnv, providerRestrictions, runningAuthenticator } from './common';

export default defineRule({
  id: 'security/allow-all',
  title: 'Every authenticated user is allowed in',
  severity: 'warning',
  rationale:
    '`allow_all = True` admits anyone your authenticator can authenticate and gives each of them a server. With an OAuth provider such as GitHub or Google that is anyone with an account there; with PAM or LDAP it is every account on the machine or in the directory. It also overrides every allow rule (`allowed_users`, groups, organisations), so those settings stop restricting anything.',
  howToFix:
    'Remove `allow_all` (the default is False since JupyterHub 5.0 and OAuthenticator 16) and say who may log in: `allowed_users`, or a group, organisation or team rule of your authenticator. Keep it only when the identity provider itself admits just your people, for example a single-tenant Azure AD app or Google with `hosted_domain`.',
  docs: [
    { title: 'Authenticator basics: allow_all', url: 'https://jupyterhub.readthedocs.io/en/stable/tutorial/getting-started/authenticators-users-basics.html#deciding-who-is-allowed' },
    { title: 'Upgrading to JupyterHub 5: explicit allow rules', url: 'https://jupyterhub.readthedocs.io/en/stable/howto/upgrading-v5.html#authenticator-allow-all-and-allow-existing-users' },
  ],
  fix: 'unsafe',
  example: {
    bad: 'c.JupyterHub.authenticator_class = "github"\nc.GitHubOAuthenticator.allow_all = True',
    good: 'c.JupyterHub.authenticator_class = "github"\nc.GitHubOAuthenticator.allowed_organizations = {"my-org"}',
  },
  check(ctx) {
    const ops = authOps(ctx, 'allow_all').filter((o) => o.op === '=');
    // with DummyAuthenticator running, "anyone gets in" is its own rule's finding
    const running = runningAuthenticator(ctx);
    if (running && (running.name === 'DummyAuthenticator' || ctx.traits.isSubclass(running.name, 'DummyAuthenticator'))) return;
    for (const op of ops) {
      if (!isTrue(op.value) || op.cls === 'DummyAuthenticator' || ctx.traits.isSubclass(op.cls, 'DummyAuthenticator')) continue; // Dummy: its own rule
      if (overridden(op, ops, ctx)) continue; // replaced later in the file
      if (!authTraitApplies(ctx, op) || isTestContext(ctx, op)) continue;
      const rules = allowRules(ctx);
      // the identity provider itself only admits one organisation
      const fromEnv = providerRestrictions(ctx).length ? undefined : providerRestrictionFromEnv(ctx);
      const domain = providerRestrictions(ctx).length > 0 || !!fromEnv;
      const severity = domain ? 'information' : byTrust(ctx, 'warning', 'information');
      const names = [...new Set(rules.map((o) => `${o.cls}.${o.trait}`))];
      const overrides = names.length ? `; it overrides ${names.join(', ')}, which then restrict nothing` : '';
      ctx.report({
        span: op.value.span,
        severity,
        message: `allow_all lets everyone who can authenticate log in and get a server${fromEnv ? ` (the identity provider is limited to one domain or tenant by ${fromEnv.name}, set by ${fromEnv.source})` : domain ? ' (the identity provider is limited to one domain or tenant here)' : ''}${overrides}`,
        fixes: [removeLineFix(ctx, op, 'unsafe', 'Remove allow_all (then only explicit allow rules admit users)')],
      });
    }
  },
});
