import { defineRule } from '../types';
import { closest } from '../../util/text';
import { opsOf, roleSpecOf } from '../../rbac/config';
import type { Value } from '../../model/types';
import { fix, pyRepr, rbac, replaceString } from './util';
import { DOCS } from './util';

export default defineRule({
  id: 'rbac/service-token-unknown-service',
  title: 'service_tokens names a service that is not defined',
  severity: 'warning',
  rationale:
    '`c.JupyterHub.service_tokens` maps a token to a service name. When no entry of `c.JupyterHub.services` has that name, JupyterHub does not stop: it logs a warning ("not in services, creating implicitly") and creates a bare service of that name. When the name is a slip for a defined service, that service does not get the token, and the bare service has no roles and so (from 2.0) no permissions: the result is 403 answers to a service that looks configured. A warning when the name is close to a defined one or no role lists it; information when a role gives it scopes (an API-only service registered the old way). Roles that name undefined services are rbac/undefined-service\'s finding.',
  howToFix: 'Use the name of the service as `c.JupyterHub.services` defines it, or better, give the token in that service\'s own `api_token` field.',
  docs: [DOCS.services],
  fix: 'unsafe',
  example: {
    bad: 'c.JupyterHub.services = [{"name": "idle-culler", "command": ["python3", "-m", "jupyterhub_idle_culler"]}]\nc.JupyterHub.service_tokens = {os.environ["CULLER_TOKEN"]: "idle_culler"}',
    good: 'c.JupyterHub.services = [{"name": "idle-culler", "api_token": os.environ["CULLER_TOKEN"], "command": ["python3", "-m", "jupyterhub_idle_culler"]}]',
  },
  check(ctx) {
    const r = rbac(ctx);
    // the chart defines services of its own: the list in the values is not complete
    if (!r || ctx.model.kind !== 'jupyterhub_config') return;
    const services = r.cfg.services;
    if (services.unknown) return;
    const defined = new Set<string>();
    for (const it of services.items) {
      const spec = roleSpecOf(it, 0);
      if (!spec) return;
      const n = spec.keys.get('name');
      if (n?.value.kind === 'str') defined.add(n.value.value);
      else if (n || !spec.keysKnown) return;
    }
    // the token keys are usually read from the environment: look at the values only
    const names: Extract<Value, { kind: 'str' }>[] = [];
    for (const op of opsOf(ctx.model, ctx.traits, 'JupyterHub', 'service_tokens')) {
      if (op.conditional) continue;
      if (op.op === '=') names.length = 0;
      if ((op.op === '=' || op.op === 'update') && op.value.kind === 'dict') {
        for (const e of op.value.entries) if (e.value.kind === 'str') names.push(e.value);
      } else if (op.op === 'item=' && op.value.kind === 'str') names.push(op.value);
    }
    for (const value of names) {
      const it = { value };
      const name = value.value;
      if (defined.has(name)) continue;
      const near = closest(name, defined);
      const withRole = r.cfg.roles.some((role) => {
        const m = role.keys.get('services')?.value;
        return !!m && (m.kind !== 'list' && m.kind !== 'tuple' && m.kind !== 'set' ? true : m.items.some((x) => x.kind !== 'str' || x.value === name));
      });
      const what = withRole ? 'a bare service of that name (it works as an API-only service, with a start-up warning)' : 'a bare service of that name, and no role gives it any scope';
      ctx.report({
        span: it.value.span,
        severity: near.length || !withRole ? undefined : 'information',
        message: `service_tokens gives a token to service ${pyRepr(name)}, which c.JupyterHub.services does not define${defined.size ? '' : ' (no services are defined)'}: JupyterHub creates ${what}${near.length ? `; did you mean ${pyRepr(near[0].name)}?` : ''}`,
        fixes: near.map((n, i) => fix(`Change to ${pyRepr(n.name)}`, i === 0 && near.length === 1 ? 'unsafe' : 'suggestion', [replaceString(ctx, it.value, n.name)])),
      });
    }
  },
});
