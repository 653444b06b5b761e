import { defineRule } from '../../types';
import { isTrue, setValueFix } from '../util';
import { dictItems, envBool, isSpawnerClass, liveOps, pyString, since, isTest } from './common';

const VAR = 'JUPYTERHUB_ALLOW_TOKEN_IN_URL';

export default defineRule({
  id: 'security/token-in-url',
  title: 'Tokens in URLs accepted by user servers',
  severity: 'warning',
  fix: 'unsafe',
  rationale:
    'A user server that accepts `?token=...` in a URL logs in whoever opens the link. One user can send another a link carrying the sender\'s own token, and the victim is then working in the sender\'s server, on pages the sender controls, without noticing (forced login). JupyterHub 4.1 added the switch, still on by default; 5.0 turned it off by default.',
  howToFix:
    'Remove the variable from `Spawner.environment` on JupyterHub 5 and later (the default is off), or set it to `"0"` on 4.1.x to opt out. Share access through JupyterHub\'s sharing or roles instead of tokenised links. Not reported before 4.1, where the switch does not exist.',
  docs: [
    { title: 'Web security: forced login', url: 'https://jupyterhub.readthedocs.io/en/stable/explanation/websecurity.html#forced-login' },
    { title: 'Upgrading to JupyterHub 5: tokens in URLs', url: 'https://jupyterhub.readthedocs.io/en/stable/howto/upgrading-v5.html' },
    { title: 'HubAuth.allow_token_in_url', url: 'https://jupyterhub.readthedocs.io/en/stable/reference/api/services.auth.html' },
  ],
  example: { bad: 'c.Spawner.environment = {"JUPYTERHUB_ALLOW_TOKEN_IN_URL": "1"}', good: 'c.Spawner.environment = {"JUPYTERHUB_ALLOW_TOKEN_IN_URL": "0"}' },
  check(ctx) {
    if (!since(ctx, '4.1')) return;
    const v5 = since(ctx, '5.0');
    const why = v5 ? 'turns back on what JupyterHub 5 switched off' : 'keeps the 4.1 default that JupyterHub 5 switched off';
    const envOps = ctx.model.ops.filter((o) => o.trait === 'environment' && isSpawnerClass(ctx, o.cls) && !isTest(ctx, o));
    for (const e of dictItems(ctx, envOps)) {
      if (e.key !== VAR || envBool(e.value) !== true) continue;
      const zero = pyString(ctx, e.value, '0');
      ctx.report({
        span: e.value.span,
        message: `${VAR} = ${ctx.model.text.slice(e.value.span.start, e.value.span.end)} lets user servers accept ?token= links, so one user can log another into their own server (forced login); it ${why}`,
        fixes: zero ? [setValueFix(e.value.span, zero, 'unsafe', `Set it to ${zero} (tokens in URLs refused)`)] : [],
      });
    }
    for (const op of liveOps(ctx, 'HubAuth', 'allow_token_in_url')) {
      if (op.op !== '=' || !isTrue(op.value)) continue;
      ctx.report({
        span: op.value.span,
        message: `${op.cls}.allow_token_in_url = True lets ?token= links log visitors in (forced login); it ${why}. User servers take this setting from ${VAR} in Spawner.environment`,
        fixes: [setValueFix(op.value.span, 'False', 'unsafe')],
      });
    }
  },
});
