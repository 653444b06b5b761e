import { defineRule } from '../../types';
import { DOCS, isSecretsFile, literalText, maskSecret, valuesDocs } from './common';

export default defineRule({
  id: 'z2jh/literal-registry-password',
  scope: 'file',
  title: 'Image registry password written in the values file',
  severity: 'warning',
  appliesTo: ['z2jh_values'],
  rationale:
    'With `imagePullSecret.create: true` the chart builds an image pull Secret from `imagePullSecret.registry`, `username` and `password`. The password (often a token that can also push images) is then written in the values file, its repository and every copy of it. Whoever has it can read, and often overwrite, the images your users run. In a file named like a secrets file (`secrets.yaml`, `*-credentials.yaml`) the finding is only information, as a reminder to keep that file encrypted (sops, git-crypt) or out of version control; sops ciphertext (`ENC[...]`) and placeholders (`${VAR}`, `{{ ... }}`, `<REDACTED>`) are never reported.',
  howToFix:
    'Create the pull Secret yourself (`kubectl create secret docker-registry ...`) and list its name in `imagePullSecrets`, then drop `imagePullSecret.password`. Or keep these values in an encrypted secrets file passed with its own `-f`. Use a read-only registry token, and rotate one that was committed.',
  docs: [DOCS.ref('imagePullSecret'), DOCS.ref('imagePullSecrets')],
  example: { bad: 'imagePullSecret:\n  create: true\n  registry: ghcr.io\n  username: deploy-bot\n  password: ghp_0123456789abcdef', good: 'imagePullSecrets:\n  - ghcr-pull' },
  check(ctx) {
    for (const d of valuesDocs(ctx)) {
      for (const s of d.all('imagePullSecret.password')) {
        const secret = literalText(s.value);
        if (!secret) continue;
        ctx.report({
          span: s.value.span,
          severity: isSecretsFile(ctx) ? 'information' : 'warning',
          message: `The registry password is written in the values file (${maskSecret(secret)}): anyone who can read the file can pull, and often push, your images. Create the pull Secret yourself and list it in imagePullSecrets`,
        });
      }
    }
  },
});
