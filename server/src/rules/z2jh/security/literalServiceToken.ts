import { defineRule } from '../../types';
import { DOCS, entriesOf, field, isSecretsFile, literalText, maskSecret, valuesDocs } from './common';

export default defineRule({
  id: 'z2jh/literal-service-token',
  scope: 'file',
  title: 'Service API token written in the values file',
  severity: 'warning',
  appliesTo: ['z2jh_values'],
  rationale:
    'A service\'s API token authenticates to the hub with every permission the service has, often broad ones such as managing servers. Since chart 1.1.0 the chart generates a random token for each entry of `hub.services` and stores it in the hub Secret under `hub.services.<name>.apiToken`, where in-cluster services can mount it. A token written in `apiToken` instead ends up in the repository and everywhere the values file is copied. (`api_token`, JupyterHub\'s own spelling, is reported by `security/literal-api-token`.) In a file named like a secrets file (`secrets.yaml`, `*-credentials.yaml`) the finding is only information, as a reminder to keep that file encrypted (sops, git-crypt) or out of version control; sops ciphertext (`ENC[...]`) and placeholders (`${VAR}`, `{{ ... }}`, `<REDACTED>`) are never reported.',
  howToFix:
    'Delete `apiToken` and let the chart generate the token; point the external service at the hub Secret (key `hub.services.<name>.apiToken`). If the token must come from outside, provide it through a Secret named in `hub.existingSecret` with that key. Rotate a token that was committed.',
  docs: [DOCS.ref('hub.services'), { title: 'JupyterHub: services', url: 'https://jupyterhub.readthedocs.io/en/stable/reference/services.html' }],
  example: { bad: 'hub:\n  services:\n    grader:\n      url: http://grader:8000\n      apiToken: 8b1f0c2e9d7a4c6b', good: 'hub:\n  services:\n    grader:\n      url: http://grader:8000' },
  check(ctx) {
    for (const d of valuesDocs(ctx)) {
      for (const s of d.all('hub.services')) {
        for (const svc of entriesOf(s.value)) {
          const tok = field(svc.value, 'apiToken');
          const secret = literalText(tok?.value);
          if (!tok || !secret) continue;
          ctx.report({
            span: tok.value.span,
            severity: isSecretsFile(ctx) ? 'information' : 'warning',
            message: `The API token of the service "${svc.key.value}" is written in the values file (${maskSecret(secret)}): anyone who can read the file can act as the service. Remove it and let the chart generate one (hub Secret key hub.services.${svc.key.value}.apiToken), or provide it through hub.existingSecret`,
          });
        }
      }
    }
  },
});
