import { defineRule } from '../../types';
import { isFalse, isTestContext, setValueFix } from '../util';
import { authOps, authTraitApplies, overridden } from './common';

export default defineRule({
  id: 'security/pam-check-account-off',
  title: 'PAM account check turned off',
  severity: 'warning',
  rationale:
    'After the password, PAM also asks whether the account may be used right now: it may be expired, locked, or barred from this service by the system\'s access rules. With `check_account = False` the hub skips that question, so a person whose account was locked or has expired can still log in to the hub and run code as that account.',
  howToFix:
    'Remove the setting or set `check_account = True` (the default). If the check fails for valid users, fix the PAM service configuration (`PAMAuthenticator.service`, usually `login`) rather than turning the check off.',
  docs: [
    { title: 'PAMAuthenticator.check_account', url: 'https://jupyterhub.readthedocs.io/en/stable/reference/api/auth.html#jupyterhub.auth.PAMAuthenticator.check_account' },
  ],
  fix: 'unsafe',
  example: { bad: 'c.PAMAuthenticator.check_account = False', good: 'c.PAMAuthenticator.check_account = True' },
  check(ctx) {
    const ops = authOps(ctx, 'check_account').filter((o) => o.op === '=');
    for (const op of ops) {
      if (!isFalse(op.value) || overridden(op, ops, ctx)) continue;
      if (!(op.cls === 'PAMAuthenticator' || ctx.traits.isSubclass(op.cls, 'PAMAuthenticator') || op.cls === 'Authenticator' || op.cls === 'LocalAuthenticator')) continue;
      if (!authTraitApplies(ctx, op, 'check_account', 'PAMAuthenticator') || isTestContext(ctx, op)) continue;
      ctx.report({
        span: op.value.span,
        message: 'check_account = False lets users log in even when PAM says their account is expired, locked or not allowed here',
        fixes: [setValueFix(op.value.span, 'True', 'unsafe')],
      });
    }
  },
});
