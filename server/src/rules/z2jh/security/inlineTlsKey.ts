import { defineRule } from '../../types';
import { DOCS, isSecretsFile, literalText, valuesDocs } from './common';

export default defineRule({
  id: 'z2jh/inline-tls-key',
  scope: 'file',
  title: 'TLS private key written in the values file',
  severity: 'warning',
  appliesTo: ['z2jh_values'],
  rationale:
    'With `proxy.https.type: manual` the chart takes the certificate and its private key straight from `proxy.https.manual.cert` and `.key`. The private key then lives in the values file, its repository history and every copy, and anyone who obtains it can impersonate the hub to its users, or read their captured traffic. The chart can read the pair from a Kubernetes TLS Secret instead (`type: secret`). In a file named like a secrets file (`secrets.yaml`, `*-credentials.yaml`) the finding is only information, as a reminder to keep that file encrypted (sops, git-crypt) or out of version control; sops ciphertext (`ENC[...]`) and placeholders (`${VAR}`, `{{ ... }}`, `<REDACTED>`) are never reported.',
  howToFix:
    'Store the pair in a Secret (`kubectl create secret tls hub-tls --cert=tls.crt --key=tls.key`) and use `proxy.https.type: secret` with `proxy.https.secret.name: hub-tls`; or let the chart get certificates from Let\'s Encrypt (`type: letsencrypt`). Replace a key that was committed: revoke its certificate and issue a new one.',
  docs: [DOCS.security('setup-manual-https', 'manual HTTPS'), DOCS.ref('proxy.https.manual')],
  example: {
    bad: 'proxy:\n  https:\n    enabled: true\n    type: manual\n    manual:\n      cert: |\n        -----BEGIN CERTIFICATE-----\n        ...\n      key: |\n        -----BEGIN PRIVATE KEY-----\n        ...',
    good: 'proxy:\n  https:\n    enabled: true\n    type: secret\n    hosts: [hub.example.org]\n    secret:\n      name: hub-tls',
  },
  check(ctx) {
    for (const d of valuesDocs(ctx)) {
      for (const s of d.all('proxy.https.manual.key')) {
        const key = literalText(s.value);
        if (!key) continue;
        const pem = /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key);
        ctx.report({
          span: s.keySpan,
          severity: isSecretsFile(ctx) ? 'information' : 'warning',
          message: `${pem ? 'A TLS private key' : 'proxy.https.manual.key'} is written in the values file: whoever can read the file can impersonate the hub. Keep the pair in a TLS Secret and use proxy.https.type: secret`,
        });
      }
    }
  },
});
