import { defineRule } from '../../types';
import { envFix, isPlaceholder, isTestContext } from '../util';
import { configTokens, envWord } from './common';

const MIN = 8;

export default defineRule({
  id: 'security/short-config-token',
  title: 'Config token shorter than 8 characters',
  severity: 'error',
  rationale:
    'Tokens listed in `api_tokens`, `service_tokens` or a service\'s `api_token` are loaded into the database at startup, and JupyterHub refuses any shorter than 8 characters: startup fails with an error that repeats the token, or its start, in the log. A token that short would be easy to guess anyway.',
  howToFix:
    'Generate a long random token (`openssl rand -hex 32`) and pass it in through the environment rather than writing it in the file.',
  docs: [
    { title: 'Services: API tokens', url: 'https://jupyterhub.readthedocs.io/en/stable/reference/services.html' },
    { title: 'JupyterHub.api_tokens', url: 'https://jupyterhub.readthedocs.io/en/stable/reference/api/app.html#jupyterhub.app.JupyterHub.api_tokens' },
  ],
  fix: 'unsafe',
  example: {
    bad: 'c.JupyterHub.services = [{"name": "cull", "api_token": "abc123"}]',
    good: 'import os\n\nc.JupyterHub.services = [{"name": "cull", "api_token": os.environ["CULL_API_TOKEN"]}]',
  },
  check(ctx) {
    for (const t of configTokens(ctx)) {
      if (t.value.kind !== 'str' || t.value.value === '' || t.value.value.length >= MIN || isPlaceholder(t.value.value) || isTestContext(ctx, t.op)) continue;
      const len = t.value.value.length;
      const owner = t.owner ? ` for ${t.where === 'api_tokens' ? 'user' : 'service'} "${t.owner}"` : '';
      ctx.report({
        span: t.value.span,
        message: `A token${owner} in ${t.where} is ${len} character${len === 1 ? '' : 's'} long: JupyterHub refuses tokens shorter than ${MIN} characters and will not start`,
        fixes: [envFix(ctx, t.value.span, `${t.owner ? envWord(t.owner) : 'JUPYTERHUB'}_API_TOKEN`)],
      });
    }
  },
});
