import { defineRule } from '../../types';
import { isPlaceholder, isTestContext, isTrue, setValueFix } from '../util';
import { configTokens } from './common';

const STRONG = 32;

/** A token that does not look like the output of a random generator: short, or few distinct characters. */
function weak(s: string): boolean {
  return s.length < STRONG || new Set(s).size < 10;
}

export default defineRule({
  id: 'security/trust-user-tokens',
  title: 'Weak config tokens stored with light hashing',
  severity: 'warning',
  rationale:
    'JupyterHub stores only a hash of each token. Tokens it generates itself are random, so one quick hash is enough; tokens from the config are hashed with many rounds, like passwords, because nobody knows how they were chosen. `trust_user_provided_tokens = True` skips those rounds. With short or guessable tokens, anyone who gets a copy of the database can then recover them quickly.',
  howToFix:
    'Remove `trust_user_provided_tokens` (the default is False), or make every config token a long random value (`openssl rand -hex 32`) read from the environment.',
  docs: [
    { title: 'JupyterHub.trust_user_provided_tokens', url: 'https://jupyterhub.readthedocs.io/en/stable/reference/api/app.html#jupyterhub.app.JupyterHub.trust_user_provided_tokens' },
  ],
  fix: 'unsafe',
  example: {
    bad: 'c.JupyterHub.trust_user_provided_tokens = True\nc.JupyterHub.service_tokens = {"backup-token-1": "backup"}',
    good: 'import os\n\nc.JupyterHub.service_tokens = {os.environ["BACKUP_API_TOKEN"]: "backup"}',
  },
  check(ctx) {
    const ops = ctx.model.ops.filter((o) => o.cls === 'JupyterHub' && o.trait === 'trust_user_provided_tokens' && o.op === '=');
    const last = ops[ops.length - 1];
    if (!last || !isTrue(last.value) || isTestContext(ctx, last)) return;
    const weakTokens = configTokens(ctx).filter((t) => t.value.kind === 'str' && t.value.value !== '' && !isPlaceholder(t.value.value) && weak(t.value.value));
    if (!weakTokens.length) return;
    const where = [...new Set(weakTokens.map((t) => t.where))].join(', ');
    ctx.report({
      span: last.value.span,
      message: `trust_user_provided_tokens skips the extra hashing of config tokens, but ${weakTokens.length} token${weakTokens.length === 1 ? '' : 's'} in ${where} ${weakTokens.length === 1 ? 'is' : 'are'} short or low in variety (under ${STRONG} characters or few distinct ones): a leaked database would give ${weakTokens.length === 1 ? 'it' : 'them'} away`,
      fixes: [setValueFix(last.value.span, 'False', 'unsafe')],
    });
  },
});
