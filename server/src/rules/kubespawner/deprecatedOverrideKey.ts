import { defineRule, type Fix } from '../types';
import { splitTarget } from '../traitlets/deprecatedTrait';
import { fieldValue } from '../z2jh/security/common';
import { forwardedAlias, judgedKubeSpawner, overrideKeys, renameKey } from './overrides';

export default defineRule({
  id: 'kubespawner/deprecated-override-key',
  title: 'Deprecated name in a profile override',
  severity: 'warning',
  rationale:
    'KubeSpawner keeps its old trait names (`image_spec`, `singleuser_image_spec`, `user_storage_capacity`...) as aliases that forward to the new name and log a warning each time a server starts with that profile. The aliases can go in any release, and tools that read profiles for the new names miss the old ones: the chart\'s image pullers, for one, only pre-pull a profile\'s `image`.',
  howToFix: 'Rename the key to its replacement (the quick fix does it).',
  docs: [
    { title: 'KubeSpawner changelog', url: 'https://jupyterhub-kubespawner.readthedocs.io/en/latest/changelog.html' },
    { title: 'KubeSpawner.profile_list', url: 'https://jupyterhub-kubespawner.readthedocs.io/en/latest/spawner.html#kubespawner.KubeSpawner.profile_list' },
  ],
  fix: 'safe',
  example: {
    bad: "c.KubeSpawner.profile_list = [{'display_name': 'R', 'kubespawner_override': {'image_spec': 'rocker/binder:4.4'}}]",
    good: "c.KubeSpawner.profile_list = [{'display_name': 'R', 'kubespawner_override': {'image': 'rocker/binder:4.4'}}]",
  },
  check(ctx) {
    const ks = judgedKubeSpawner(ctx);
    if (!ks) return;
    for (const k of overrideKeys(ctx)) {
      const t = ctx.traits.getTrait(ks.cls, k.key);
      let to: string | undefined;
      let since: string | undefined;
      let exact = true;
      if (t) {
        const dep = t.entry.deprecated;
        if (!dep || dep.effect === 'ignored') continue;
        since = dep.since;
        exact = dep.exact !== false;
        if (dep.renamedTo) to = splitTarget(dep.renamedTo, t.definedIn)[1];
      } else {
        const r = forwardedAlias(ctx, ks.cls, k.key);
        if (!r) continue;
        since = r.since;
        exact = r.exact;
        to = r.to;
      }
      if (to && !ctx.traits.getTrait(ks.cls, to)) to = undefined;
      let message = `${k.where}: "${k.key}" is a deprecated KubeSpawner name${since ? ` (since ${since})` : ''}`;
      const fixes: Fix[] = [];
      if (to) {
        message += `: use "${to}"`;
        // both names in one override: the rename would leave a duplicate key
        const both = !!fieldValue(k.override, to);
        if (both) message += ` (also set here: the two may disagree)`;
        fixes.push({ title: `Rename to ${to}`, applicability: !exact ? 'suggestion' : both ? 'unsafe' : 'safe', edits: [renameKey(ctx, k, to)] });
      }
      ctx.report({ span: k.keySpan, message, fixes });
    }
  },
});
