import { defineRule } from '../../types';
import { byTrust, lastAssignment } from '../util';
import { dictItems } from './common';
import { boolOf } from '../../z2jh/security/common';
import { isRootId, userOps, usesDocker, usesKube } from './spawnerPods';

/** the docker-stacks start script compares the value with exactly these two */
const TRUTHY = /^(yes|1)$/;

export default defineRule({
  id: 'security/grant-sudo',
  title: 'Passwordless sudo for every user',
  severity: 'warning',
  rationale:
    "`GRANT_SUDO=yes` in a user server's environment tells the docker-stacks start script to give the user passwordless sudo. It takes effect when the container starts as root (KubeSpawner `uid = 0`, DockerSpawner `extra_create_kwargs = {\"user\": \"root\"}`) and, on Kubernetes, when privilege escalation is allowed (`allow_privilege_escalation = True`; KubeSpawner's default is False). Every user is then root in their container. When those conditions are not met the variable does nothing, which is worth knowing too. The same variable in the chart's `singleuser.extraEnv` is `z2jh/grant-sudo`.",
  howToFix: 'Remove GRANT_SUDO unless users are meant to be root in their containers; install what they need into the image instead.',
  docs: [{ title: 'docker-stacks: GRANT_SUDO', url: 'https://jupyter-docker-stacks.readthedocs.io/en/latest/using/common.html#permission-specific-configurations' }],
  example: {
    bad: 'c.KubeSpawner.uid = 0\nc.KubeSpawner.allow_privilege_escalation = True\nc.KubeSpawner.environment = {"GRANT_SUDO": "yes"}',
    good: 'c.KubeSpawner.environment = {"NB_UMASK": "002"}',
  },
  check(ctx) {
    // the state of the container start, from every op (the chart's too: singleuser.uid reaches KubeSpawner.uid)
    const last = (cls: string, trait: string) => lastAssignment(ctx, cls, trait)?.value;
    const kubeRoot = isRootId(last('KubeSpawner', 'uid'));
    const kubeEsc = boolOf(last('KubeSpawner', 'allow_privilege_escalation')) === true;
    const dockerRoot = dictItems(ctx, userOps(ctx, 'DockerSpawner', 'extra_create_kwargs')).some((e) => e.key === 'user' && (isRootId(e.value) || (e.value.kind === 'str' && /^root(:.*)?$/.test(e.value.value.trim()))));
    const kube = usesKube(ctx);
    const docker = usesDocker(ctx);
    for (const e of dictItems(ctx, userOps(ctx, 'Spawner', 'environment'))) {
      if (e.key !== 'GRANT_SUDO') continue;
      const raw = e.value.kind === 'int' ? String(e.value.value) : e.value.kind === 'str' ? e.value.value : undefined;
      if (raw === undefined || !TRUTHY.test(raw.trim())) continue;
      const isKubeOp = ctx.traits.isSubclass(e.op.cls, 'KubeSpawner') || (e.op.cls === 'Spawner' && kube);
      const isDockerOp = ctx.traits.isSubclass(e.op.cls, 'DockerSpawner') || (e.op.cls === 'Spawner' && docker);
      const effective = (isKubeOp && kubeRoot && kubeEsc) || (isDockerOp && dockerRoot);
      ctx.report({
        span: e.keySpan,
        severity: effective ? byTrust(ctx, 'warning', 'information') ?? 'information' : 'information',
        message: effective
          ? `${e.op.cls}.environment GRANT_SUDO with a root start${isKubeOp ? ' and privilege escalation allowed' : ''} gives every user passwordless sudo, i.e. root in their container`
          : `${e.op.cls}.environment GRANT_SUDO gives users passwordless sudo once the container starts as root${isDockerOp ? '' : ' with privilege escalation allowed (KubeSpawner uid = 0, allow_privilege_escalation = True)'}; as set here it does nothing. Remove it unless users are meant to be root`,
      });
    }
  },
});
