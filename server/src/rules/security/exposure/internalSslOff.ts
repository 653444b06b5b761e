import type { TraitOp } from '../../../model/types';
import { defineRule } from '../../types';
import { byTrust, opsFor } from '../util';
import { isAllInterfaces, isLoopback, isSpawnerClass, liveOps, parseUrl, isTest } from './common';

export default defineRule({
  id: 'security/internal-ssl-off',
  title: 'Internal traffic unencrypted across the network',
  severity: 'information',
  rationale:
    'Between the proxy, the hub and the user servers JupyterHub speaks plain HTTP unless `internal_ssl` is on, and that traffic carries login cookies, OAuth codes and API tokens. While everything listens on 127.0.0.1 it never leaves the host; once the hub or the servers listen on other interfaces, anyone able to watch that network (other tenants, other containers, a compromised node) can read it. With untrusted users on a shared network that is worth closing.',
  howToFix:
    'Set `c.JupyterHub.internal_ssl = True` if your spawner supports the certificates the hub generates (LocalProcessSpawner, DockerSpawner and KubeSpawner do), or keep internal traffic on a network only the hub\'s own components can reach. Reported for `untrusted-users` only.',
  docs: [
    { title: 'Web security: encrypt internal connections with SSL/TLS', url: 'https://jupyterhub.readthedocs.io/en/stable/explanation/websecurity.html#encrypt-internal-connections-with-ssl-tls' },
    { title: 'JupyterHub.internal_ssl', url: 'https://jupyterhub.readthedocs.io/en/stable/reference/api/app.html' },
  ],
  example: { bad: 'c.JupyterHub.hub_ip = "0.0.0.0"', good: 'c.JupyterHub.hub_ip = "0.0.0.0"\nc.JupyterHub.internal_ssl = True' },
  check(ctx) {
    const severity = byTrust(ctx, 'information', undefined);
    if (!severity) return;
    // internal_ssl set to anything but a literal False: on, or not something we can judge
    if (opsFor(ctx, 'JupyterHub', 'internal_ssl').some((o) => o.op === '=' && !(o.value.kind === 'bool' && !o.value.value) && !(o.value.kind === 'int' && o.value.value === 0))) return;
    const exposed: { op: TraitOp; what: string }[] = [];
    for (const op of liveOps(ctx, 'JupyterHub', 'hub_ip')) {
      if (op.op === '=' && op.value.kind === 'str' && !isLoopback(op.value.value)) exposed.push({ op, what: `the hub (JupyterHub.hub_ip = ${JSON.stringify(op.value.value)})` });
    }
    for (const op of liveOps(ctx, 'JupyterHub', 'hub_bind_url')) {
      if (op.op !== '=' || op.value.kind !== 'str') continue;
      const u = parseUrl(op.value.value);
      if (u && u.scheme === 'http' && !isLoopback(u.host)) exposed.push({ op, what: `the hub (JupyterHub.hub_bind_url = ${JSON.stringify(op.value.value)})` });
    }
    for (const op of ctx.model.ops) {
      if (op.trait !== 'ip' || op.op !== '=' || !isSpawnerClass(ctx, op.cls) || op.value.kind !== 'str') continue;
      if (isTest(ctx, op)) continue;
      const h = op.value.value;
      if (isAllInterfaces(h) || !isLoopback(h)) exposed.push({ op, what: `user servers (${op.cls}.ip = ${JSON.stringify(h)})` });
    }
    if (!exposed.length) return;
    exposed.sort((a, b) => a.op.span.start - b.op.span.start);
    const first = exposed[0];
    ctx.report({
      span: first.op.value.span,
      severity,
      message: `${first.what[0].toUpperCase()}${first.what.slice(1)} listen${first.what.startsWith('user') ? '' : 's'} beyond this host while internal_ssl is off: cookies and tokens between proxy, hub and servers travel unencrypted. Consider c.JupyterHub.internal_ssl = True`,
    });
  },
});
