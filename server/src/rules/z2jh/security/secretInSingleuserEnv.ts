import { defineRule } from '../../types';
import { byTrust } from '../../security/util';
import { hubSecretKind } from '../../security/exposure/common';
import { isPlaceholderText, looksLikeKey } from '../../security/secretValue';
import { DOCS, envVars, fieldValue, isHubSecretKey, isSecretName, maskSecret, profileOverrides, secretKeyRef, secretLiteral, valuesDocs, type EnvVar } from './common';

export default defineRule({
  id: 'z2jh/secret-in-singleuser-env',
  title: 'Secret in the environment of every user server',
  severity: 'warning',
  appliesTo: ['z2jh_values'],
  rationale:
    'Everything in `singleuser.extraEnv` (and a profile\'s `environment`) is set in each user\'s server, where the user and any code they run can read it: `env`, `os.environ`, a notebook cell. That holds for values taken from a Kubernetes Secret too: `secretKeyRef` keeps the value out of the values file, not out of the pod. A credential shared this way is shared with every user, and leaves with the first one who copies it. A reference into the chart\'s own hub Secret (cookie secret, proxy token, database password, service tokens) hands users the keys to the hub itself. Severity: error for a reference into the hub Secret; otherwise warning, or information with `--trust trusted-users`.',
  howToFix:
    'Keep shared credentials out of user pods. Give each user their own, narrowly scoped credential (for example from auth state in `pre_spawn_hook`, or cloud workload identity per user), or put the privileged operation behind a JupyterHub service that checks who is asking. If every user may really know the value (a read-only key for a public dataset), silence the finding with `# hubcfg: disable=z2jh/secret-in-singleuser-env` and a comment saying so.',
  docs: [DOCS.ref('singleuser.extraEnv'), DOCS.userEnvironment],
  example: {
    bad: 'singleuser:\n  extraEnv:\n    AWS_SECRET_ACCESS_KEY:\n      valueFrom:\n        secretKeyRef:\n          name: s3-credentials\n          key: secret-key',
    good: 'singleuser:\n  extraEnv:\n    S3_ENDPOINT: https://s3.example.org',
  },
  check(ctx) {
    for (const d of valuesDocs(ctx)) {
      const places: { vars: EnvVar[]; where: string; isOp: boolean }[] = [];
      for (const s of d.all('singleuser.extraEnv')) places.push({ vars: envVars(s.value), where: 'singleuser.extraEnv', isOp: s.value.kind === 'dict' });
      for (const o of profileOverrides(d)) places.push({ vars: envVars(fieldValue(o.value, 'environment')), where: `the environment of ${o.where}`, isOp: false });
      for (const { vars, where, isOp } of places) {
        for (const env of vars) {
          // hub secrets passed by name in singleuser.extraEnv (mapping form, a KubeSpawner.environment op): security/hub-secret-in-user-env reports them
          if (isOp && (hubSecretKind(env.name) || env.name === 'JUPYTERHUB_API_TOKEN' || env.name === 'JPY_API_TOKEN')) continue;
          const hubKind = hubSecretKind(env.name);
          if (!isOp && hubKind && (env.value || env.valueFrom)) {
            ctx.report({ span: env.nameSpan, severity: 'error', message: `${where}: ${env.name} passes ${hubKind} to the user servers, where users' code can read it: it belongs to the hub alone. Remove it` });
            continue;
          }
          const ref = secretKeyRef(env.valueFrom);
          if (ref && isHubSecretKey(ref.key)) {
            ctx.report({
              span: env.nameSpan,
              severity: 'error',
              message: `${where}: ${env.name} reads ${ref.key} from the chart's hub Secret${ref.name ? ` (${ref.name})` : ''} into every user server, where users' code can read it: that secret belongs to the hub alone. Remove it`,
            });
            continue;
          }
          const severity = byTrust(ctx, 'warning', 'information') ?? 'information';
          if (ref) {
            ctx.report({
              span: env.nameSpan,
              severity,
              message: `${where}: ${env.name} comes from the Secret ${ref.name ?? '?'}${ref.key ? ` (key ${ref.key})` : ''}, and every user can read it in their server: a secretKeyRef keeps the value out of the values file, not away from users`,
            });
            continue;
          }
          const text = secretLiteral(env.value);
          const lit = text && !isPlaceholderText(text) && (isSecretName(env.name) || looksLikeKey(text, env.name)) ? text : undefined;
          if (lit) {
            ctx.report({
              span: env.nameSpan,
              severity,
              message: `${where}: ${env.name} looks like a secret (${maskSecret(lit)}) and is set in every user server, where each user can read it; it is also written in the values file`,
            });
          }
        }
      }
    }
  },
});
