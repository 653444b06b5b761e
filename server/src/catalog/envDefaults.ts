/**
 * Settings whose default the hub (or an authenticator) reads from an environment variable of the
 * hub process. Facts read from upstream source: JupyterHub (`app.py`, `crypto.py`, `proxy.py`) and
 * OAuthenticator (`oauth2.py` and the provider modules). A variable listed here, when the deployment
 * supplies it, sets the trait as surely as a line of the config would.
 */
export interface EnvDefault {
  /** the class that reads the variable (subclasses inherit it) */
  cls: string;
  trait: string;
  /** variables in the order they are tried */
  env: string[];
  /** the value is a credential: never kept, only its presence */
  secret: boolean;
}

export const ENV_DEFAULTS: EnvDefault[] = [
  { cls: 'CryptKeeper', trait: 'keys', env: ['JUPYTERHUB_CRYPT_KEY'], secret: true },
  { cls: 'JupyterHub', trait: 'cookie_secret', env: ['JPY_COOKIE_SECRET'], secret: true },
  { cls: 'ConfigurableHTTPProxy', trait: 'auth_token', env: ['CONFIGPROXY_AUTH_TOKEN'], secret: true },
  // OAuthenticator: a provider class tries its own variable first, then the generic one
  { cls: 'GitHubOAuthenticator', trait: 'client_id', env: ['GITHUB_CLIENT_ID', 'OAUTH_CLIENT_ID'], secret: false },
  { cls: 'GitLabOAuthenticator', trait: 'client_id', env: ['GITLAB_CLIENT_ID', 'OAUTH_CLIENT_ID'], secret: false },
  { cls: 'BitbucketOAuthenticator', trait: 'client_id', env: ['BITBUCKET_CLIENT_ID', 'OAUTH_CLIENT_ID'], secret: false },
  { cls: 'CILogonOAuthenticator', trait: 'client_id', env: ['CILOGON_CLIENT_ID', 'OAUTH_CLIENT_ID'], secret: false },
  { cls: 'OAuthenticator', trait: 'client_id', env: ['OAUTH_CLIENT_ID'], secret: false },
  { cls: 'GitHubOAuthenticator', trait: 'client_secret', env: ['GITHUB_CLIENT_SECRET', 'OAUTH_CLIENT_SECRET'], secret: true },
  { cls: 'GitLabOAuthenticator', trait: 'client_secret', env: ['GITLAB_CLIENT_SECRET', 'OAUTH_CLIENT_SECRET'], secret: true },
  { cls: 'BitbucketOAuthenticator', trait: 'client_secret', env: ['BITBUCKET_CLIENT_SECRET', 'OAUTH_CLIENT_SECRET'], secret: true },
  { cls: 'CILogonOAuthenticator', trait: 'client_secret', env: ['CILOGON_CLIENT_SECRET', 'OAUTH_CLIENT_SECRET'], secret: true },
  { cls: 'OAuthenticator', trait: 'client_secret', env: ['OAUTH_CLIENT_SECRET'], secret: true },
  { cls: 'OAuthenticator', trait: 'oauth_callback_url', env: ['OAUTH_CALLBACK_URL'], secret: false },
  { cls: 'OAuthenticator', trait: 'authorize_url', env: ['OAUTH2_AUTHORIZE_URL'], secret: false },
  { cls: 'OAuthenticator', trait: 'token_url', env: ['OAUTH2_TOKEN_URL'], secret: false },
  { cls: 'OAuthenticator', trait: 'userdata_url', env: ['OAUTH2_USERDATA_URL'], secret: false },
  { cls: 'GoogleOAuthenticator', trait: 'hosted_domain', env: ['HOSTED_DOMAIN'], secret: false },
  { cls: 'AzureAdOAuthenticator', trait: 'tenant_id', env: ['AAD_TENANT_ID'], secret: false },
];

/** Variables whose values may be kept (they name things, they grant nothing). */
export const NON_SECRET_ENV = new Set(ENV_DEFAULTS.filter((d) => !d.secret).flatMap((d) => d.env));

/** The variables that set `cls.trait` by default, for a class (or one of its subclasses) as `isSubclass` decides. */
export function envDefaultsFor(cls: string, trait: string, isSubclass: (sub: string, base: string) => boolean): string[] {
  // the most specific entry wins: a provider class lists its own variable before the generic one
  const hits = ENV_DEFAULTS.filter((d) => d.trait === trait && (d.cls === cls || isSubclass(cls, d.cls)));
  if (!hits.length) return [];
  const own = hits.find((d) => d.cls === cls) ?? hits.find((h) => !hits.some((o) => o !== h && isSubclass(o.cls, h.cls))) ?? hits[0];
  return own.env;
}
