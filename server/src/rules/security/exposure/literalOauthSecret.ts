import { isTest } from './common';
import { defineRule } from '../../types';
import { envFix, isLiteralSecret, isOAuthenticator, mask, suppliedNote } from '../util';

/** OAuthenticator classes that read a provider-specific variable by default; all of them fall back to OAUTH_CLIENT_SECRET. */
const PROVIDER_ENV: [RegExp, string][] = [
  [/GitHub/i, 'GITHUB_CLIENT_SECRET'],
  [/GitLab/i, 'GITLAB_CLIENT_SECRET'],
  [/Bitbucket/i, 'BITBUCKET_CLIENT_SECRET'],
  [/CILogon/i, 'CILOGON_CLIENT_SECRET'],
];

export function oauthSecretEnv(cls: string): string {
  return PROVIDER_ENV.find(([re]) => re.test(cls))?.[1] ?? 'OAUTH_CLIENT_SECRET';
}

export default defineRule({
  id: 'security/literal-oauth-secret',
  scope: 'file',
  title: 'OAuth client secret written in the config',
  severity: 'error',
  fix: 'unsafe',
  rationale:
    'The client secret proves to the identity provider that a login request comes from your hub. With it, someone else can run an application that the provider treats as yours, trading stolen authorization codes for tokens and reading the user data your hub may read. A config file is copied and shared too widely to hold it.',
  howToFix:
    'Remove the value from the file. OAuthenticator reads `OAUTH_CLIENT_SECRET` from the environment by default (GitHub, GitLab, Bitbucket and CILogon also read `GITHUB_CLIENT_SECRET`, `GITLAB_CLIENT_SECRET`, `BITBUCKET_CLIENT_SECRET`, `CILOGON_CLIENT_SECRET`), so deleting the line and setting the variable is enough. The quick fix reads it from that variable explicitly. Regenerate the secret at the provider afterwards.',
  docs: [
    { title: 'OAuthenticator reference (client_secret)', url: 'https://oauthenticator.readthedocs.io/en/latest/reference/api/gen/oauthenticator.oauth2.html' },
    { title: 'OAuthenticator: getting started', url: 'https://oauthenticator.readthedocs.io/en/latest/tutorials/general-setup.html' },
  ],
  example: { bad: 'c.GitHubOAuthenticator.client_secret = "9f3c2b1a0e8d7c6b5a49"', good: 'import os\nc.GitHubOAuthenticator.client_secret = os.environ["GITHUB_CLIENT_SECRET"]' },
  check(ctx) {
    for (const op of ctx.model.ops) {
      if (op.trait !== 'client_secret' || op.op !== '=' || !isOAuthenticator(ctx, op.cls)) continue;
      if (!isLiteralSecret(op.value) || isTest(ctx, op)) continue;
      const env = oauthSecretEnv(op.cls);
      ctx.report({
        span: op.value.span,
        message: `The OAuth client secret of ${op.cls} is written in the config file (${mask(op.value.value)}): anyone who can read the file can impersonate your hub at the provider. Read it from the environment (${env})${suppliedNote(ctx, op)}`,
        fixes: [envFix(ctx, op.value.span, env)],
      });
    }
  },
});
