import { dictGet, type Value } from '../../../model/types';
import { defineRule } from '../../types';
import { isTrue } from '../util';
import { dictItems, dictsOf, isDict, isSpawnerClass, since, isTest } from './common';

const DOCKER = /(^|[^A-Za-z])(Docker|Swarm|SystemUser)Spawner$/;
const KUBE = /KubeSpawner$/;

export default defineRule({
  id: 'security/unrestricted-images',
  title: 'Users may run any image they choose',
  severity: 'warning',
  rationale:
    'Whoever picks the image of their server picks everything inside it: the single-user server code, its configuration and its authentication checks. A user who may name any image can run one that drops those checks or serves arbitrary pages to others on the hub\'s origin, and can reach whatever the container can reach. DockerSpawner fixed exactly this in CVE-2023-48311 by refusing unlisted images unless told otherwise.',
  howToFix:
    'List the images users may choose: `c.DockerSpawner.allowed_images = {"Python": "quay.io/jupyter/scipy-notebook:2024-07-29", ...}`; for KubeSpawner free-form choices add a `validation_regex` that only matches your registry and repositories (e.g. `^registry\\.example\\.org/jupyter/[a-z-]+:[\\w.-]+$`). Do not map user options straight onto `image` or `cmd` with `Spawner.apply_user_options`.',
  docs: [
    { title: 'Web security: isolate packages in a read-only environment', url: 'https://jupyterhub.readthedocs.io/en/stable/explanation/websecurity.html#isolate-packages-in-a-read-only-environment' },
    { title: 'DockerSpawner.allowed_images', url: 'https://jupyterhub-dockerspawner.readthedocs.io/en/stable/api/index.html#dockerspawner.DockerSpawner.allowed_images' },
    { title: 'KubeSpawner.profile_list (unlisted_choice)', url: 'https://jupyterhub-kubespawner.readthedocs.io/en/stable/spawner.html#kubespawner.KubeSpawner.profile_list' },
    { title: 'GHSA-hfgr-h3vc-p6c2 (CVE-2023-48311)', url: 'https://github.com/jupyterhub/dockerspawner/security/advisories/GHSA-hfgr-h3vc-p6c2' },
  ],
  example: { bad: 'c.DockerSpawner.allowed_images = "*"', good: 'c.DockerSpawner.allowed_images = {"Data science": "quay.io/jupyter/datascience-notebook:2024-07-29"}' },
  check(ctx) {
    // DockerSpawner.allowed_images = "*" (and its pre-12 name image_whitelist)
    for (const op of ctx.model.ops) {
      if ((op.trait !== 'allowed_images' && op.trait !== 'image_whitelist') || op.op !== '=') continue;
      if (!(ctx.traits.isSubclass(op.cls, 'DockerSpawner') || DOCKER.test(op.cls))) continue;
      if (isTest(ctx, op) || op.value.kind !== 'str' || op.value.value.trim() !== '*') continue;
      ctx.report({ span: op.value.span, message: `${op.cls}.${op.trait} = "*" lets every user start any image, and with it any server code: list the allowed images instead` });
    }
    // KubeSpawner.profile_list: profile_options with a free-form choice and no validation_regex
    for (const op of ctx.model.ops) {
      if (op.trait !== 'profile_list' || !(ctx.traits.isSubclass(op.cls, 'KubeSpawner') || KUBE.test(op.cls))) continue;
      if (isTest(ctx, op)) continue;
      for (const { dict: profile } of dictsOf([op])) {
        const options = dictGet(profile, 'profile_options')?.value;
        if (!isDict(options)) continue;
        for (const opt of options.entries) {
          if (!isDict(opt.value)) continue;
          const unlisted = dictGet(opt.value, 'unlisted_choice')?.value;
          if (!isDict(unlisted)) continue;
          const enabled = dictGet(unlisted, 'enabled');
          if (!enabled || !isTrue(enabled.value)) continue;
          const regex: Value | undefined = dictGet(unlisted, 'validation_regex')?.value;
          if (regex && !(regex.kind === 'str' && /^\^?(\.\*|\.\+)?\$?$/.test(regex.value.trim()))) continue;
          const optName = opt.key.kind === 'str' ? opt.key.value : 'an option';
          ctx.report({
            span: enabled.value.span,
            message: `The profile option "${optName}" accepts any free-form value${regex ? ' (its validation_regex matches everything)' : ' (no validation_regex)'}: users can put whatever they like into the pod, including the image. Add a validation_regex that only admits what you allow`,
          });
        }
      }
    }
    // Spawner.apply_user_options = {"field": "image"} (5.3+): user input straight into image or cmd
    if (since(ctx, '5.3')) {
      const ops = ctx.model.ops.filter((o) => o.trait === 'apply_user_options' && isSpawnerClass(ctx, o.cls) && !isTest(ctx, o));
      for (const e of dictItems(ctx, ops)) {
        if (e.value.kind !== 'str' || !['image', 'cmd'].includes(e.value.value)) continue;
        ctx.report({
          span: e.value.span,
          message: `${e.op.cls}.apply_user_options maps the user option "${e.key}" straight onto ${e.value.value}: users choose ${e.value.value === 'image' ? 'any image' : 'any command'} for their server. Validate it against an allow-list in a callable instead`,
        });
      }
    }
  },
});
