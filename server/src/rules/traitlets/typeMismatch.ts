import { effectiveSubclass } from './util';
import { defineRule, type Fix } from '../types';
import { checkValue } from '../../catalog/typecheck';
import type { Value } from '../../model/types';

export default defineRule({
  id: 'traitlets/type-mismatch',
  title: 'Value of the wrong type',
  severity: 'error',
  rationale:
    'Every trait validates what it is given when the hub applies the config. A value traitlets rejects (the string "True" for a boolean, a float for an int, a list for a dict, a value outside an enum) stops the hub at start-up with a TraitError. Some values are accepted but not as written: a single string given to a list or set trait becomes a one-item list, so `"alice,bob"` allows one user called "alice,bob".',
  howToFix: 'Write the value in the type the trait expects; the quick fix does it where the intent is evident.',
  docs: [{ title: 'traitlets: trait types', url: 'https://traitlets.readthedocs.io/en/stable/trait_types.html' }],
  fix: 'safe',
  example: { bad: 'c.JupyterHub.allow_named_servers = "True"', good: 'c.JupyterHub.allow_named_servers = True' },
  check(ctx) {
    for (const op of ctx.model.ops) {
      // chart values are reshaped by the chart before they reach the trait (the chart schema checks them)
      if (op.origin === 'chart') continue;
      // a base class section that reaches the configured subclass (c.Authenticator.x for an OAuthenticator)
      const sub = ctx.traits.traitsOf(op.cls).has(op.trait) ? undefined : effectiveSubclass(ctx, op);
      const t = ctx.traits.getTrait(sub && sub !== 'unknown' ? sub : op.cls, op.trait);
      if (!t) continue;
      const label = `${op.cls}.${op.trait}`;
      let value: Value | undefined;
      let entry = t.entry;
      if (op.op === '=') value = op.value;
      else if (op.op === 'append' || op.op === 'add' || op.op === 'insert') {
        if (!entry.item) continue;
        value = op.value;
        entry = { type: entry.item };
      } else if ((op.op === 'item=' || op.op === 'setdefault') && entry.type === 'Dict' && entry.item) {
        value = op.value;
        entry = { type: entry.item };
      } else continue;
      const p = checkValue(entry, value, op.op === '=' ? label : `An item of ${label}`);
      if (!p) continue;
      const fixes: Fix[] = [];
      if (p.replacement !== undefined) {
        fixes.push({ title: p.replacementTitle ?? `Write ${p.replacement}`, applicability: p.kind === 'misread' ? 'unsafe' : 'safe', edits: [{ span: p.span, newText: p.replacement }] });
      }
      const severity = p.kind === 'misread' ? (/ONE item/.test(p.message) ? 'warning' : 'information') : op.value.kind === 'env' ? 'warning' : undefined;
      ctx.report({ span: p.span, message: p.message, fixes, severity });
    }
  },
});
