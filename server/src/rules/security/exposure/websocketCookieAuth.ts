import { defineRule } from '../../types';
import { byTrust, isTrue, setValueFix } from '../util';
import { dictItems, envBool, hasSubdomains, isSpawnerClass, liveOps, pyString, since, isTest } from './common';

const VAR = 'JUPYTERHUB_ALLOW_WEBSOCKET_COOKIE_AUTH';

export default defineRule({
  id: 'security/websocket-cookie-auth',
  title: 'Cookie-only websockets on a shared origin',
  severity: 'information',
  fix: 'unsafe',
  rationale:
    'Browsers attach cookies to websocket connections but give them no XSRF protection, and on a single origin every user server is "same site" for the others. A page served by one user\'s server can therefore open an authenticated websocket (a kernel or terminal) to another user\'s server that the visitor is logged in to. Refusing cookie-only websockets closes that path; per-user subdomains make it moot.',
  howToFix:
    'Do not force it on: remove the setting or set `JUPYTERHUB_ALLOW_WEBSOCKET_COOKIE_AUTH` to `"0"` in `Spawner.environment` once your frontends send tokens on websockets (JupyterLab 4.1.2 and Notebook 6.5.6/7.1.0 rely on cookies alone), or enable `subdomain_host`. Reported for `untrusted-users` on JupyterHub 4.1 and later.',
  docs: [
    { title: 'HubAuth.allow_websocket_cookie_auth', url: 'https://jupyterhub.readthedocs.io/en/stable/reference/api/services.auth.html' },
    { title: 'Web security: mitigating same-origin deployments', url: 'https://jupyterhub.readthedocs.io/en/stable/explanation/websecurity.html#mitigating-same-origin-deployments' },
  ],
  example: { bad: 'c.Spawner.environment = {"JUPYTERHUB_ALLOW_WEBSOCKET_COOKIE_AUTH": "1"}', good: 'c.Spawner.environment = {"JUPYTERHUB_ALLOW_WEBSOCKET_COOKIE_AUTH": "0"}' },
  check(ctx) {
    const severity = byTrust(ctx, 'information', undefined);
    if (!severity || !since(ctx, '4.1') || hasSubdomains(ctx)) return;
    const envOps = ctx.model.ops.filter((o) => o.trait === 'environment' && isSpawnerClass(ctx, o.cls) && !isTest(ctx, o));
    for (const e of dictItems(ctx, envOps)) {
      if (e.key !== VAR || envBool(e.value) !== true) continue;
      const zero = pyString(ctx, e.value, '0');
      ctx.report({
        span: e.value.span,
        severity,
        message: `${VAR} forces cookie-only websocket logins on: without subdomain_host, pages from one user's server can open kernels or terminals on another user's server the visitor is logged in to`,
        fixes: zero ? [setValueFix(e.value.span, zero, 'unsafe', `Set it to ${zero} (websockets need a token)`)] : [],
      });
    }
    for (const op of liveOps(ctx, 'HubAuth', 'allow_websocket_cookie_auth')) {
      if (op.op !== '=' || !isTrue(op.value)) continue;
      ctx.report({
        span: op.value.span,
        severity,
        message: `${op.cls}.allow_websocket_cookie_auth = True accepts cookie-only websockets: without subdomain_host, pages from one server can open websockets to another the visitor is logged in to`,
        fixes: [setValueFix(op.value.span, 'False', 'unsafe')],
      });
    }
  },
});
