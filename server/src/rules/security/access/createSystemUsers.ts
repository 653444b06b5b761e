import { defineRule } from '../../types';
import { isOAuthenticator, isTestContext, isTrue, setValueFix } from '../util';
import { allowRules, providerRestrictionFromEnv, providerRestrictions, atLeast, loadsConfigDynamically, authOps, authTraitApplies, runningAuthenticator, overridden } from './common';

export default defineRule({
  id: 'security/create-system-users',
  title: 'A Unix account for everyone who logs in',
  severity: 'error',
  appliesTo: ['jupyterhub_config'],
  rationale:
    'With `create_system_users = True` the hub, running as root, calls `adduser` for every user it admits who has no account yet. Combined with allow rules that admit anyone the identity provider knows, any stranger with, say, a GitHub account gets a login on the hub\'s machine and a home directory on its disks. The option is meant for a known list of users.',
  howToFix:
    'Restrict who may log in first (`allowed_users`, or a group, organisation or team rule) and keep `allow_all` off, or set `create_system_users = False` and create the accounts yourself.',
  docs: [
    { title: 'Use LocalAuthenticator to create system users', url: 'https://jupyterhub.readthedocs.io/en/stable/tutorial/getting-started/authenticators-users-basics.html#use-localauthenticator-to-create-system-users' },
    { title: 'Authenticator basics: who may log in', url: 'https://jupyterhub.readthedocs.io/en/stable/tutorial/getting-started/authenticators-users-basics.html#deciding-who-is-allowed' },
  ],
  fix: 'unsafe',
  example: {
    bad: 'c.JupyterHub.authenticator_class = "oauthenticator.LocalGitHubOAuthenticator"\nc.LocalGitHubOAuthenticator.allow_all = True\nc.LocalGitHubOAuthenticator.create_system_users = True',
    good: 'c.JupyterHub.authenticator_class = "oauthenticator.LocalGitHubOAuthenticator"\nc.LocalGitHubOAuthenticator.allowed_organizations = {"my-org"}\nc.LocalGitHubOAuthenticator.create_system_users = True',
  },
  check(ctx) {
    const ops = authOps(ctx, 'create_system_users').filter((o) => o.op === '=');
    if (!ops.length) return;
    const running = runningAuthenticator(ctx);
    for (const op of ops) {
      if (!isTrue(op.value) || overridden(op, ops, ctx)) continue;
      if (!authTraitApplies(ctx, op, 'create_system_users', 'LocalAuthenticator')) continue;
      // who runs: the selected authenticator, or the class the setting is written on
      const name = running && (running.name === op.cls || ctx.traits.isSubclass(running.name, op.cls)) ? running.name : op.cls;
      if (!ctx.traits.isSubclass(name, 'LocalAuthenticator') && name !== 'LocalAuthenticator') continue;
      // PAM only admits users who already have an account: nothing new is created for strangers
      if (name === 'PAMAuthenticator' || ctx.traits.isSubclass(name, 'PAMAuthenticator') || name === 'LocalAuthenticator') continue;
      if (isTestContext(ctx, op)) continue;
      const allowAllOps = authOps(ctx, 'allow_all').filter((o) => o.op === '=');
      const allowAll = allowAllOps.some((o) => isTrue(o.value) && !overridden(o, allowAllOps, ctx) && authTraitApplies(ctx, o) && !isTestContext(ctx, o));
      const rules = [...allowRules(ctx), ...providerRestrictions(ctx)];
      const domain = providerRestrictions(ctx).length > 0 || !!providerRestrictionFromEnv(ctx);
      if (allowAll) {
        ctx.report({
          span: op.value.span,
          severity: domain ? 'warning' : 'error',
          message: `create_system_users with allow_all: everyone who can log in through ${name} gets a Unix account on this machine`,
          fixes: [setValueFix(op.value.span, 'False', 'unsafe')],
        });
      } else if (!atLeast(ctx, '5.0') && !rules.length && !domain && !allowAllOps.length && !loadsConfigDynamically(ctx)) {
        const who = isOAuthenticator(ctx, name) ? ' (with OAuthenticator before 16.0: anyone with an account at the provider)' : '';
        ctx.report({
          span: op.value.span,
          severity: 'warning',
          message: `create_system_users with no allow rule: on JupyterHub ${ctx.jupyterhubVersion} everyone who can log in${who} gets a Unix account on this machine`,
          fixes: [setValueFix(op.value.span, 'False', 'unsafe')],
        });
      }
    }
  },
});
