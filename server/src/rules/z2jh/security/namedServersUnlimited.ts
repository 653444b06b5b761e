import { defineRule } from '../../types';
import { opsFor } from '../../security/util';
import { DOCS, boolOf, docOf, valuesDocs } from './common';

export default defineRule({
  id: 'z2jh/named-servers-unlimited',
  title: 'Named servers without a per-user limit',
  severity: 'information',
  appliesTo: ['z2jh_values'],
  rationale:
    'With `hub.allowNamedServers: true` each user may start several servers, and on Kubernetes every one is a pod with its own CPU and memory guarantee and, depending on storage settings, its own volume. `hub.namedServerLimitPerUser` is unset (0, unlimited) by default, so a single user, a script or a compromised account can fill the cluster and keep others from starting, or run up the cloud bill.',
  howToFix: 'Set `hub.namedServerLimitPerUser` to a small number (e.g. 3), and consider `hub.activeServerLimit` and culling of idle servers (`cull.enabled`, on by default).',
  docs: [DOCS.ref('hub.namedServerLimitPerUser'), DOCS.ref('hub.allowNamedServers')],
  example: { bad: 'hub:\n  allowNamedServers: true', good: 'hub:\n  allowNamedServers: true\n  namedServerLimitPerUser: 3' },
  check(ctx) {
    const docs = valuesDocs(ctx);
    const limitOps = opsFor(ctx, 'JupyterHub', 'named_server_limit_per_user');
    for (const d of docs) {
      for (const s of d.all('hub.allowNamedServers')) {
        if (boolOf(s.value) !== true) continue;
        const ops = limitOps.filter((o) => docs.length === 1 || docOf(ctx, o.span) === d.index);
        const limited = ops.some((o) => !(o.value.kind === 'int' && o.value.value === 0) && o.value.kind !== 'none');
        if (limited) continue;
        ctx.report({ span: s.value.span, message: 'Named servers are allowed with no limit per user (hub.namedServerLimitPerUser is unset or 0): one user can start pods until the cluster is full. Set a limit' });
      }
    }
  },
});
