import { defineRule } from '../../types';
import { isFalse, removeLineFix, setValueFix } from '../util';
import { liveOps } from './common';

export default defineRule({
  id: 'security/prometheus-unauthenticated',
  title: 'Metrics endpoint open to anyone',
  severity: 'warning',
  fix: 'unsafe',
  rationale:
    'With `authenticate_prometheus` off, `/hub/metrics` answers anyone who can reach the hub. The metrics reveal how many users and servers there are, how busy the hub is and which versions run, which helps an attacker plan and time an attack. The scraper can authenticate with a token instead.',
  howToFix:
    'Remove the setting (the default is `True`) and give the Prometheus scraper an API token of a service whose role has the `read:metrics` scope (JupyterHub 2.1 and later), sent as `Authorization: token ...`.',
  docs: [
    { title: 'Monitoring: the /metrics endpoint', url: 'https://jupyterhub.readthedocs.io/en/stable/reference/monitoring.html' },
    { title: 'JupyterHub.authenticate_prometheus', url: 'https://jupyterhub.readthedocs.io/en/stable/reference/api/app.html' },
  ],
  example: { bad: 'c.JupyterHub.authenticate_prometheus = False', good: '# (not set: /hub/metrics requires a token)' },
  check(ctx) {
    for (const op of liveOps(ctx, 'JupyterHub', 'authenticate_prometheus')) {
      if (op.op !== '=' || !isFalse(op.value)) continue;
      ctx.report({
        span: op.value.span,
        message: 'authenticate_prometheus = False makes /hub/metrics readable by anyone who can reach the hub. Let the scraper use a token with read:metrics instead',
        fixes: [setValueFix(op.value.span, 'True', 'unsafe'), removeLineFix(ctx, op, 'unsafe', 'Remove this setting (the default is True)')],
      });
    }
  },
});
