import { defineRule } from '../../types';
import { DOCS, envVars, isSecretName, isSecretsFile, maskSecret, secretLiteral, valuesDocs } from './common';
import { isPlaceholderText, looksLikeKey } from '../../security/secretValue';

const PLACES = ['hub.extraEnv', 'proxy.chp.extraEnv', 'proxy.traefik.extraEnv'];

export default defineRule({
  id: 'z2jh/literal-env-secret',
  scope: 'file',
  title: 'Secret written as a literal in the hub\'s or proxy\'s environment',
  severity: 'warning',
  appliesTo: ['z2jh_values'],
  rationale:
    'Variables in `hub.extraEnv` (and the proxy\'s `extraEnv`) are a common way to hand the hub an OAuth client secret, an LDAP bind password or an API key for a service. Written as a literal `value`, the secret sits in the values file, its repository history and every copy of it, and in the Deployment object where anyone allowed to read Deployments sees it. Kubernetes can take the value from a Secret (`valueFrom.secretKeyRef`), which the chart passes through unchanged. In a file named like a secrets file (`secrets.yaml`, `*-credentials.yaml`) the finding is only information, as a reminder to keep that file encrypted (sops, git-crypt) or out of version control; sops ciphertext (`ENC[...]`) and placeholders (`${VAR}`, `{{ ... }}`, `<REDACTED>`) are never reported.',
  howToFix:
    'Create a Secret (`kubectl create secret generic hub-env --from-literal=GITHUB_CLIENT_SECRET=...`) and refer to it: `GITHUB_CLIENT_SECRET: {valueFrom: {secretKeyRef: {name: hub-env, key: GITHUB_CLIENT_SECRET}}}`. Rotate a secret that was committed. Names ending in `_URL`, `_FILE`, `_PATH`, `_ID` and the like are not taken for secrets (a value in a known token format, or a long random string, is, whatever its name); placeholders such as `<your-token>` or `__TOKEN__` are not reported; silence any other false match with `# hubcfg: disable=z2jh/literal-env-secret`.',
  docs: [DOCS.ref('hub.extraEnv'), DOCS.envSecrets],
  example: {
    bad: 'hub:\n  extraEnv:\n    GITHUB_CLIENT_SECRET: 2c1e9f0a7b3d5e8f',
    good: 'hub:\n  extraEnv:\n    GITHUB_CLIENT_SECRET:\n      valueFrom:\n        secretKeyRef:\n          name: hub-env\n          key: GITHUB_CLIENT_SECRET',
  },
  check(ctx) {
    for (const d of valuesDocs(ctx)) {
      for (const place of PLACES) {
        for (const s of d.all(place)) {
          for (const env of envVars(s.value)) {
            const secret = secretLiteral(env.value);
            if (!secret || !env.value || isPlaceholderText(secret)) continue;
            // by its name (…_TOKEN, …_SECRET), or by the value itself (a token format, a long random string)
            const byValue = isSecretName(env.name) ? undefined : looksLikeKey(secret, env.name);
            if (!isSecretName(env.name) && !byValue) continue;
            const why = byValue === 'known' ? 'holds what looks like a service token' : byValue ? 'holds what looks like a random key' : 'looks like a secret';
            ctx.report({
              span: env.value.span,
              severity: isSecretsFile(ctx) ? 'information' : 'warning',
              message: `${place}: ${env.name} ${why} and is written as a literal (${maskSecret(secret)}): it is readable in the values file and in the Deployment. Take it from a Secret with valueFrom.secretKeyRef`,
            });
          }
        }
      }
    }
  },
});
