import { defineRule } from '../types';
import type { Value } from '../../model/types';
import { roleName, roleSpecOf } from '../../rbac/config';
import { expandScopes } from '../../rbac/expand';
import { splitScope } from '../../rbac/scopes';
import { DOCS, customDefined, pyRepr, rbac } from './util';

/** How a service's command starts the idle culler, if it does: with or without --cull-users. */
export function cullerCommand(v: Value | undefined): { cullUsers: boolean } | undefined {
  if (!v) return undefined;
  let words: string[];
  if (v.kind === 'str') words = v.value.split(/\s+/);
  else if (v.kind === 'list' || v.kind === 'tuple') {
    if (v.items.some((i) => i.kind !== 'str')) {
      // a command we cannot read fully: only judge it when the culler is named literally
      words = v.items.filter((i) => i.kind === 'str').map((i) => (i as { value: string }).value);
    } else words = v.items.map((i) => (i as { value: string }).value);
  } else return undefined;
  const culler = words.some((w) => /(^|[/\\])jupyterhub[-_]idle[-_]culler(\.py)?$/.test(w) || /(^|[/\\])cull_idle_servers\.py$/.test(w));
  if (!culler) return undefined;
  let cullUsers = false;
  for (const w of words) {
    const m = /^--cull[-_]users(?:=(.*))?$/.exec(w);
    if (m) cullUsers = m[1] === undefined || !/^(false|0|no)$/i.test(m[1]);
  }
  return { cullUsers };
}

export default defineRule({
  id: 'rbac/culler-missing-scopes',
  title: 'Idle culler without the scopes it needs',
  severity: 'warning',
  rationale:
    'Since JupyterHub 2.0 a service can do only what its roles allow (or everything with the deprecated `admin: True`). jupyterhub-idle-culler lists users (`list:users`), reads their activity and servers (`read:users:activity`, `read:servers`) and stops idle servers (`delete:servers`); with `--cull-users` it also deletes users (`admin:users`). A culler without one of these gets 403 from the hub API on every round: the hub runs normally and idle servers are never stopped, which is usually noticed on the cloud bill. A warning, not an error: the hub itself starts (hubcfg keeps errors for what stops it).',
  howToFix: 'Give the culler service a role: `{"name": "jupyterhub-idle-culler-role", "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"], "services": ["jupyterhub-idle-culler"]}` (add `"admin:users"` with `--cull-users`).',
  docs: [DOCS.services, { title: 'jupyterhub-idle-culler: permissions', url: 'https://github.com/jupyterhub/jupyterhub-idle-culler#permissions' }],
  example: {
    bad: 'c.JupyterHub.services = [{"name": "idle-culler", "command": ["python3", "-m", "jupyterhub_idle_culler", "--timeout=3600"]}]',
    good: 'c.JupyterHub.services = [{"name": "idle-culler", "command": ["python3", "-m", "jupyterhub_idle_culler", "--timeout=3600"]}]\nc.JupyterHub.load_roles = [{"name": "idle-culler", "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"], "services": ["idle-culler"]}]',
  },
  check(ctx) {
    const r = rbac(ctx);
    if (!r || r.cfg.rolesTrait.unknown) return;
    const custom = customDefined(r);
    for (const it of r.cfg.services.items) {
      const spec = roleSpecOf(it, 0);
      if (!spec || !spec.keysKnown) continue;
      const nameE = spec.keys.get('name');
      const cmdE = spec.keys.get('command');
      if (nameE?.value.kind !== 'str' || !cmdE) continue;
      const name = nameE.value.value;
      const cmd = cullerCommand(cmdE.value);
      if (!cmd) continue;
      // the chart gives its own culler its role
      if (ctx.model.kind !== 'jupyterhub_config' && name === 'jupyterhub-idle-culler') continue;
      const admin = spec.keys.get('admin');
      if (admin && !(admin.value.kind === 'bool' && !admin.value.value) && admin.value.kind !== 'none') continue;
      // the scopes its roles give it; stop when any role or member list is not a literal
      const held: string[] = [];
      let unknown = false;
      let roles = 0;
      for (const role of r.cfg.roles) {
        const svc = role.keys.get('services');
        if (!svc) continue;
        const sv = svc.value;
        if (sv.kind !== 'list' && sv.kind !== 'tuple' && sv.kind !== 'set') {
          unknown = true;
          continue;
        }
        const members = sv.items;
        if (members.some((m) => m.kind !== 'str')) unknown = true;
        if (!members.some((m) => m.kind === 'str' && m.value === name)) continue;
        roles++;
        const rn = roleName(role);
        if (rn === 'admin') {
          held.push(...(r.b.defaultRoles.admin ?? []));
          continue;
        }
        const sc = role.keys.get('scopes');
        if (!sc) continue;
        const scv = sc.value;
        if (scv.kind !== 'list' && scv.kind !== 'tuple' && scv.kind !== 'set') {
          unknown = true;
          continue;
        }
        for (const s of scv.items) {
          if (s.kind !== 'str') unknown = true;
          else held.push(s.value);
        }
      }
      if (unknown || (custom === undefined && held.some((s) => s.startsWith('custom:')))) continue;
      const expanded = expandScopes(held, r.b.table).map((s) => splitScope(s).base);
      const has = new Set(expanded);
      const need = ['list:users', 'read:users:activity', 'read:servers', 'delete:servers', ...(cmd.cullUsers ? ['admin:users'] : [])];
      const missing = need.filter((s) => !has.has(s));
      if (!missing.length) continue;
      const serious = roles === 0 || ['list:users', 'read:servers', 'delete:servers'].some((x) => missing.includes(x));
      ctx.report({
        span: cmdE.value.span,
        message:
          roles === 0
            ? `Service ${pyRepr(name)} runs jupyterhub-idle-culler but no role in load_roles lists it: the hub answers its requests with 403 and idle servers are never stopped (it needs ${need.join(', ')})`
            : `Service ${pyRepr(name)} runs jupyterhub-idle-culler without ${missing.join(', ')}${cmd.cullUsers && missing.includes('admin:users') ? ' (needed for --cull-users)' : ''}: those requests get 403${serious ? ' and idle servers are never stopped' : ''}`,
      });
    }
  },
});
