import { defineRule } from '../types';
import { roleName } from '../../rbac/config';
import { splitScope } from '../../rbac/scopes';
import { DOCS, pyRepr, rbac, roleLabel } from './util';
import { memberLists } from './members';

export default defineRule({
  id: 'rbac/group-scope-escalation',
  title: 'groups or admin:groups on groups that carry permissions',
  severity: 'warning',
  rationale:
    'The `groups` scope (and `admin:groups`, which includes it) lets its holder change group membership. When a group is a member of a role, or is the target of a `!group=` filter, adding someone to it hands them that role or those filtered permissions: a holder can grant themselves or anyone else everything the group carries. JupyterHub documents this as intentional, so the risk is in the config.',
  howToFix: 'Filter the scope to groups that carry no roles (`groups!group=project-x`), or grant `read:groups` when the holder only needs to see membership.',
  docs: [DOCS.availableScopes, DOCS.useCases],
  example: {
    bad: 'c.JupyterHub.load_roles = [\n    {"name": "graders", "scopes": ["admin:users"], "groups": ["graders"]},\n    {"name": "tas", "scopes": ["groups"], "groups": ["tas"]},\n]',
    good: 'c.JupyterHub.load_roles = [\n    {"name": "graders", "scopes": ["admin:users"], "groups": ["graders"]},\n    {"name": "tas", "scopes": ["groups!group=course-101"], "groups": ["tas"]},\n]',
  },
  check(ctx) {
    const r = rbac(ctx);
    if (!r) return;
    // groups that carry permissions: role members, and targets of !group= filters
    const carriers = new Map<string, string>();
    for (const ml of memberLists(ctx, r)) {
      if (ml.kind !== 'groups' || ml.form === 'string') continue;
      for (const m of ml.members) if (m.name !== undefined && !carriers.has(m.name)) carriers.set(m.name, `a member of ${roleLabel(ml.role)}`);
    }
    for (const role of r.cfg.roles) {
      const e = role.keys.get('scopes');
      if (!e || (e.value.kind !== 'list' && e.value.kind !== 'tuple' && e.value.kind !== 'set')) continue;
      for (const v of e.value.items) {
        if (v.kind !== 'str') continue;
        const { base, filter } = splitScope(v.value);
        if (filter.startsWith('group=') && !['groups', 'admin:groups'].includes(base)) {
          const g = filter.slice(6);
          if (g && !carriers.has(g)) carriers.set(g, `the target of ${pyRepr(v.value)} in ${roleLabel(role)}`);
        }
      }
    }
    if (!carriers.size) return;
    for (const role of r.cfg.roles) {
      if (roleName(role) === 'admin') continue;
      const e = role.keys.get('scopes');
      if (!e || (e.value.kind !== 'list' && e.value.kind !== 'tuple' && e.value.kind !== 'set')) continue;
      for (const v of e.value.items) {
        if (v.kind !== 'str') continue;
        const { base, filter, hasBang } = splitScope(v.value);
        if (base !== 'groups' && base !== 'admin:groups') continue;
        let affected: string[];
        if (!hasBang || !filter) affected = [...carriers.keys()];
        else if (filter.startsWith('group=')) affected = carriers.has(filter.slice(6)) ? [filter.slice(6)] : [];
        else affected = [];
        if (!affected.length) continue;
        const g = affected[0];
        ctx.report({
          span: v.span,
          message: `${roleLabel(role)} grants ${pyRepr(base)}${hasBang && filter ? ` on group ${pyRepr(g)}` : ''}, so its holders can add anyone to group ${pyRepr(g)} (${carriers.get(g)})${affected.length > 1 ? ` and ${affected.length - 1} other group${affected.length > 2 ? 's' : ''} that carry permissions` : ''} and so hand out those permissions`,
        });
      }
    }
  },
});
