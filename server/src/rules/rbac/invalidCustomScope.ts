import { defineRule } from '../types';
import { closest } from '../../util/text';
import { DOCS, fix, pyRepr, rbac, replaceString, scopeSources, show } from './util';
import { splitScope } from '../../rbac/scopes';
import type { DictItem } from '../../rbac/config';

/** Custom scopes whose expansion reaches a cycle (JupyterHub expands subscopes recursively without a visited set), with the loop. */
export function cyclicCustomScopes(items: Map<string, DictItem>): Map<string, string> {
  const subs = new Map<string, string[]>();
  for (const [k, it] of items) {
    if (it.value.kind !== 'dict') continue;
    const e = [...it.value.entries].reverse().find((x) => x.key.kind === 'str' && x.key.value === 'subscopes');
    if (e?.value.kind === 'list') subs.set(k, e.value.items.filter((i) => i.kind === 'str').map((i) => (i as { value: string }).value));
  }
  const out = new Map<string, string>();
  for (const start of subs.keys()) {
    // depth-first search for a cycle reachable from start
    const path: string[] = [];
    const onPath = new Set<string>();
    const done = new Set<string>();
    const visit = (n: string): string | undefined => {
      if (onPath.has(n)) return [...path.slice(path.indexOf(n)), n].join(' → ');
      if (done.has(n)) return undefined;
      onPath.add(n);
      path.push(n);
      for (const s of subs.get(n) ?? []) {
        const c = visit(s);
        if (c) return c;
      }
      path.pop();
      onPath.delete(n);
      done.add(n);
      return undefined;
    };
    const loop = visit(start);
    if (loop) out.set(start, loop);
  }
  return out;
}

