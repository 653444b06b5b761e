import { defineRule } from '../../types';
import { DOCS, isSecretsFile, literalText, maskSecret, strOf, valuesDocs } from './common';

export default defineRule({
  id: 'z2jh/literal-db-password',
  scope: 'file',
  title: 'Hub database password written in the values file',
  severity: 'warning',
  appliesTo: ['z2jh_values'],
  rationale:
    'With an external MySQL or PostgreSQL database the chart passes `hub.db.password` to the hub (as `MYSQL_PWD` or `PGPASSWORD`). The database holds every user, token hash, server and OAuth client of the hub, so its password deserves the care of any other credential. Written into a values file it travels wherever the file goes: the repository and its history, CI logs, copies on laptops. The chart can take it from a Kubernetes Secret you manage instead. In a file named like a secrets file (`secrets.yaml`, `*-credentials.yaml`) the finding is only information, as a reminder to keep that file encrypted (sops, git-crypt) or out of version control; sops ciphertext (`ENC[...]`) and placeholders (`${VAR}`, `{{ ... }}`, `<REDACTED>`) are never reported.',
  howToFix:
    'Remove `hub.db.password` from the file and put the password into a Secret of your own under the key `hub.db.password`, named in `hub.existingSecret` (its content is merged over the chart\'s Secret). Or keep the value in a separate, encrypted secrets file (sops, git-crypt) that is passed with another `-f`. Change the password if the file was ever shared.',
  docs: [DOCS.ref('hub.db.password'), DOCS.ref('hub.existingSecret')],
  example: { bad: 'hub:\n  db:\n    type: postgres\n    url: postgresql://hub@db.example.org/jupyterhub\n    password: s3cr3t-pa55', good: 'hub:\n  existingSecret: jupyterhub-secrets\n  db:\n    type: postgres\n    url: postgresql://hub@db.example.org/jupyterhub' },
  check(ctx) {
    for (const d of valuesDocs(ctx)) {
      for (const s of d.all('hub.db.password')) {
        const secret = literalText(s.value);
        if (!secret) continue;
        const type = strOf(d.value('hub.db.type'));
        const ignored = type && type !== 'mysql' && type !== 'postgres' ? ` (with hub.db.type ${type} the chart does not even use it)` : '';
        ctx.report({
          span: s.value.span,
          severity: isSecretsFile(ctx) ? 'information' : 'warning',
          message: `The hub database password is written in the values file (${maskSecret(secret)})${ignored}: anyone who can read the file or its history has it. Keep it in a Secret named by hub.existingSecret (key hub.db.password)${isSecretsFile(ctx) ? '; this looks like a dedicated secrets file, so make sure it is encrypted or kept out of version control' : ''}`,
        });
      }
    }
  },
});
