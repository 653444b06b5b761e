import { defineRule, type Fix } from '../types';
import type { Value } from '../../model/types';
import { DOCS, fix, pyRepr, pyStr, quoteOf, rbac, roleLabel, src } from './util';
import { duplicateNames, memberLists, usernameProblem } from './members';
import type { RuleContext } from '../types';

function listFixes(ctx: RuleContext, v: Extract<Value, { kind: 'str' }>): Fix[] {
  const parts = v.value.split(/[\s,]+/).filter(Boolean);
  const wrap = fix(`Wrap in a list: [${src(ctx, v.span)}]`, 'safe', [{ span: v.span, newText: `[${src(ctx, v.span)}]` }]);
  if (parts.length > 1) {
    const q = quoteOf(ctx, v);
    return [fix(`Split into a list of ${parts.length}`, 'unsafe', [{ span: v.span, newText: `[${parts.map((p) => pyStr(p, q)).join(', ')}]` }]), { ...wrap, applicability: 'suggestion' }];
  }
  return [wrap];
}

export default defineRule({
  id: 'rbac/string-instead-of-list',
  title: 'A string where a role expects a list',
  severity: 'warning',
  rationale:
    'JupyterHub iterates `scopes`, `users`, `groups` and `services` of a role with a `for` loop, and a Python string iterates character by character. `"scopes": "self"` asks for the scopes `s`, `e`, `l`, `f` and the hub does not start. `"users": "alice"` quietly creates and empowers the users `a`, `l`, `i`, `c` and `e`; a repeated letter (`"bob"`) assigns one member twice and the hub stops with a database IntegrityError, and a `services` string names services that do not exist.',
  howToFix: 'Write a list: `["self"]`, `["alice"]`. The quick fix wraps the string (or splits it at commas and spaces when it lists several names).',
  docs: [DOCS.roleDefinition],
  fix: 'safe',
  example: { bad: 'c.JupyterHub.load_roles = [{"name": "monitor", "scopes": "read:metrics", "users": "grafana"}]', good: 'c.JupyterHub.load_roles = [{"name": "monitor", "scopes": ["read:metrics"], "users": ["grafana"]}]' },
  check(ctx) {
    const r = rbac(ctx);
    if (!r) return;
    for (const role of r.cfg.roles) {
      const e = role.keys.get('scopes');
      if (e && e.value.kind === 'str' && e.value.value) {
        const v = e.value;
        ctx.report({ span: v.span, severity: 'error', message: `"scopes" of ${roleLabel(role)} is a string, so JupyterHub checks each character as a scope (${pyRepr([...v.value][0])} first): the hub will not start`, fixes: listFixes(ctx, v) });
      }
    }
    for (const ml of memberLists(ctx, r)) {
      if (ml.form !== 'string') continue;
      const v = ml.entry.value;
      if (v.kind !== 'str' || !v.value) continue;
      const chars = ml.members.map((m) => m.name!);
      const shown = [...new Set(chars)].slice(0, 6).map((c) => pyRepr(c)).join(', ');
      let fatal: string | undefined;
      if (duplicateNames(ml).size) fatal = `the letter ${pyRepr([...duplicateNames(ml).keys()][0])} repeats, so JupyterHub assigns the same member twice and the hub stops with an IntegrityError`;
      else if (ml.kind === 'users') {
        const bad = chars.find((c) => usernameProblem(c, r.b.release));
        if (bad !== undefined) fatal = `${pyRepr(bad)} is not a valid username, so the hub will not start`;
      } else if (ml.kind === 'services' && r.cfg.serviceNamesKnown) {
        const missing = chars.find((c) => !r.cfg.serviceNames.has(c));
        if (missing !== undefined) fatal = `there is no service ${pyRepr(missing)}, so the hub will not start`;
      }
      const what = ml.kind === 'users' ? 'users' : ml.kind === 'groups' ? 'groups' : 'services';
      ctx.report({
        span: v.span,
        severity: fatal ? 'error' : 'warning',
        message: `"${ml.kind}" of ${roleLabel(ml.role)} is a string, so JupyterHub takes each character as a name and gives the role to the ${what} ${shown}${fatal ? `: ${fatal}` : ''}`,
        fixes: listFixes(ctx, v),
      });
    }
  },
});
