import { defineRule, type Severity } from '../types';
import type { Value } from '../../model/types';
import { judgedKubeSpawner, overrideKeys } from './overrides';

/** Names KubeSpawner derives once, when the spawner object is created (before any profile applies). */
const AT_CREATION: Record<string, string> = {
  pod_name_template: "the pod's name",
  pvc_name_template: "the volume claim's name",
  secret_name_template: "the TLS secret's name",
  dns_name_template: "the server's DNS name",
  user_namespace_template: "the user's namespace",
  enable_user_namespaces: "the user's namespace",
};

/** Settings read only when the user's PersistentVolumeClaim is created. */
const AT_PVC_CREATION = new Set(['storage_capacity', 'storage_class', 'storage_access_modes', 'storage_selector', 'storage_extra_labels', 'storage_extra_annotations']);

function isFunctionValue(v: Value): boolean {
  // a lambda is the documented way to compute a value per spawner; a bare function name is a hook given as is
  return v.kind === 'name' && !/^[A-Z_][A-Z0-9_]*$/.test(v.name);
}

export default defineRule({
  id: 'kubespawner/override-not-applied',
  title: 'Profile override KubeSpawner does not apply as written',
  severity: 'warning',
  rationale:
    'A profile\'s `kubespawner_override` is applied when a server starts, on a spawner object that already exists. Some settings were used before that: the pod, volume claim, secret and namespace names are derived from their templates when the spawner is created, so an override of a name template does not name this server (and, kept on the spawner, it can shape a later start of any profile). `working_dir` has its `{username}` expanded at creation as well, so a template given in an override reaches the container unexpanded. Storage settings (`storage_capacity`, `storage_class`, access modes, selector, labels) are read only when the user\'s volume claim is created: a user who already has a volume keeps its size and class whatever profile they pick. And a callable value is called with the spawner and replaced by its result, so a hook function given as an override runs once at start instead of becoming the hook.',
  howToFix:
    'Set name templates and `enable_user_namespaces` on KubeSpawner itself, not per profile. Write `working_dir` without templates in overrides. For a bigger or other volume per profile, mount a separate volume for that profile (`volumes` / `volume_mounts`) or resize existing claims yourself. Give a hook as `lambda spawner: my_hook` if the override is meant to set it.',
  docs: [
    { title: 'KubeSpawner.profile_list', url: 'https://jupyterhub-kubespawner.readthedocs.io/en/latest/spawner.html#kubespawner.KubeSpawner.profile_list' },
    { title: 'z2jh: customizing user storage', url: 'https://z2jh.jupyter.org/en/stable/jupyterhub/customizing/user-storage.html' },
  ],
  example: {
    bad: "c.KubeSpawner.profile_list = [{'display_name': 'Big disk', 'kubespawner_override': {'storage_capacity': '100Gi'}}]",
    good: "c.KubeSpawner.profile_list = [{'display_name': 'Big disk', 'kubespawner_override': {'volumes': {'scratch': {'name': 'scratch', 'emptyDir': {}}}, 'volume_mounts': {'scratch': {'name': 'scratch', 'mountPath': '/scratch'}}}}]",
  },
  check(ctx) {
    const ks = judgedKubeSpawner(ctx);
    if (!ks) return;
    for (const k of overrideKeys(ctx)) {
      const t = ctx.traits.getTrait(ks.cls, k.key);
      if (!t) continue;
      let message: string | undefined;
      let severity: Severity | undefined;
      if (isFunctionValue(k.value)) {
        if (t.entry.type !== 'Callable' && !(t.entry.union ?? []).includes('Callable')) continue;
        message = `${k.where}: KubeSpawner calls a callable override with the spawner and sets ${k.key} to what it returns, so this function runs once at start instead of becoming the hook. Write \`lambda spawner: ${ctx.model.text.slice(k.value.span.start, k.value.span.end)}\` if the override is meant to set it`;
      } else if (Object.prototype.hasOwnProperty.call(AT_CREATION, k.key)) {
        message = `${k.where}: KubeSpawner derives ${AT_CREATION[k.key]} from ${k.key} when the spawner is created, before a profile applies: this override does not apply to the server it starts. Set it on KubeSpawner for everyone`;
      } else if (k.key === 'working_dir' && k.value.kind === 'str' && /\{[a-z_]+\}/.test(k.value.value)) {
        message = `${k.where}: KubeSpawner expands the {…} fields of working_dir when the spawner is created, before a profile applies: this override reaches the container unexpanded ("${k.value.value}")`;
      } else if (AT_PVC_CREATION.has(k.key)) {
        message = `${k.where}: ${k.key} is used only when the user's volume claim is created: users who already have a volume keep it as it is when they pick this profile`;
        severity = 'information';
      }
      if (message) ctx.report({ span: k.keySpan, message, severity, fixes: [] });
    }
  },
});
