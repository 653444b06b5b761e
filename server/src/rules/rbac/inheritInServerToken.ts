import { defineRule } from '../types';
import { roleName } from '../../rbac/config';
import { splitScope } from '../../rbac/scopes';
import { DOCS, rbac, scopeSources } from './util';

export default defineRule({
  id: 'rbac/inherit-in-server-token',
  title: '"inherit" in the server token',
  severity: 'warning',
  rationale:
    'The token a single-user server receives is made from the `server` role (or from `Spawner.server_token_scopes`, 4.0+). With `inherit` it carries everything its owner may do, so anything running in the server, including code from a notebook someone shared, can act with the owner\'s full power through the hub API; for an admin that is the whole hub. The default only lets the server report activity and reach itself.',
  howToFix: 'List only what the server needs, e.g. `["users:activity!user", "access:servers!server"]`, plus specific scopes your extensions use.',
  docs: [DOCS.serverToken, DOCS.defaultRoles],
  example: { bad: 'c.Spawner.server_token_scopes = ["inherit"]', good: 'c.Spawner.server_token_scopes = ["users:activity!user", "access:servers!server"]' },
  check(ctx) {
    const r = rbac(ctx);
    if (!r) return;
    for (const role of r.cfg.roles) {
      if (roleName(role) !== 'server') continue;
      const e = role.keys.get('scopes');
      if (!e || (e.value.kind !== 'list' && e.value.kind !== 'tuple' && e.value.kind !== 'set')) continue;
      for (const v of e.value.items) {
        if (v.kind === 'str' && splitScope(v.value).base === 'inherit') ctx.report({ span: v.span, message: 'The server role holds "inherit": every single-user server token can do everything its owner can (an admin\'s server can administer the hub)' });
      }
    }
    for (const s of scopeSources(ctx, r)) {
      if (s.kind !== 'server_token_scopes') continue;
      for (const v of s.items) {
        if (v.kind === 'str' && splitScope(v.value).base === 'inherit') ctx.report({ span: v.span, message: `${s.where} holds "inherit": every single-user server token can do everything its owner can (an admin's server can administer the hub)` });
      }
    }
  },
});
