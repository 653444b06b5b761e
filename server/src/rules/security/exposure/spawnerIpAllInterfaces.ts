import { defineRule } from '../../types';
import { setValueFix } from '../util';
import { isAllInterfaces, isLocalProcessSpawner, isRemoteSpawner, isSpawnerClass, pyString, spawnerClass, isTest } from './common';

export default defineRule({
  id: 'security/spawner-ip-all-interfaces',
  title: 'Local user servers listening on every interface',
  severity: 'warning',
  fix: 'unsafe',
  rationale:
    'Servers started by a local-process spawner run on the hub\'s host, and the proxy reaches them on 127.0.0.1. Bound to every interface, each server\'s random port is also open to the network, outside the proxy and any TLS, filtering or logging in front of it. The default has been 127.0.0.1 since JupyterHub 2.0; container and batch spawners, whose servers live elsewhere, do need a wider address and are not reported.',
  howToFix:
    'Remove the setting or set `c.Spawner.ip = "127.0.0.1"` (the quick fix). Only spawners whose servers run in containers or on other machines need `0.0.0.0`.',
  docs: [
    { title: 'Spawner.ip', url: 'https://jupyterhub.readthedocs.io/en/stable/reference/api/spawner.html' },
  ],
  example: { bad: 'c.Spawner.ip = "0.0.0.0"', good: 'c.Spawner.ip = "127.0.0.1"' },
  check(ctx) {
    const selected = spawnerClass(ctx);
    for (const op of ctx.model.ops) {
      if (op.trait !== 'ip' || op.op !== '=' || !isSpawnerClass(ctx, op.cls)) continue;
      if (op.value.kind !== 'str' || !isAllInterfaces(op.value.value)) continue;
      if (isTest(ctx, op)) continue;
      // which spawner this setting reaches: its own class, or the selected one for c.Spawner
      const cls = op.cls === 'Spawner' ? selected : op.cls;
      if (!cls || isRemoteSpawner(ctx, cls) || !isLocalProcessSpawner(ctx, cls)) continue;
      const lit = pyString(ctx, op.value, '127.0.0.1');
      ctx.report({
        span: op.value.span,
        message: `${op.cls}.ip = ${JSON.stringify(op.value.value)} opens every local user server's port to the network, bypassing the proxy. Listen on 127.0.0.1`,
        fixes: lit ? [setValueFix(op.value.span, lit, 'unsafe')] : [],
      });
    }
  },
});
