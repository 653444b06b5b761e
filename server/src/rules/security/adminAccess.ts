import { defineRule } from '../types';
import { isTrue, opsFor, removeLineFix } from './util';

export default defineRule({
  id: 'security/admin-access',
  title: 'Admins may act inside users\' servers',
  severity: 'warning',
  rationale:
    'With `admin_access` on, every admin can open every user\'s server and act as that user: read their files and secrets, run code in their name. Since JupyterHub 2.0 the same power is the `access:servers` scope, which the admin role already holds, so the flag mostly marks an intent that deserves a second look; on older hubs it is what grants the power.',
  howToFix: 'Remove the setting (the default is off). Grant server access to the few people who need it through a role with filtered `access:servers` scopes instead.',
  docs: [{ title: 'Web security: admin access', url: 'https://jupyterhub.readthedocs.io/en/stable/explanation/websecurity.html' }],
  fix: 'unsafe',
  example: { bad: 'c.JupyterHub.admin_access = True', good: '# (not set: the default is False)' },
  check(ctx) {
    for (const op of opsFor(ctx, 'JupyterHub', 'admin_access')) {
      if (op.op !== '=' || !isTrue(op.value)) continue;
      ctx.report({ span: op.value.span, message: 'admin_access lets every admin act as any user inside their server', fixes: [removeLineFix(ctx, op, 'unsafe')] });
    }
  },
});
