import { defineRule, type Fix } from '../../types';
import { envFix, isPlaceholder, mask } from '../util';
import { contentStart, liveOps, withOsImport } from './common';

/** scheme://user:password@rest */
const URL_WITH_PASSWORD = /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)([^:@/?#]*):([^@/?#]*)@(.*)$/s;

export default defineRule({
  id: 'security/db-password-in-url',
  scope: 'file',
  title: 'Database password inside db_url',
  severity: 'error',
  fix: 'unsafe',
  rationale:
    'The hub database holds users, roles, API token hashes, OAuth state and, with `enable_auth_state`, encrypted user credentials. A password embedded in `db_url` is as exposed as the config file itself, and the URL also turns up in logs and error reports. Whoever can reach the database server with it can read or rewrite who is allowed to do what on the hub.',
  howToFix:
    'Keep the password out of the file. For PostgreSQL, drop it from the URL and set `PGPASSWORD` in the hub\'s environment, as the JupyterHub database docs suggest. Otherwise build the URL from an environment variable: the quick fixes do either, or read the whole URL from `JUPYTERHUB_DB_URL`. A password with `@`, `:` or `/` in it must be URL-encoded (`urllib.parse.quote`). Change the database password afterwards.',
  docs: [
    { title: 'The hub database: PostgreSQL', url: 'https://jupyterhub.readthedocs.io/en/stable/explanation/database.html' },
    { title: 'JupyterHub.db_url', url: 'https://jupyterhub.readthedocs.io/en/stable/reference/api/app.html' },
  ],
  example: {
    bad: 'c.JupyterHub.db_url = "postgresql://jupyterhub:s3cretpassw0rd@db.internal:5432/jupyterhub"',
    good: '# password in $PGPASSWORD\nc.JupyterHub.db_url = "postgresql://jupyterhub@db.internal:5432/jupyterhub"',
  },
  check(ctx) {
    for (const op of liveOps(ctx, 'JupyterHub', 'db_url')) {
      if (op.op !== '=' || op.value.kind !== 'str') continue;
      const v = op.value;
      const m = URL_WITH_PASSWORD.exec(v.value);
      if (!m) continue;
      const [, scheme, user, password, rest] = m;
      if (!password || isPlaceholder(password) || /^\$\{?\w+\}?$/.test(password)) continue;
      // point at the password itself when the literal spells it plainly
      const cs = contentStart(ctx, v);
      const at = cs !== undefined ? cs + scheme.length + user.length + 1 : undefined;
      const span = at !== undefined ? { start: at, end: at + password.length } : v.span;
      const fixes: Fix[] = [];
      const isPostgres = /^postgres(ql)?(\+\w+)?:\/\/$/i.test(scheme);
      if (isPostgres && at !== undefined) {
        fixes.push({ title: 'Remove the password from the URL (set PGPASSWORD in the hub\'s environment)', applicability: 'unsafe', edits: [{ span: { start: at - 1, end: at + password.length }, newText: '' }] });
      }
      if (!/["'\\{}\n\r]/.test(scheme + user + rest)) {
        fixes.push({
          title: 'Read the password from the environment variable JUPYTERHUB_DB_PASSWORD',
          applicability: 'unsafe',
          edits: withOsImport(ctx, [{ span: v.span, newText: `f"${scheme}${user}:{os.environ['JUPYTERHUB_DB_PASSWORD']}@${rest}"` }]),
        });
      }
      fixes.push(envFix(ctx, v.span, 'JUPYTERHUB_DB_URL'));
      ctx.report({
        span,
        message: `JupyterHub.db_url contains the database password (${mask(password)}): anyone who can read the config file can log in to the hub database. Take it from the environment`,
        fixes,
      });
    }
  },
});
