import { defineRule } from '../types';
import { roleName, truthy } from '../../rbac/config';
import { splitScope } from '../../rbac/scopes';
import { DOCS, pyRepr, rbac, roleLabel } from './util';

const ACCESS = ['access:servers', 'shares'];
const START = ['servers', 'start:servers'];

export default defineRule({
  id: 'rbac/unfiltered-server-access',
  title: 'Access to every server for ordinary users on one origin',
  severity: 'warning',
  rationale:
    'An unfiltered `access:servers` (or `shares`, which includes it) lets its holders open every user\'s server. Without `c.JupyterHub.subdomain_host` all servers share the hub\'s origin, so a user whose server such a holder visits can serve them a page that acts with the holder\'s credentials in every other server on that origin: one careless click spreads access across all users. An unfiltered `servers` (or 6.0\'s `start:servers`) lets its holders start anyone\'s server with options they choose, and that server then runs with its owner\'s token on the same origin. Granting these to ordinary users or groups is rarely meant.',
  howToFix: 'Filter the scope (`access:servers!group=course-101`, `access:servers!user=ada`), keep it to admins, or give each user their own origin with `c.JupyterHub.subdomain_host`.',
  docs: [DOCS.subdomains, DOCS.availableScopes],
  example: {
    bad: 'c.JupyterHub.load_roles = [{"name": "tas", "scopes": ["access:servers"], "groups": ["tas"]}]',
    good: 'c.JupyterHub.load_roles = [{"name": "tas", "scopes": ["access:servers!group=course-101"], "groups": ["tas"]}]',
  },
  check(ctx) {
    const r = rbac(ctx);
    if (!r) return;
    const sh = r.cfg.subdomainHost;
    if (sh.set && !(sh.certain && sh.value === '')) return;
    for (const role of r.cfg.roles) {
      const name = roleName(role);
      if (name === undefined || name === 'admin') continue;
      const hasMembers = name === 'user' || ['users', 'groups'].some((k) => {
        const e = role.keys.get(k);
        return e !== undefined && truthy(e.value) !== false;
      });
      if (!hasMembers) continue;
      const e = role.keys.get('scopes');
      if (!e || (e.value.kind !== 'list' && e.value.kind !== 'tuple' && e.value.kind !== 'set')) continue;
      for (const v of e.value.items) {
        if (v.kind !== 'str') continue;
        const { base, filter } = splitScope(v.value);
        if (filter) continue;
        if (START.includes(base)) {
          ctx.report({
            span: v.span,
            message: `${roleLabel(role)} grants unfiltered ${pyRepr(base)} to ${name === 'user' ? 'every user' : 'its members'}: they can start any user's server with options they choose, and without c.JupyterHub.subdomain_host that server shares the hub's origin with everyone else's`,
          });
          continue;
        }
        if (!ACCESS.includes(base)) continue;
        ctx.report({
          span: v.span,
          message: `${roleLabel(role)} grants unfiltered ${pyRepr(base)}${base === 'shares' ? ' (which includes access:servers)' : ''} to ${name === 'user' ? 'every user' : 'its members'}, and without c.JupyterHub.subdomain_host all servers share one origin: a server they open can act as them in every other server`,
        });
      }
    }
  },
});
