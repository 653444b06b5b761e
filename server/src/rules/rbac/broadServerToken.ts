import { defineRule } from '../types';
import { roleName } from '../../rbac/config';
import { atLeast } from '../../rbac/catalog';
import { expandScope } from '../../rbac/expand';
import { splitScope } from '../../rbac/scopes';
import type { Value } from '../../model/types';
import { DOCS, rbac, scopeSources } from './util';

/** Scopes that, unfiltered, reach other users' resources or the hub itself. */
const HUB_WIDE = new Set(['servers', 'access:servers', 'delete:servers', 'users', 'delete:users', 'tokens', 'groups', 'shares', 'proxy', 'shutdown', 'access:services']);

/** Why a scope in a server token is more than a server needs; undefined when it is fine. */
export function serverTokenExcess(scope: string, r: NonNullable<ReturnType<typeof rbac>>): string | undefined {
  const { base, filter, hasBang } = splitScope(scope);
  if (base === 'inherit') return undefined; // rbac/inherit-in-server-token
  if (base === 'self') return 'carries all of its owner\'s user rights: it can start and stop the owner\'s servers and create new tokens that carry everything the owner may do';
  if (!r.b.table.has(base)) return undefined;
  const expanded = expandScope(scope, r.b.table);
  const unfiltered = !hasBang || filter === '';
  if (expanded.some((s) => s.startsWith('admin:') && !s.includes('!')) || (unfiltered && base.startsWith('admin'))) return 'gives every server token of an admin hub-wide administration';
  if (expanded.some((s) => splitScope(s).base === 'tokens') && (unfiltered || filter === 'user')) return 'lets code in the server create new tokens for its owner, which carry everything the owner may do';
  if (unfiltered && HUB_WIDE.has(base)) return 'is not filtered: the token of an admin\'s (or any privileged user\'s) server can use it on every user';
  return undefined;
}

export default defineRule({
  id: 'rbac/broad-server-token',
  title: 'Server token with more than a server needs',
  severity: 'warning',
  rationale:
    'Every single-user server receives a token made from the `server` role (from JupyterHub 4.0, `Spawner.server_token_scopes` can replace it). Any code running in the server (a notebook someone shared, an extension) can read that token from the environment. The default only lets the server report activity and let its owner in (`users:activity!user`, `access:servers!server`). `self` or `tokens` there hands every server its owner\'s full rights, because the server can mint new tokens that inherit everything; unfiltered hub-wide scopes give the server of an admin the admin\'s reach. Before 4.0 a scope the owner does not hold also makes the token request, and so the spawn, fail for that owner.',
  howToFix: 'Keep the server token at the default and add only the filtered scopes a server extension really uses (e.g. `read:users:name!user`). Run jobs that need more as a service with a role of their own.',
  docs: [DOCS.serverToken, DOCS.defaultRoles],
  fix: 'unsafe',
  example: {
    bad: 'c.JupyterHub.load_roles = [{"name": "server", "scopes": ["self"]}]',
    good: 'c.JupyterHub.load_roles = [{"name": "server", "scopes": ["users:activity!user", "access:servers!server", "read:users:name!user"]}]',
  },
  check(ctx) {
    const r = rbac(ctx);
    if (!r) return;
    const report = (v: Value, where: string) => {
      if (v.kind !== 'str') return;
      const why = serverTokenExcess(v.value, r);
      if (!why) return;
      const pre4 = atLeast(r.b.release, '4.0.0') ? '' : ' (and on this version, users who do not hold it cannot start their servers)';
      ctx.report({ span: v.span, message: `${JSON.stringify(v.value)} in ${where} ${why}${pre4}` });
    };
    for (const role of r.cfg.roles) {
      if (roleName(role) !== 'server') continue;
      const e = role.keys.get('scopes');
      const v = e?.value;
      if (!v || (v.kind !== 'list' && v.kind !== 'tuple' && v.kind !== 'set')) continue;
      for (const item of v.items) report(item, 'the server role');
    }
    for (const s of scopeSources(ctx, r)) {
      if (s.kind !== 'server_token_scopes') continue;
      for (const v of s.items) report(v, s.where);
    }
  },
});
