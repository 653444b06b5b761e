import { literalSecretRule } from '../literalSecret';

export default literalSecretRule({
  id: 'security/literal-proxy-token',
  scope: 'file',
  title: 'Proxy API token written in the config',
  what: 'The proxy API token',
  targets: [
    { cls: 'ConfigurableHTTPProxy', trait: 'auth_token', env: 'CONFIGPROXY_AUTH_TOKEN' },
    { cls: 'JupyterHub', trait: 'proxy_auth_token', env: 'CONFIGPROXY_AUTH_TOKEN' },
  ],
  rationale:
    'The hub and configurable-http-proxy share this token to talk over the proxy\'s REST API. Whoever holds it can add, change or delete routes, and so send any user\'s traffic to a server of their choosing. Written into the config file, it travels wherever the file does: repositories, backups, support tickets.',
  howToFix:
    'Delete the setting: when the hub starts the proxy itself it generates a random token, and both read `CONFIGPROXY_AUTH_TOKEN` from the environment when it is set (needed for an external proxy). The quick fix reads the value from `CONFIGPROXY_AUTH_TOKEN`; set that variable (for example `openssl rand -hex 32`) and rotate the old token. `JupyterHub.proxy_auth_token` is the pre-0.8 name of the same setting.',
  docs: [
    { title: 'Security basics: proxy authentication token', url: 'https://jupyterhub.readthedocs.io/en/stable/tutorial/getting-started/security-basics.html#proxy-authentication-token' },
    { title: 'ConfigurableHTTPProxy.auth_token', url: 'https://jupyterhub.readthedocs.io/en/stable/reference/api/proxy.html' },
  ],
  example: { bad: 'c.ConfigurableHTTPProxy.auth_token = "6b1c0a4d2f8e..."', good: 'import os\nc.ConfigurableHTTPProxy.auth_token = os.environ["CONFIGPROXY_AUTH_TOKEN"]' },
});