export default defineRule({
  id: 'rbac/invalid-custom-scope',
  title: 'Custom scope definition JupyterHub rejects',
  severity: 'error',
  rationale:
    'JupyterHub 3.0+ defines `c.JupyterHub.custom_scopes` before it loads any role, checking each entry in order: the name must not be a built-in scope, must match `custom:` followed by at least three characters of lowercase letters, digits and `_-*:` (starting with a letter or digit, not ending with `-` or `:`), the definition must have a `description`, and `subscopes`, if given, must be a list of strings that are themselves keys of `custom_scopes` (built-in scopes are not allowed there). The first failure stops the hub at start-up. Keys other than `description` and `subscopes` are ignored with a warning.',
  howToFix: 'Rename the scope to `custom:<name>` in lowercase, give it a `description`, and list only other custom scopes of the same dict as `subscopes` (use a role to group built-in scopes).',
  docs: [DOCS.customScopes],
  fix: 'unsafe',
  example: {
    bad: 'c.JupyterHub.custom_scopes = {"custom:Grades": {"subscopes": ["read:users"]}}',
    good: 'c.JupyterHub.custom_scopes = {"custom:grades": {"description": "Read and write grades"}}',
  },
  check(ctx) {
    const r = rbac(ctx);
    if (!r || !r.b.customScopes) return;
    const cs = r.cfg.customScopes;
    const t = r.b.table;
    const keys = new Set(cs.items.keys());
    const cyclic = cyclicCustomScopes(cs.items);
    // a server token asking for a custom scope whose subscopes loop cannot be made
    for (const src of scopeSources(ctx, r)) {
      if (src.kind !== 'server_token_scopes') continue;
      for (const v of src.items) {
        if (v.kind !== 'str') continue;
        const base = splitScope(v.value).base;
        if (cyclic.has(base)) ctx.report({ span: v.span, message: `The subscopes of custom scope ${pyRepr(base)} loop back to it (${cyclic.get(base)}): expanding it never ends, so every spawn fails with RecursionError when the server token is made` });
      }
    }
    for (const it of cs.items.values()) {
      const name = it.key;
      const kv = it.keyValue;
      if (t.has(name)) {
        ctx.report({ span: kv.span, message: `${pyRepr(name)} is a built-in scope: custom_scopes cannot redefine it, so the hub will not start. Custom scopes are named custom:<name>` });
        continue;
      }
      if (!t.customScopePattern!.test(name)) {
        const lowered = name.toLowerCase();
        const repaired = repairCustomName(name);
        ctx.report({
          span: kv.span,
          message: `Invalid custom scope name ${pyRepr(name)}: ${customNameProblem(name, lowered)}; the hub will not start`,
          fixes: repaired && repaired !== name && kv.kind === 'str' ? [fix(`Rename to ${pyRepr(repaired)}`, 'unsafe', [replaceString(ctx, kv, repaired)])] : [],
        });
        continue;
      }
      const v = it.value;
      if (v.kind !== 'dict') {
        if (['str', 'int', 'float', 'bool', 'none', 'list', 'tuple', 'set'].includes(v.kind)) ctx.report({ span: v.span, message: `The definition of ${pyRepr(name)} must be a dict with a "description", not ${show(ctx, v)}: traitlets rejects it and the hub will not start` });
        continue;
      }
      const entries = new Map<string, (typeof v.entries)[number]>();
      let keysKnown = true;
      for (const e of v.entries) {
        if (e.key.kind === 'str') entries.set(e.key.value, e);
        else keysKnown = false;
      }
      if (!entries.has('description')) {
        if (keysKnown) ctx.report({ span: kv.span, message: `Custom scope ${pyRepr(name)} has no "description": the hub will not start` });
        continue;
      }
      const subs = entries.get('subscopes');
      if (subs) {
        const sv = subs.value;
        if (sv.kind !== 'list') {
          if (['str', 'int', 'float', 'bool', 'none', 'tuple', 'set', 'dict'].includes(sv.kind)) ctx.report({ span: sv.span, message: `"subscopes" of ${pyRepr(name)} must be a list of scope names (JupyterHub checks isinstance(..., list)), not ${show(ctx, sv)}: the hub will not start` });
          continue;
        }
        let bad = false;
        for (const s of sv.items) {
          if (s.kind !== 'str') {
            if (['int', 'float', 'bool', 'none', 'list', 'tuple', 'set', 'dict'].includes(s.kind)) {
              ctx.report({ span: s.span, message: `Subscope ${show(ctx, s)} of ${pyRepr(name)} is not a string: the hub will not start` });
              bad = true;
              break;
            }
            continue;
          }
          if (keys.has(s.value)) continue;
          if (t.has(s.value)) {
            ctx.report({ span: s.span, message: `Subscope ${pyRepr(s.value)} of ${pyRepr(name)} is a built-in scope: custom scopes may only have custom subscopes (use a role to grant both), so the hub will not start` });
            bad = true;
            break;
          }
          if (cs.unknown) continue;
          const near = closest(s.value, [...keys].filter((k) => k !== name));
          ctx.report({
            span: s.span,
            message: `Subscope ${pyRepr(s.value)} of ${pyRepr(name)} is not defined in the same custom_scopes dict: the hub will not start`,
            fixes: near.map((n, i) => fix(`Change to ${pyRepr(n.name)}`, i === 0 && near.length === 1 ? 'unsafe' : 'suggestion', [replaceString(ctx, s, n.name)])),
          });
          bad = true;
          break;
        }
        if (bad) continue;
      }
      if (cyclic.has(name) && subs) {
        ctx.report({ span: kv.span, severity: 'warning', message: `The subscopes of custom scope ${pyRepr(name)} loop back (${cyclic.get(name)}): the hub starts, but expanding the scope never ends (RecursionError), so requests and tokens that need it fail` });
      }
      const extra = [...entries.keys()].filter((k) => k !== 'description' && k !== 'subscopes');
      for (const k of extra) {
        const e = entries.get(k)!;
        const near = closest(k, ['description', 'subscopes']);
        ctx.report({
          span: e.key.span,
          severity: 'warning',
          message: `JupyterHub ignores the key ${pyRepr(k)} in custom scope ${pyRepr(name)} (only "description" and "subscopes" are read)`,
          fixes: near.length && !entries.has(near[0].name) ? [fix(`Rename to ${pyRepr(near[0].name)}`, 'unsafe', [replaceString(ctx, e.key, near[0].name)])] : [],
        });
      }
    }
  },
});

function customNameProblem(name: string, lowered: string): string {
  if (!name.startsWith('custom:')) return 'custom scope names start with "custom:"';
  const rest = name.replace(/\n$/, '').slice(7);
  if (lowered !== name) return 'it has uppercase letters';
  if ([...rest].length < 3) return 'at least 3 characters must follow "custom:"';
  const bad = [...new Set([...rest].filter((c) => !/[a-z0-9_\-*:]/.test(c)))];
  if (bad.length) return `it contains ${bad.slice(0, 4).map((c) => JSON.stringify(c)).join(', ')} (allowed: a-z, 0-9, _ - * :)`;
  if (!/^[a-z0-9]/.test(rest)) return 'the part after "custom:" must start with a letter or digit';
  return 'it must not end with "-" or ":"';
}

function repairCustomName(name: string): string | undefined {
  let rest = name.startsWith('custom:') ? name.slice(7) : name.replace(/^custom[-_ ]?/i, '');
  rest = rest.toLowerCase().replace(/[^a-z0-9_\-*:]+/g, '-').replace(/^[^a-z0-9]+/, '').replace(/[-:]+$/, '');
  if (rest.length < 3) return undefined;
  return 'custom:' + rest;
}
