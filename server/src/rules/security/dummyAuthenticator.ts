import { defineRule } from '../types';
import { authenticatorName, isTestContext, opsFor } from './util';

export default defineRule({
  id: 'security/dummy-authenticator',
  title: 'Dummy authenticator in use',
  severity: 'error',
  rationale:
    'DummyAuthenticator lets anyone log in with any username; with a password set, everyone shares that one password. It exists for trying JupyterHub out and for tests. On a hub that anyone else can reach it hands out accounts, and with an admin list, admin rights, to whoever types a listed name.',
  howToFix:
    'Choose a real authenticator (an OAuthenticator such as `github` or `generic`, `ldapauthenticator`, `pam`, `nativeauthenticator`) and an allow rule. If this really is a test config, mark it: name the file `jupyterhub_config_test.py`, put it under an `if` on a TEST/DEV variable, or add a comment saying it is for testing.',
  docs: [{ title: 'Authenticators', url: 'https://jupyterhub.readthedocs.io/en/stable/reference/authenticators.html' }],
  example: { bad: 'c.JupyterHub.authenticator_class = "dummy"', good: 'c.JupyterHub.authenticator_class = "github"' },
  check(ctx) {
    for (const op of opsFor(ctx, 'JupyterHub', 'authenticator_class')) {
      if (op.op !== '=' || authenticatorName(op.value) !== 'DummyAuthenticator' || isTestContext(ctx, op)) continue;
      ctx.report({ span: op.value.span, message: 'DummyAuthenticator lets anyone log in as anyone: use a real authenticator, or mark this config as a test config' });
    }
  },
});
