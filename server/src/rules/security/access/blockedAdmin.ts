import type { TraitOp, Value } from '../../../model/types';
import { defineRule } from '../../types';
import { authOps, literalItems } from './common';
import { opsFor } from '../util';

/** Literal string names of a set/list value. */
function names(v: Value): { name: string; value: Value }[] {
  return (literalItems(v) ?? []).filter((i): i is Extract<Value, { kind: 'str' }> => i.kind === 'str').map((i) => ({ name: i.value, value: i }));
}

/** Names an op adds (`= {...}`, `|= {...}`, `.update(...)`, `.add("x")`); removals and expressions add none. */
function added(op: TraitOp): { name: string; value: Value }[] {
  if (op.op === '-=') return [];
  if (op.value.kind === 'str' && op.op !== '=') return [{ name: op.value.value, value: op.value }];
  return names(op.value);
}

export default defineRule({
  id: 'security/blocked-admin',
  title: 'An admin is also blocked and cannot log in',
  severity: 'warning',
  rationale:
    'JupyterHub checks `blocked_users` before anything else: a blocked name is turned away even when `admin_users` lists it. A name in both lists is a leftover (someone was blocked, or made admin, and the other list was not updated): that admin cannot log in, and if it is the only admin the hub has nobody to manage it from the web.',
  howToFix: 'Remove the name from one of the two lists: from `blocked_users` if the person should administer the hub, from `admin_users` if they should not get in.',
  docs: [
    { title: 'Authenticator.blocked_users', url: 'https://jupyterhub.readthedocs.io/en/stable/reference/api/auth.html#jupyterhub.auth.Authenticator.blocked_users' },
    { title: 'Authenticator.admin_users', url: 'https://jupyterhub.readthedocs.io/en/stable/reference/api/auth.html#jupyterhub.auth.Authenticator.admin_users' },
  ],
  example: {
    bad: 'c.Authenticator.admin_users = {"alice", "bob"}\nc.Authenticator.blocked_users = {"bob"}',
    good: 'c.Authenticator.admin_users = {"alice"}\nc.Authenticator.blocked_users = {"bob"}',
  },
  check(ctx) {
    // in file order: a plain assignment replaces what came before, `-=` takes names out
    const collect = (ops: TraitOp[]) => {
      const m = new Map<string, Value>();
      for (const op of ops) {
        if (op.conditional) continue;
        if (op.op === '=') m.clear();
        if (op.op === '-=') for (const n of names(op.value)) m.delete(n.name);
        for (const n of added(op)) if (!m.has(n.name)) m.set(n.name, n.value);
      }
      return m;
    };
    const byPos = (a: TraitOp, b: TraitOp) => a.span.start - b.span.start;
    const admins = collect([...authOps(ctx, 'admin_users'), ...opsFor(ctx, 'JupyterHub', 'admin_users')].sort(byPos));
    if (!admins.size) return;
    for (const [name, value] of collect(authOps(ctx, 'blocked_users'))) {
      if (!admins.has(name)) continue;
      ctx.report({ span: value.span, message: `"${name}" is in admin_users and in blocked_users: blocked users are turned away first, so this admin cannot log in` });
    }
  },
});
