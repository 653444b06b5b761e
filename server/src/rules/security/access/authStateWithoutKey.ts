import { defineRule } from '../../types';
import { isTestContext, isTrue, suppliedFor } from '../util';
import { authOps, authTraitApplies, loadsConfigDynamically, overridden, stringLiterals } from './common';

export default defineRule({
  id: 'security/auth-state-without-key',
  title: 'Auth state enabled: the hub needs an encryption key',
  severity: 'warning',
  appliesTo: ['jupyterhub_config'],
  rationale:
    'With `enable_auth_state` the hub keeps each user\'s login tokens (OAuth access and refresh tokens, for instance) in its database, encrypted with the keys of `CryptKeeper`. Those keys normally come from the `JUPYTERHUB_CRYPT_KEY` environment variable. When neither the variable nor `CryptKeeper.keys` is set, the hub stops at startup with "auth_state is enabled, but encryption is not available". A key the deployment supplies beside the config (a docker-compose service that runs the hub, its `env_file` or Dockerfile `ENV`, a `.env` or systemd unit) counts as set.',
  howToFix:
    'Generate a key with `openssl rand -hex 32` and set `JUPYTERHUB_CRYPT_KEY` in the environment the hub starts in (systemd unit, container environment, Helm secret). Keep the key out of the config file. Several keys, separated by `;`, allow rotation.',
  docs: [
    { title: 'Authenticators: authentication state', url: 'https://jupyterhub.readthedocs.io/en/stable/reference/authenticators.html#authenticator-auth-state' },
  ],
  example: {
    bad: 'c.Authenticator.enable_auth_state = True\n# and JUPYTERHUB_CRYPT_KEY is not set where the hub starts',
    good: 'c.Authenticator.enable_auth_state = True\n# JUPYTERHUB_CRYPT_KEY=$(openssl rand -hex 32) is set in the hub\'s environment',
  },
  check(ctx) {
    const ops = authOps(ctx, 'enable_auth_state').filter((o) => o.op === '=');
    const on = ops.find((o) => isTrue(o.value) && !overridden(o, ops, ctx) && authTraitApplies(ctx, o) && !isTestContext(ctx, o));
    if (!on) return;
    // keys set in the file (any value: a literal is another rule's business), or the file handles the variable itself
    if (ctx.model.ops.some((o) => o.cls === 'CryptKeeper' && o.trait === 'keys') || loadsConfigDynamically(ctx)) return;
    const text = ctx.model.text;
    if (text.includes('JUPYTERHUB_CRYPT_KEY') && stringLiterals(text).some((s) => text.slice(s.content.start, s.content.end) === 'JUPYTERHUB_CRYPT_KEY')) return;
    // the deployment beside the file supplies the key (compose environment, env_file, Dockerfile ENV, unit)
    if (suppliedFor(ctx, 'CryptKeeper', 'keys')) return;
    const unread = ctx.environment?.unread.length ? ` (not counting ${ctx.environment.unread.join(', ')}, which could not be read)` : '';
    ctx.report({
      span: on.value.span,
      message: `enable_auth_state needs encryption keys: set JUPYTERHUB_CRYPT_KEY (32 bytes, e.g. \`openssl rand -hex 32\`) in the hub's environment, or the hub will refuse to start${unread}`,
    });
  },
});
