import { defineRule } from '../types';
import type { Value } from '../../model/types';
import { roleName, roleSpecOf } from '../../rbac/config';
import { expandScopes } from '../../rbac/expand';
import { splitScope } from '../../rbac/scopes';
import { DOCS, pyRepr, rbac } from './util';
import { cullerCommand } from './cullerScopes';

/**
 * Scopes that, written unfiltered, say the service watches every user's activity or servers: such a
 * service walks the user list. (Services that act on users they are told about, like BinderHub with
 * `servers` and `read:users`, do not need to list them.)
 */
const WATCHES_ALL = new Set(['read:users:activity', 'read:servers']);

export default defineRule({
  id: 'rbac/service-cannot-list-users',
  title: 'Service that acts on all users but cannot list them',
  severity: 'information',
  rationale:
    'Since JupyterHub 2.0 listing users (`GET /hub/api/users`) needs `list:users`, a scope of its own: `read:users`, `read:servers` or `admin:servers` do not include it. A service given `read:users:activity` or `read:servers` for every user (no filter) watches all users, which starts by fetching the user list, and that gets 403: dashboards stay empty, home-made cullers never cull. Information only: the rule cannot see what the service really requests. (jupyterhub-idle-culler is judged by rbac/culler-missing-scopes.)',
  howToFix: 'Add `list:users` to the service\'s role (with the same filter, if any), or use `users`, which includes it.',
  docs: [DOCS.availableScopes, DOCS.services],
  fix: 'unsafe',
  example: {
    bad: 'c.JupyterHub.load_roles = [{"name": "usage-dashboard", "scopes": ["read:servers"], "services": ["dashboard"]}]',
    good: 'c.JupyterHub.load_roles = [{"name": "usage-dashboard", "scopes": ["list:users", "read:servers"], "services": ["dashboard"]}]',
  },
  check(ctx) {
    const r = rbac(ctx);
    if (!r || r.cfg.rolesTrait.unknown) return;
    const seq = (v: Value | undefined) => (v && (v.kind === 'list' || v.kind === 'tuple' || v.kind === 'set') ? v.items : undefined);
    // services judged elsewhere (cullers) or holding everything (admin: True)
    const skip = new Set<string>();
    for (const it of r.cfg.services.items) {
      const spec = roleSpecOf(it, 0);
      const n = spec?.keys.get('name')?.value;
      if (!spec || n?.kind !== 'str') continue;
      const admin = spec.keys.get('admin')?.value;
      if (cullerCommand(spec.keys.get('command')?.value) || (admin && !(admin.kind === 'bool' && !admin.value) && admin.kind !== 'none')) skip.add(n.value);
    }
    const held = new Map<string, { scopes: string[]; first?: Value; unknown: boolean }>();
    for (const role of r.cfg.roles) {
      const members = seq(role.keys.get('services')?.value);
      if (!members) continue;
      const scopes = seq(role.keys.get('scopes')?.value);
      const isAdmin = roleName(role) === 'admin';
      for (const m of members) {
        if (m.kind !== 'str') continue;
        const h = held.get(m.value) ?? { scopes: [], unknown: false };
        held.set(m.value, h);
        if (isAdmin) h.unknown = true; // holds everything
        else if (!scopes) h.unknown = h.unknown || !!role.keys.get('scopes');
        else
          for (const s of scopes) {
            if (s.kind !== 'str') h.unknown = true;
            else {
              h.scopes.push(s.value);
              const p = splitScope(s.value);
              if (!h.first && !p.hasBang && WATCHES_ALL.has(p.base)) h.first = s;
            }
          }
      }
    }
    for (const [name, h] of held) {
      if (skip.has(name) || h.unknown || !h.first || h.scopes.some((s) => s.startsWith('custom:'))) continue;
      const expanded = expandScopes(h.scopes, r.b.table);
      if (expanded.some((s) => splitScope(s).base === 'list:users')) continue;
      const at = h.first as Extract<Value, { kind: 'str' }>;
      const q = ctx.model.text[at.span.start] === "'" ? "'" : '"';
      ctx.report({
        span: at.span,
        message: `Service ${pyRepr(name)} gets ${JSON.stringify(at.value)} for every user but no role gives it list:users: fetching the user list (GET /hub/api/users) answers 403`,
        fixes: ctx.model.kind === 'jupyterhub_config' ? [{ title: 'Add "list:users"', applicability: 'unsafe', edits: [{ span: { start: at.span.start, end: at.span.start }, newText: `${q}list:users${q}, ` }] }] : [],
      });
    }
  },
});
