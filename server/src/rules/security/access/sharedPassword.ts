import type { TraitOp, Value } from '../../../model/types';
import { defineRule, type Fix } from '../../types';
import { envFix, isLiteralSecret, isTestContext, mask } from '../util';
import { authOps, authTraitApplies, runningAuthenticator } from './common';

const USER_MIN = 8;
const ADMIN_MIN = 32;

type Str = Extract<Value, { kind: 'str' }>;

/** The last `=` of a trait on SharedPasswordAuthenticator (or a subclass) whose value is a literal secret. */
function lastLiteral(ops: TraitOp[]): Str | undefined {
  const last = ops.filter((o) => o.op === '=').pop();
  return last && isLiteralSecret(last.value) ? last.value : undefined;
}

export default defineRule({
  id: 'security/shared-password',
  title: 'Shared login password written in the config, too short, or reused for admins',
  severity: 'error',
  rationale:
    'With `SharedPasswordAuthenticator` (and the older `DummyAuthenticator.password`) one password lets anyone log in as any non-admin user, so it is the whole of the hub\'s protection. Written in the config it travels with every copy of the file. JupyterHub itself refuses to start when the user password is shorter than 8 characters, the admin password shorter than 32, or both are the same.',
  howToFix:
    'Read the passwords from environment variables (the quick fix does that; set the variable before restarting). Use a user password of at least 8 characters and a different admin password of at least 32 characters, for example from `openssl rand -hex 32`. For anything beyond a short workshop, use a real authenticator.',
  docs: [
    { title: 'SharedPasswordAuthenticator', url: 'https://jupyterhub.readthedocs.io/en/stable/reference/api/auth.html#jupyterhub.authenticators.shared.SharedPasswordAuthenticator' },
    { title: 'Shared Password Authenticator', url: 'https://jupyterhub.readthedocs.io/en/stable/reference/authenticators.html#shared-password-authenticator' },
  ],
  fix: 'unsafe',
  example: {
    bad: 'c.JupyterHub.authenticator_class = "shared-password"\nc.SharedPasswordAuthenticator.user_password = "workshop"',
    good: 'import os\n\nc.JupyterHub.authenticator_class = "shared-password"\nc.SharedPasswordAuthenticator.user_password = os.environ["JUPYTERHUB_USER_PASSWORD"]',
  },
  check(ctx) {
    // is SharedPasswordAuthenticator (or a subclass) the authenticator that will run? (undefined: cannot tell)
    const running = runningAuthenticator(ctx);
    const sharedRuns = !running || running.name === 'SharedPasswordAuthenticator' || ctx.traits.isSubclass(running.name, 'SharedPasswordAuthenticator');
    const onShared = (trait: string) => authOps(ctx, trait).filter((o) => (o.cls === 'SharedPasswordAuthenticator' || ctx.traits.isSubclass(o.cls, 'SharedPasswordAuthenticator')) && authTraitApplies(ctx, o));
    const userOps = onShared('user_password');
    const adminOps = onShared('admin_password');
    const userPw = lastLiteral(userOps);
    const adminPw = lastLiteral(adminOps);

    const report = (op: TraitOp, v: Str, what: string, env: string, problems: string[]) => {
      if (isTestContext(ctx, op)) return;
      const fixes: Fix[] = [envFix(ctx, v.span, env)];
      const head = `${what} is written in the config file (${mask(v.value)})`;
      ctx.report({
        span: v.span,
        message: problems.length ? `${head} and ${problems.join(' and ')}. Read a new one from the environment` : `${head}: anyone who can read the file can log in. Read it from the environment`,
        fixes,
      });
    };
    const effective = (op: TraitOp, ops: TraitOp[]) => sharedRuns && (op.conditional || op === ops.filter((o) => o.op === '=').pop());

    for (const op of userOps) {
      if (op.op !== '=' || !isLiteralSecret(op.value)) continue;
      const v = op.value;
      const problems: string[] = [];
      if (effective(op, userOps) && v.value.length < USER_MIN) problems.push(`is too short: JupyterHub refuses to start with a user password under ${USER_MIN} characters`);
      if (effective(op, userOps) && adminPw && adminPw.value === v.value) problems.push('is the same as admin_password, which JupyterHub refuses');
      report(op, v, 'The shared user password', 'JUPYTERHUB_USER_PASSWORD', problems);
    }
    for (const op of adminOps) {
      if (op.op !== '=' || !isLiteralSecret(op.value)) continue;
      const v = op.value;
      const problems: string[] = [];
      if (effective(op, adminOps) && v.value.length < ADMIN_MIN) problems.push(`is too short: JupyterHub refuses to start with an admin password under ${ADMIN_MIN} characters`);
      if (effective(op, adminOps) && userPw && userPw.value === v.value) problems.push('is the same as user_password, which JupyterHub refuses');
      report(op, v, 'The shared admin password', 'JUPYTERHUB_ADMIN_PASSWORD', problems);
    }
    // password_groups (5.5+): the keys are passwords
    let n = 0;
    for (const op of onShared('password_groups')) {
      const keys: Value[] = op.op === 'item=' && op.key ? [op.key] : op.value.kind === 'dict' && (op.op === '=' || op.op === 'update' || op.op === '|=') ? op.value.entries.map((e) => e.key) : [];
      for (const k of keys) {
        n++;
        if (!isLiteralSecret(k) || isTestContext(ctx, op)) continue;
        ctx.report({
          span: k.span,
          message: `A group password is written in the config file (${mask(k.value)}): anyone who can read the file can log in with it. Read it from the environment`,
          fixes: [envFix(ctx, k.span, `JUPYTERHUB_GROUP_PASSWORD_${n}`)],
        });
      }
    }
    // DummyAuthenticator.password (1.0+; deprecated in 5.3)
    for (const op of authOps(ctx, 'password')) {
      if (!(op.cls === 'DummyAuthenticator' || ctx.traits.isSubclass(op.cls, 'DummyAuthenticator')) || !authTraitApplies(ctx, op)) continue;
      if (op.op !== '=' || !isLiteralSecret(op.value) || isTestContext(ctx, op)) continue;
      const v = op.value;
      ctx.report({
        span: v.span,
        message: `The DummyAuthenticator password is written in the config file (${mask(v.value)}): with it anyone can log in as anyone. Read it from the environment`,
        fixes: [envFix(ctx, v.span, 'JUPYTERHUB_DUMMY_PASSWORD')],
      });
    }
  },
});
