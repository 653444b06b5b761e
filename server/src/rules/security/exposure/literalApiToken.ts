import { dictGet } from '../../../model/types';
import { defineRule } from '../../types';
import { envFix, isLiteralSecret, mask } from '../util';
import { dictItems, dictsOf, envName, liveOps } from './common';

/** Tokens shorter than this stop the hub: security/short-config-token reports those. */
const SHORT = 8;

const KEYED: { trait: string; owner: string }[] = [
  { trait: 'api_tokens', owner: 'user' },
  { trait: 'service_tokens', owner: 'service' },
];

export default defineRule({
  id: 'security/literal-api-token',
  scope: 'file',
  title: 'API token written in the config',
  severity: 'error',
  fix: 'unsafe',
  rationale:
    'Tokens in `api_tokens`, `service_tokens` and `services[].api_token` authenticate to the hub\'s REST API as a user or a service, often one with admin-level scopes. Anyone who reads the config file, a copy of it or its version history can act with that identity until the token is rotated. Secrets belong in the environment or a secret store, not next to ordinary settings.',
  howToFix:
    'Read each token from an environment variable. For `services[].api_token` the quick fix does that (set the variable before restarting). For `api_tokens` and `service_tokens`, whose keys are the tokens, the suggested edit reads the key from the environment; better still, define a service with `api_token` read from the environment and grant it a role. Generate new tokens (`openssl rand -hex 32`) and retire the old ones. Tokens shorter than 8 characters are left to `security/short-config-token`.',
  docs: [
    { title: 'Services: API tokens for externally managed services', url: 'https://jupyterhub.readthedocs.io/en/stable/reference/services.html' },
    { title: 'JupyterHub.api_tokens and service_tokens', url: 'https://jupyterhub.readthedocs.io/en/stable/reference/api/app.html' },
  ],
  example: {
    bad: 'c.JupyterHub.services = [{"name": "cull-idle", "api_token": "b2f7c19e0d4a6e31"}]',
    good: 'import os\nc.JupyterHub.services = [{"name": "cull-idle", "api_token": os.environ["CULL_IDLE_API_TOKEN"]}]',
  },
  check(ctx) {
    // token -> name dicts: the keys are the secrets
    for (const { trait, owner } of KEYED) {
      for (const item of dictItems(ctx, liveOps(ctx, 'JupyterHub', trait))) {
        const keyValue = item.keyValue;
        if (!isLiteralSecret(keyValue) || keyValue.value.length < SHORT) continue;
        const name = item.value.kind === 'str' ? item.value.value : '';
        ctx.report({
          span: item.keySpan,
          message: `An API token for the ${owner} ${name ? `"${name}" ` : ''}is written in the config file as a key of JupyterHub.${trait} (${mask(keyValue.value)}): anyone who can read the file can use it. Read it from the environment`,
          fixes: [envFix(ctx, keyValue.span, envName(name, 'API_TOKEN', 'HUB_API_TOKEN'), 'suggestion')],
        });
      }
    }
    // services[].api_token
    for (const { dict } of dictsOf(liveOps(ctx, 'JupyterHub', 'services'))) {
      const tok = dictGet(dict, 'api_token');
      if (!tok || !isLiteralSecret(tok.value) || tok.value.value.length < SHORT) continue;
      const nameEntry = dictGet(dict, 'name');
      const name = nameEntry?.value.kind === 'str' ? nameEntry.value.value : '';
      ctx.report({
        span: tok.value.span,
        message: `The API token of the service ${name ? `"${name}" ` : ''}is written in the config file (${mask(tok.value.value)}): anyone who can read the file can act as the service. Read it from the environment`,
        fixes: [envFix(ctx, tok.value.span, envName(name, 'API_TOKEN', 'SERVICE_API_TOKEN'))],
      });
    }
  },
});

