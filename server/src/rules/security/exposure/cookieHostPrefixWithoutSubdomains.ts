import { defineRule } from '../../types';
import { isTrue, removeLineFix } from '../util';
import { hasSubdomains, liveOps, since } from './common';

export default defineRule({
  id: 'security/cookie-host-prefix-without-subdomains',
  title: 'Domain-locked cookies without per-user subdomains',
  severity: 'warning',
  fix: 'unsafe',
  rationale:
    '`cookie_host_prefix_enabled` gives the hub\'s cookies the `__Host-` prefix, which browsers only accept on path `/`. On a single origin that means the hub\'s login cookie is no longer limited to `/hub/`: the browser sends it to every user server too, where their owners can read it. The option defends against cookie tossing between subdomains and is meant for deployments that use them.',
  howToFix:
    'Remove the setting unless you also serve users from their own subdomains (`c.JupyterHub.subdomain_host`) over HTTPS. Only checked on JupyterHub 4.1 and later, where the option exists.',
  docs: [
    { title: 'Web security: cookie tossing', url: 'https://jupyterhub.readthedocs.io/en/stable/explanation/websecurity.html#cookie-tossing' },
    { title: 'JupyterHub.cookie_host_prefix_enabled', url: 'https://jupyterhub.readthedocs.io/en/stable/reference/api/app.html' },
  ],
  example: { bad: 'c.JupyterHub.cookie_host_prefix_enabled = True', good: 'c.JupyterHub.subdomain_host = "https://hub.example.org"\nc.JupyterHub.cookie_host_prefix_enabled = True' },
  check(ctx) {
    if (!since(ctx, '4.1') || hasSubdomains(ctx)) return;
    for (const op of liveOps(ctx, 'JupyterHub', 'cookie_host_prefix_enabled')) {
      if (op.op !== '=' || !isTrue(op.value)) continue;
      ctx.report({
        span: op.value.span,
        message: 'cookie_host_prefix_enabled = True without subdomain_host moves the hub\'s cookies to path /, so every user server receives them. Use it only with per-user subdomains',
        fixes: [removeLineFix(ctx, op, 'unsafe')],
      });
    }
  },
});
