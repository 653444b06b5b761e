import { defineRule } from '../../types';
import { dictItems, hubSecretKind, isSpawnerClass, listItems, isTest } from './common';

export default defineRule({
  id: 'security/hub-secret-in-user-env',
  title: 'Hub secret passed into user servers',
  severity: 'error',
  fix: 'unsafe',
  rationale:
    'Everything in a user server\'s environment is readable by the code its user runs. The proxy token, cookie secret, auth-state key, database password and OAuth client secret belong to the hub alone: with them a user can re-route the proxy, forge anyone\'s login, decrypt others\' stored tokens or rewrite the hub database. `env_keep` exists precisely to keep such variables of the hub process out of user servers.',
  howToFix:
    'Remove the entry from `Spawner.environment` or `Spawner.env_keep` (the quick fix does, when the entry is spelled out). If a server really needs to reach a service, give it its own narrowly scoped token instead of one of the hub\'s secrets.',
  docs: [
    { title: 'Spawner.env_keep and Spawner.environment', url: 'https://jupyterhub.readthedocs.io/en/stable/reference/api/spawner.html' },
    { title: 'Security basics', url: 'https://jupyterhub.readthedocs.io/en/stable/tutorial/getting-started/security-basics.html' },
  ],
  example: { bad: 'c.Spawner.env_keep = ["PATH", "CONFIGPROXY_AUTH_TOKEN"]', good: 'c.Spawner.env_keep = ["PATH"]' },
  check(ctx) {
    const spawnerOps = (trait: string) => ctx.model.ops.filter((o) => o.trait === trait && isSpawnerClass(ctx, o.cls) && !isTest(ctx, o));
    for (const e of dictItems(ctx, spawnerOps('environment'))) {
      // the key is one only the hub uses (JUPYTERHUB_API_TOKEN too: environment overrides the server's own token)
      const byKey = e.key === 'JUPYTERHUB_API_TOKEN' || e.key === 'JPY_API_TOKEN' ? 'one shared API token in place of each server\'s own' : hubSecretKind(e.key, 'own');
      // or the value is read from the hub's environment, where it holds one of the hub's credentials
      const byValue = e.value.kind === 'env' && e.value.name ? hubSecretKind(e.value.name) : undefined;
      if (!byKey && !byValue) continue;
      const span = byKey ? e.keySpan : e.value.span;
      const what = byKey ?? `${byValue} (read from $${e.value.kind === 'env' ? e.value.name : ''})`;
      ctx.report({
        span,
        message: `${e.op.cls}.environment passes ${what} to every user server as ${e.key}, where users' code can read it. Remove it`,
        fixes: [{ title: `Remove ${e.key} from ${e.op.cls}.environment`, applicability: 'unsafe', edits: [e.remove] }],
      });
    }
    for (const item of listItems(ctx, spawnerOps('env_keep'))) {
      if (item.value.kind !== 'str') continue;
      const kind = hubSecretKind(item.value.value);
      if (!kind) continue;
      ctx.report({
        span: item.value.span,
        message: `${item.op.cls}.env_keep copies ${kind} (${item.value.value}) from the hub's environment into every user server, where users' code can read it. Remove it`,
        fixes: [{ title: `Remove ${item.value.value} from ${item.op.cls}.env_keep`, applicability: 'unsafe', edits: [item.remove] }],
      });
    }
  },
});
