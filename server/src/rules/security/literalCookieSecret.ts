import { literalSecretRule } from './literalSecret';

export default literalSecretRule({
  id: 'security/literal-cookie-secret',
  scope: 'file',
  title: 'Cookie secret written in the config',
  what: 'The cookie secret',
  targets: [{ cls: 'JupyterHub', trait: 'cookie_secret', env: 'JPY_COOKIE_SECRET' }],
  rationale:
    'The cookie secret signs every login cookie. Whoever knows it can forge a cookie for any user, admins included, without a password. A config file is copied, committed, attached to tickets and read by backup tools, so a secret in it is not secret for long.',
  howToFix:
    'Delete the setting and let JupyterHub read `JPY_COOKIE_SECRET` from the environment or keep the secret in `cookie_secret_file` (created with mode 0600). The quick fix reads it from `JPY_COOKIE_SECRET`; set that variable before restarting, and rotate the old value.',
  docs: [{ title: 'Security basics: cookie secret', url: 'https://jupyterhub.readthedocs.io/en/stable/tutorial/getting-started/security-basics.html#cookie-secret' }],
  example: { bad: 'c.JupyterHub.cookie_secret = "0123456789abcdef"', good: 'c.JupyterHub.cookie_secret_file = "/srv/jupyterhub/jupyterhub_cookie_secret"' },
});
