import { defineRule, type Fix } from '../types';
import { closest } from '../../util/text';
import { checkValue } from '../../catalog/typecheck';
import { forwardedAlias, judgedKubeSpawner, overrideKeys, renameKey } from './overrides';

/**
 * Keys people write for a trait under another name: the chart's value names (singleuser.image.name,
 * singleuser.storage.capacity, singleuser.memory.limit ...) and short forms.
 */
const MEANT: Record<string, string[]> = {
  name: ['image'],
  image_name: ['image'],
  tag: ['image'],
  storage: ['storage_capacity'],
  capacity: ['storage_capacity'],
  memory: ['mem_limit', 'mem_guarantee'],
  memory_limit: ['mem_limit'],
  memory_guarantee: ['mem_guarantee'],
  mem_request: ['mem_guarantee'],
  cpu: ['cpu_limit', 'cpu_guarantee'],
  cpu_request: ['cpu_guarantee'],
  env: ['environment'],
  extra_env: ['environment'],
  extraEnv: ['environment'],
  gpu: ['extra_resource_limits'],
  nodeSelector: ['node_selector'],
  pull_policy: ['image_pull_policy'],
};

/** lifecycleHooks → lifecycle_hooks */
function snake(k: string): string {
  return k.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[-.]/g, '_').toLowerCase();
}

export default defineRule({
  id: 'kubespawner/unknown-override-key',
  title: 'Profile override key KubeSpawner does not have',
  severity: 'warning',
  rationale:
    'Each key of a profile\'s `kubespawner_override` (and of a profile option\'s choice) is set on the spawner as an attribute when a server starts. A name that is no trait of KubeSpawner is not rejected: with a plain value it becomes an attribute nothing reads, so the profile starts with the default image, limits or storage and nobody is told (a chart name such as `lifecycleHooks`, or `name` for the image, are the usual slips). Since KubeSpawner 5.0 a mapping given to an unknown name is worse: KubeSpawner reads the current value to merge into it, which fails, and every start of that profile fails. The keys are the trait names of the KubeSpawner version judged (for values files, the version the chart pins), not the chart\'s value names.',
  howToFix: 'Use the KubeSpawner trait name (`image`, `lifecycle_hooks`, `storage_capacity`, `mem_limit`...). The quick fix offers the closest names.',
  docs: [
    { title: 'KubeSpawner.profile_list', url: 'https://jupyterhub-kubespawner.readthedocs.io/en/latest/spawner.html#kubespawner.KubeSpawner.profile_list' },
    { title: 'z2jh: using multiple profiles', url: 'https://z2jh.jupyter.org/en/stable/jupyterhub/customizing/user-environment.html#using-multiple-profiles-to-let-users-select-their-environment' },
  ],
  fix: 'unsafe',
  example: {
    bad: "c.KubeSpawner.profile_list = [{'display_name': 'R', 'kubespawner_override': {'name': 'rocker/binder:4.4'}}]",
    good: "c.KubeSpawner.profile_list = [{'display_name': 'R', 'kubespawner_override': {'image': 'rocker/binder:4.4'}}]",
  },
  check(ctx) {
    const ks = judgedKubeSpawner(ctx);
    if (!ks) return;
    const traits = ctx.traits.traitsOf(ks.cls);
    const major = parseInt(ks.version, 10);
    for (const k of overrideKeys(ctx)) {
      if (traits.has(k.key) || forwardedAlias(ctx, ks.cls, k.key)) continue;
      const old = ctx.traits.removedTrait(ks.cls, k.key)?.renamedTo;
      const cands: string[] = [];
      const add = (n: string) => {
        if (traits.has(n) && !cands.includes(n)) cands.push(n);
      };
      if (old) add(old.slice(old.lastIndexOf('.') + 1));
      (Object.prototype.hasOwnProperty.call(MEANT, k.key) ? MEANT[k.key] : []).forEach(add);
      add(snake(k.key));
      for (const n of closest(k.key, traits.keys())) add(n.name);
      const near = cands.slice(0, 3);
      const merges = k.value.kind === 'dict' && major >= 5;
      let message = `${k.where}: KubeSpawner ${ks.version} has no trait "${k.key}"`;
      message += merges
        ? ': KubeSpawner fails to merge this mapping into it, and every start of this profile fails'
        : ': KubeSpawner sets it as a plain attribute that nothing reads, so the override is ignored';
      if (near.length) message += `. Did you mean ${near.map((n) => `"${n}"`).join(' or ')}?`;
      // a rename is offered only where the value fits the other trait (`storage: {capacity: 2Gi}` is no storage_capacity)
      const fits = (n: string) => {
        const t = traits.get(n)!;
        return k.value.kind === 'dict' ? t.entry.type === 'Dict' : !checkValue(t.entry, k.value, n);
      };
      const fixes: Fix[] = near.filter(fits).map((n, i, all) => ({
        title: `Change to ${n}`,
        applicability: i === 0 && near.length === 1 && all.length === 1 ? 'unsafe' : 'suggestion',
        edits: [renameKey(ctx, k, n)],
      }));
      ctx.report({ span: k.keySpan, message, fixes, severity: merges ? 'error' : undefined });
    }
  },
});
