import { defineRule, type Fix } from '../types';
import { checkValue } from '../../catalog/typecheck';
import { judgedKubeSpawner, overrideKeys, yamlSpelling } from './overrides';

/** Trait types whose dict value KubeSpawner merges into the current one in place (no validation). */
const DICT_TYPES = new Set(['Dict']);

export default defineRule({
  id: 'kubespawner/override-type-mismatch',
  title: 'Profile override value of the wrong type',
  severity: 'error',
  rationale:
    'KubeSpawner sets each key of a `kubespawner_override` on the spawner when a server starts, and the trait validates the value then, not when the hub starts. A value the trait rejects (a list for `image`, the string "true" for a boolean, a word for `cpu_limit`) makes every start of that profile fail with a TraitError that users see as a failed spawn, while the hub and the other profiles look healthy. A mapping given to a dict trait is merged into the current value and is not checked here.',
  howToFix: 'Write the value in the type the trait expects (the quick fix does it where the intent is evident).',
  docs: [
    { title: 'KubeSpawner configuration', url: 'https://jupyterhub-kubespawner.readthedocs.io/en/latest/spawner.html' },
    { title: 'traitlets: trait types', url: 'https://traitlets.readthedocs.io/en/stable/trait_types.html' },
  ],
  fix: 'safe',
  example: {
    bad: "c.KubeSpawner.profile_list = [{'display_name': 'Big', 'kubespawner_override': {'cpu_limit': 'four'}}]",
    good: "c.KubeSpawner.profile_list = [{'display_name': 'Big', 'kubespawner_override': {'cpu_limit': 4}}]",
  },
  check(ctx) {
    const ks = judgedKubeSpawner(ctx);
    if (!ks) return;
    for (const k of overrideKeys(ctx)) {
      const t = ctx.traits.getTrait(ks.cls, k.key);
      if (!t) continue;
      if (k.value.kind === 'dict' && DICT_TYPES.has(t.entry.type)) continue;
      // KubeSpawner formats {value} with the user's input: the result is known only at start
      if (k.unlisted && JSON.stringify(k.value).includes('{value}')) continue;
      const p = checkValue(t.entry, k.value, `${k.where}: ${k.key}`);
      if (!p) continue;
      const message = p.message.replace(/: the hub will not start$/, '') + (p.kind === 'reject' ? ' (every start of this profile fails)' : '');
      const fixes: Fix[] = [];
      const text = p.replacement === undefined ? undefined : k.yaml ? yamlSpelling(p.replacement) : p.replacement;
      if (text !== undefined) {
        fixes.push({ title: p.replacementTitle?.replace(p.replacement!, text) ?? `Write ${text}`, applicability: p.kind === 'misread' ? 'unsafe' : 'safe', edits: [{ span: p.span, newText: text }] });
      }
      const severity = p.kind === 'misread' ? (/ONE item/.test(p.message) ? 'warning' : 'information') : k.value.kind === 'env' ? 'warning' : undefined;
      ctx.report({ span: p.span, message, fixes, severity });
    }
  },
});
