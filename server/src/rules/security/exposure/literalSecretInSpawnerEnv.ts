import { defineRule } from '../../types';
import { dictItems, hubSecretKind, isSpawnerClass, isTest } from './common';
import { isSecretName, maskSecret, secretLiteral } from '../../z2jh/security/common';
import { isPlaceholderText, looksLikeKey } from '../secretValue';

export default defineRule({
  id: 'security/literal-secret-in-spawner-env',
  title: 'Literal secret in Spawner.environment',
  severity: 'warning',
  rationale:
    'A credential written as a literal in `Spawner.environment` (any spawner class, in `jupyterhub_config.py` or under `hub.config`) is in the config file and its history, and in every user server, where each user and any code they run can read it. A variable counts as a secret by its name (`…_TOKEN`, `…_SECRET`, `…_PASSWORD`, `…_KEY`) or by its value (a known token format, a long random string). Placeholders (`<your-token>`, `${TOKEN}`, `__TOKEN__`, `xxxx`) are not reported, and neither are the hub\'s own secrets, which security/hub-secret-in-user-env reports.',
  howToFix:
    'Give each user their own credential (from auth state in a `pre_spawn_hook`, or per-user cloud identity), or put the operation behind a JupyterHub service. If every user may really know the value, read it from the hub\'s environment rather than writing it in the file, and silence the finding with a comment saying why.',
  docs: [
    { title: 'Spawner.environment', url: 'https://jupyterhub.readthedocs.io/en/stable/reference/api/spawner.html#jupyterhub.spawner.Spawner.environment' },
  ],
  example: { bad: "c.Spawner.environment = {'S3_SECRET_KEY': 'q7Vd2LxP9mKr4TzW8nYb3HcJ6fGs1QaE'}", good: "c.Spawner.environment = {'S3_ENDPOINT': 'https://s3.example.org'}" },
  check(ctx) {
    // singleuser.extraEnv (origin chart) is z2jh/secret-in-singleuser-env's
    const ops = ctx.model.ops.filter((o) => o.trait === 'environment' && o.origin !== 'chart' && isSpawnerClass(ctx, o.cls) && !isTest(ctx, o));
    for (const e of dictItems(ctx, ops)) {
      if (hubSecretKind(e.key) || e.key === 'JUPYTERHUB_API_TOKEN' || e.key === 'JPY_API_TOKEN') continue;
      const text = secretLiteral(e.value);
      if (!text || isPlaceholderText(text)) continue;
      const byValue = isSecretName(e.key) ? undefined : looksLikeKey(text, e.key);
      if (!isSecretName(e.key) && !byValue) continue;
      const why = byValue === 'known' ? 'holds what looks like a service token' : byValue ? 'holds what looks like a random key' : 'looks like a secret';
      ctx.report({
        span: e.value.span,
        message: `${e.op.cls}.environment: ${e.key} ${why} (${maskSecret(text)}), written in the config and set in every user server, where each user can read it`,
      });
    }
  },
});
