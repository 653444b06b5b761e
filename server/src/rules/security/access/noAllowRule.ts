import { defineRule } from '../../types';
import { compareVersions } from '../../../catalog/traits';
import { byTrust, isFalse, isOAuthenticator, isTestContext } from '../util';
import { allowRules, atLeast, authOps, isAuthenticatorClass, loadsConfigDynamically, providerRestrictionFromEnv, providerRestrictions, runningAuthenticator } from './common';

export default defineRule({
  id: 'security/no-allow-rule',
  title: 'No allow rule: before JupyterHub 5.0 everyone who can log in is allowed',
  severity: 'warning',
  appliesTo: ['jupyterhub_config'],
  rationale:
    'Before JupyterHub 5.0 an authenticator with no allow rule admitted every user it could authenticate: every account on the machine with PAM, everyone in the directory with LDAP, and with OAuthenticator before 16.0 anyone holding an account at the provider. Nothing in such a config says who the hub is for. JupyterHub 5.0 and OAuthenticator 16.0 turned this around and admit nobody until a rule says so.',
  howToFix:
    'Add an allow rule: `c.Authenticator.allowed_users`, or the group, organisation or team rule of your authenticator (`allowed_groups`, `allowed_organizations`, ...). If every authenticated user really should get in, say so with `allow_all = True` where your version has it.',
  docs: [
    { title: 'Authenticator basics: who may log in', url: 'https://jupyterhub.readthedocs.io/en/stable/tutorial/getting-started/authenticators-users-basics.html#deciding-who-is-allowed' },
    { title: 'Upgrading to JupyterHub 5: explicit allow rules', url: 'https://jupyterhub.readthedocs.io/en/stable/howto/upgrading-v5.html#authenticator-allow-all-and-allow-existing-users' },
    { title: 'OAuthenticator 16.0 changelog', url: 'https://oauthenticator.readthedocs.io/en/latest/reference/changelog.html' },
  ],
  example: {
    bad: '# JupyterHub 4.1\nc.JupyterHub.authenticator_class = "ldapauthenticator.LDAPAuthenticator"',
    good: '# JupyterHub 4.1\nc.JupyterHub.authenticator_class = "ldapauthenticator.LDAPAuthenticator"\nc.LDAPAuthenticator.allowed_groups = ["cn=jupyter,ou=groups,dc=example,dc=org"]',
  },
  check(ctx) {
    if (atLeast(ctx, '5.0') || loadsConfigDynamically(ctx)) return;
    const running = runningAuthenticator(ctx);
    if (!running) return;
    // no authenticator_class here: judge only a whole config (one that calls get_config()), not a fragment
    if (!running.op && !/^[ \t]*\w+[ \t]*=[ \t]*get_config\([ \t]*\)/m.test(ctx.model.text)) return;
    // ... and one that configures the hub (a jupyter_server_config.py also calls get_config())
    if (!running.op && !ctx.model.ops.some((o) => o.cls === 'JupyterHub' || isAuthenticatorClass(ctx, o.cls) || /Spawner$/.test(o.cls))) return;
    const name = running.name;
    const is = (base: string) => name === base || ctx.traits.isSubclass(name, base);
    let kind: 'oauth' | 'pam' | 'ldap' | 'firstuse' | undefined;
    if (isOAuthenticator(ctx, name)) kind = 'oauth';
    else if (is('PAMAuthenticator')) kind = 'pam';
    else if (is('LDAPAuthenticator')) kind = 'ldap';
    else if (is('FirstUseAuthenticator')) kind = 'firstuse';
    if (!kind) return;
    // an OAuthenticator 16+ that was asked for admits nobody: that is security/locked-out's finding
    const oauthPin = ctx.traits.pinnedPlugins.oauthenticator;
    if (kind === 'oauth' && oauthPin && compareVersions(oauthPin, '16.0') >= 0) return;
    // any allow rule, allow_all either way, or a hook that may turn users away: the file says who gets in
    if (allowRules(ctx).length || providerRestrictions(ctx).length || authOps(ctx, 'allow_all').length || authOps(ctx, 'post_auth_hook').length || authOps(ctx, 'check_allowed').length) return;
    // the deployment limits the provider (HOSTED_DOMAIN, AAD_TENANT_ID beside the file)
    if (providerRestrictionFromEnv(ctx)) return;
    if (kind === 'firstuse' && authOps(ctx, 'create_users').some((o) => isFalse(o.value))) return;
    if (running.op && isTestContext(ctx, running.op)) return;
    const span = running.op ? running.op.value.span : { start: 0, end: 0 };
    const who =
      kind === 'oauth'
        ? `with OAuthenticator before 16.0 anyone with an account at the provider gets in (from 16.0 nobody does)`
        : kind === 'pam'
          ? 'every account on this machine that PAM accepts gets in'
          : kind === 'ldap'
            ? 'everyone the LDAP server authenticates gets in'
            : 'anyone can create an account by logging in first';
    const severity = kind === 'pam' ? byTrust(ctx, 'warning', 'information') : 'warning';
    ctx.report({
      span,
      severity,
      message: `${name} with no allow rule: on JupyterHub ${ctx.jupyterhubVersion} ${who}. Set allowed_users or a group rule`,
    });
  },
});
