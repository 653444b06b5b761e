import { defineRule, type Fix, type RuleContext } from '../../types';
import type { Span } from '../../../util/text';
import { envFix, mask, removeLineFix, suppliedNote } from '../util';
import { isSeq, liveOps, literalSecretText } from './common';

const ENV = 'JUPYTERHUB_CRYPT_KEY';

/** os.environ["JUPYTERHUB_CRYPT_KEY"].split(";"): the list form CryptKeeper itself reads. */
function envListFix(ctx: RuleContext, span: Span): Fix {
  const f = envFix(ctx, span, ENV);
  // in YAML (hub.config) there is no Python to read the variable: envFix gives no edit there
  if (f.edits.length) f.edits[0].newText += '.split(";")';
  return f;
}

export default defineRule({
  id: 'security/literal-crypt-key',
  scope: 'file',
  title: 'Auth-state encryption key written in the config',
  severity: 'error',
  fix: 'unsafe',
  rationale:
    '`CryptKeeper.keys` encrypt `auth_state` in the hub database, which typically holds users\' OAuth access and refresh tokens. The encryption is only worth something while the key lives apart from the data: a key in the config file usually ends up in the same backups, repositories and hosts as the database it protects.',
  howToFix:
    'Delete the setting and put the key in `JUPYTERHUB_CRYPT_KEY` in the hub\'s environment (`openssl rand -hex 32`; several keys separated by `;` for rotation, the first one encrypts): CryptKeeper reads that variable by itself. The quick fix reads the list from the variable explicitly. Rotate the key that was in the file.',
  docs: [
    { title: 'Authenticators: authentication state', url: 'https://jupyterhub.readthedocs.io/en/stable/reference/authenticators.html#authentication-state' },
  ],
  example: { bad: 'c.CryptKeeper.keys = ["8a3b1f0c6e2d4a5b9c7e1f3a5b7d9e0f8a3b1f0c6e2d4a5b9c7e1f3a5b7d9e0f"]', good: '# c.CryptKeeper.keys is read from $JUPYTERHUB_CRYPT_KEY' },
  check(ctx) {
    for (const op of liveOps(ctx, 'CryptKeeper', 'keys')) {
      if (op.op === '=' && isSeq(op.value)) {
        const secrets = op.value.items.map((v) => literalSecretText(ctx, v)).filter((s): s is string => s !== undefined);
        if (!secrets.length) continue;
        const allLiteral = secrets.length === op.value.items.length;
        const fixes: Fix[] = [];
        if (allLiteral) {
          fixes.push(envListFix(ctx, op.value.span), removeLineFix(ctx, op, 'unsafe', `Remove it: CryptKeeper reads ${ENV} by itself`));
        }
        ctx.report({
          span: op.value.span,
          message: `${secrets.length === 1 ? 'An encryption key' : `${secrets.length} encryption keys`} for auth_state ${secrets.length === 1 ? 'is' : 'are'} written in the config file (${secrets.map(mask).join(', ')}): anyone who can read the file can decrypt users' stored tokens. Read ${secrets.length === 1 ? 'it' : 'them'} from ${ENV}${suppliedNote(ctx, op)}`,
          fixes,
        });
      } else if ((op.op === '=' || op.op === 'append' || op.op === 'insert') && !isSeq(op.value)) {
        const secret = literalSecretText(ctx, op.value);
        if (secret === undefined) continue;
        ctx.report({
          span: op.value.span,
          message: `An encryption key for auth_state is written in the config file (${mask(secret)}): anyone who can read the file can decrypt users' stored tokens. Read it from ${ENV}${op.op === '=' ? suppliedNote(ctx, op) : ''}`,
          fixes: op.op === '=' ? [envListFix(ctx, op.value.span)] : [removeLineFix(ctx, op, 'unsafe', `Remove it and add the key to ${ENV}`)],
        });
      } else if ((op.op === '+=' || op.op === 'extend') && isSeq(op.value)) {
        const secrets = op.value.items.map((v) => literalSecretText(ctx, v)).filter((s): s is string => s !== undefined);
        if (!secrets.length) continue;
        ctx.report({
          span: op.value.span,
          message: `Encryption keys for auth_state are written in the config file (${secrets.map(mask).join(', ')}): anyone who can read the file can decrypt users' stored tokens. Read them from ${ENV}`,
          fixes: [removeLineFix(ctx, op, 'unsafe', `Remove it and add the keys to ${ENV}`)],
        });
      }
    }
  },
});
