import { defineRule } from '../types';
import { roleName } from '../../rbac/config';
import { DOCS, fix, rbac, roleLabel, show } from './util';

export default defineRule({
  id: 'rbac/invalid-role-value',
  title: 'Role scopes or description of a type the hub cannot store',
  severity: 'error',
  rationale:
    'JupyterHub stores a role\'s `scopes` and `description` in its database as given. `scopes` must be a list (JupyterHub 5.0+ also takes a tuple or set): before 5.0 a tuple or set, and in every version a dict, cannot be written to the database and the hub stops with a ProgrammingError. `None`, a number or a boolean is stored once, but the next start fails when JupyterHub compares the role with the stored one (TypeError), and an empty string cannot be read back as JSON. A `description` that is a list or dict cannot be stored either.',
  howToFix: 'Write `scopes` as a list of scope strings (`"scopes": ["self"]`) and `description` as a string.',
  docs: [DOCS.roleDefinition],
  fix: 'unsafe',
  example: { bad: 'c.JupyterHub.load_roles = [{"name": "tas", "scopes": ("read:users",), "groups": ["tas"]}]', good: 'c.JupyterHub.load_roles = [{"name": "tas", "scopes": ["read:users"], "groups": ["tas"]}]' },
  check(ctx) {
    const r = rbac(ctx);
    if (!r) return;
    for (const role of r.cfg.roles) {
      const name = roleName(role);
      const e = role.keys.get('scopes');
      if (e && name !== 'admin') {
        const v = e.value;
        const label = roleLabel(role);
        let why: string | undefined;
        if ((v.kind === 'tuple' || v.kind === 'set') && !r.b.storesTuplesAndSets) why = `a ${v.kind} cannot be stored in the roles table before JupyterHub 5.0, so the hub will not start`;
        else if (v.kind === 'dict') why = 'a dict cannot be stored in the roles table, so the hub will not start';
        else if (v.kind === 'none') why = 'the role is stored once, but every later start fails with TypeError when JupyterHub compares it with the stored role';
        else if (v.kind === 'int' || v.kind === 'float' || v.kind === 'bool') why = v.value ? 'JupyterHub cannot iterate it, so the hub will not start' : 'the role is stored once, but every later start fails with TypeError when JupyterHub compares it with the stored role';
        else if (v.kind === 'str' && v.value === '') why = 'an empty string cannot be read back from the database as JSON, so the hub will not start';
        if (why) {
          const items = v.kind === 'tuple' || v.kind === 'set' ? v.items : v.kind === 'dict' ? v.entries.map((x) => x.key) : [];
          const newText = `[${items.map((i) => ctx.model.text.slice(i.span.start, i.span.end)).join(', ')}]`;
          ctx.report({ span: v.span, message: `"scopes": ${show(ctx, v)} in ${label} is not a list: ${why}`, fixes: [fix(`Write ${newText.length > 40 ? 'a list' : newText}`, v.kind === 'tuple' ? 'safe' : 'unsafe', [{ span: v.span, newText }])] });
        }
      }
      const d = role.keys.get('description');
      if (d && ['list', 'tuple', 'set', 'dict'].includes(d.value.kind) && name !== 'admin') {
        ctx.report({ span: d.value.span, message: `"description" of ${roleLabel(role)} is a ${d.value.kind}: it cannot be stored in the roles table, so the hub will not start` });
      }
    }
  },
});
