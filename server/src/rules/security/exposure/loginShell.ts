import type { Value } from '../../../model/types';
import { defineRule } from '../../types';
import { byTrust, removeLineFix } from '../util';
import { isSeq, isSpawnerClass, isTest } from './common';

const SHELLS = /^(sh|bash|zsh|ksh|mksh|dash|ash|fish|tcsh|csh|yash)$/;

/** The argument of a launch command that makes it read user shell startup files, or undefined. */
export function loginFlag(args: string[]): number | undefined {
  let first = 0;
  if (args[0]?.split('/').pop() === 'env') first = 1;
  if (first >= args.length) return undefined;
  const prog = args[first].split('/').pop() ?? '';
  for (let i = first + 1; i < args.length; i++) {
    const a = args[i];
    if (SHELLS.test(prog)) {
      if (a === '--login' || a === '-l' || a === '-i' || a === '--interactive') return i;
      if (/^-[a-zA-Z]+$/.test(a) && /[li]/.test(a.slice(1))) return i;
      if (a === '-c') return undefined;
    } else if (prog === 'sudo' && (a === '-i' || a === '--login' || /^-[a-zA-Z]*i[a-zA-Z]*$/.test(a))) return i;
    else if ((prog === 'su' || prog === 'runuser') && (a === '-' || a === '-l' || a === '--login')) return i;
  }
  return undefined;
}

export default defineRule({
  id: 'security/login-shell',
  title: 'Servers launched through a login shell',
  severity: 'warning',
  fix: 'unsafe',
  rationale:
    'A login or interactive shell runs the user\'s own startup files (`~/.bash_profile`, `~/.bashrc`, `~/.profile`) before the single-user server starts. The user then decides `PATH`, `PYTHONPATH` and other variables, and so which program actually runs as their server and with what settings; the hub\'s protections for that server are only as strong as the user\'s goodwill. Upstream asks spawners not to evaluate shell configuration files, and the `shell_cmd` help limits it to trusted users.',
  howToFix:
    'Remove `shell_cmd` (the default starts the server directly). Set the environment the server needs with `Spawner.environment`, or a site-wide wrapper script that users cannot change.',
  docs: [
    { title: 'Web security: prevent spawners from evaluating shell configuration files', url: 'https://jupyterhub.readthedocs.io/en/stable/explanation/websecurity.html#prevent-spawners-from-evaluating-shell-configuration-files' },
    { title: 'LocalProcessSpawner.shell_cmd', url: 'https://jupyterhub.readthedocs.io/en/stable/reference/api/spawner.html' },
  ],
  example: { bad: 'c.LocalProcessSpawner.shell_cmd = ["bash", "-l", "-c"]', good: '# (not set: the server is started without a shell)' },
  check(ctx) {
    const severity = byTrust(ctx, 'warning', 'information');
    if (!severity) return;
    for (const op of ctx.model.ops) {
      if (op.trait !== 'shell_cmd' || op.op !== '=' || !isSpawnerClass(ctx, op.cls)) continue;
      if (isTest(ctx, op)) continue;
      let items: Value[];
      if (isSeq(op.value)) items = op.value.items;
      else if (op.value.kind === 'str') items = [op.value];
      else continue;
      if (items.some((i) => i.kind !== 'str')) continue;
      const strs = items as Extract<Value, { kind: 'str' }>[];
      const args = isSeq(op.value) ? strs.map((s) => s.value) : strs[0].value.trim().split(/\s+/);
      const at = loginFlag(args);
      if (at === undefined) continue;
      ctx.report({
        span: isSeq(op.value) ? strs[at].span : op.value.span,
        severity,
        message: `${op.cls}.shell_cmd starts each server through a login or interactive shell (${args[at]}), which runs the user's own shell startup files first: users can then change what their server runs and how. Remove shell_cmd`,
        fixes: [removeLineFix(ctx, op, 'unsafe')],
      });
    }
  },
});
