import { defineRule, type Severity } from '../../types';
import { byTrust } from '../util';
import { dictItems } from './common';
import { fieldValue } from '../../z2jh/security/common';
import { DROPS_ROOT, isRootId, kubeSources, startCommand, userOps } from './spawnerPods';

export default defineRule({
  id: 'security/root-user-container',
  title: 'User servers run as root in their container',
  severity: 'warning',
  rationale:
    'Container spawners start user servers as an unprivileged user unless told otherwise. `KubeSpawner.uid = 0`, a security context with `runAsUser: 0`, `NB_UID=0` or `NB_USER=root` in the environment, or DockerSpawner\'s `extra_create_kwargs = {"user": "root"}` start the container as root. With the default command the server and everything users run in it are then root in the container: they can change the image\'s software, read every file the container mounts, and are one kernel or runtime bug away from the node. The docker-stacks start scripts (`start-singleuser.sh`, `start.sh`) begin as root and switch to the unprivileged user, which is the documented reason to start as root (information then). The same settings made with the chart\'s own keys (`singleuser.uid`) are `z2jh/root-user`.',
  howToFix:
    'Leave `uid` unset (the image\'s user) or set an unprivileged uid such as 1000. If root is needed only to set things up, start with a docker-stacks start script (`c.Spawner.cmd = ["start-singleuser.sh"]`), which drops to `NB_USER`, or do the setup in an init container.',
  docs: [
    { title: 'KubeSpawner: uid and security contexts', url: 'https://jupyterhub-kubespawner.readthedocs.io/en/latest/spawner.html' },
    { title: 'docker-stacks: user-related configurations', url: 'https://jupyter-docker-stacks.readthedocs.io/en/latest/using/common.html#user-related-configurations' },
    { title: 'DockerSpawner: running as root', url: 'https://jupyterhub-dockerspawner.readthedocs.io/en/latest/api/index.html' },
  ],
  example: { bad: 'c.KubeSpawner.uid = 0', good: 'c.KubeSpawner.uid = 1000' },
  check(ctx) {
    const why = (cmd: string | undefined) =>
      cmd && DROPS_ROOT.test(cmd)
        ? { severity: 'information' as Severity, text: ' (the start script switches to NB_USER before the server starts, but it and anything it runs first are root)' }
        : { severity: 'warning' as Severity, text: ": the server and users' code run as root inside the container" };
    // an untrusted-users rule at heart; trusted users still get the information
    const sev = (s: Severity): Severity => (s === 'warning' ? byTrust(ctx, 'warning', 'information') ?? 'information' : s);

    // KubeSpawner: uid, security contexts, in the traits and in every profile override
    const kube = why(startCommand(ctx, 'KubeSpawner'));
    for (const src of kubeSources(ctx)) {
      for (const v of src.values('uid')) {
        if (isRootId(v)) ctx.report({ span: v.span, severity: sev(kube.severity), message: `${src.label('uid')} = 0 starts user containers as root${kube.text}` });
      }
      for (const e of src.entries('container_security_context')) {
        if (e.key === 'runAsUser' && isRootId(e.value)) ctx.report({ span: e.value.span, severity: sev(kube.severity), message: `${src.label('container_security_context')}: runAsUser 0 runs user containers as root${kube.text}` });
      }
      for (const e of src.entries('pod_security_context')) {
        if (e.key === 'runAsUser' && isRootId(e.value)) ctx.report({ span: e.value.span, severity: sev(kube.severity), message: `${src.label('pod_security_context')}: runAsUser 0 runs user pods as root unless a container sets its own user${kube.text}` });
      }
      for (const e of src.entries('extra_pod_config')) {
        const ru = e.key === 'securityContext' ? fieldValue(e.value, 'runAsUser') : undefined;
        if (isRootId(ru)) ctx.report({ span: ru!.span, severity: sev(kube.severity), message: `${src.label('extra_pod_config')}: securityContext.runAsUser 0 runs user pods as root${kube.text}` });
      }
      for (const e of src.entries('extra_container_config')) {
        const ru = e.key === 'securityContext' ? fieldValue(e.value, 'runAsUser') : undefined;
        if (isRootId(ru)) ctx.report({ span: ru!.span, severity: sev(kube.severity), message: `${src.label('extra_container_config')}: securityContext.runAsUser 0 runs user containers as root${kube.text}` });
      }
    }

    // DockerSpawner: the container's user
    const docker = why(startCommand(ctx, 'DockerSpawner'));
    for (const e of dictItems(ctx, userOps(ctx, 'DockerSpawner', 'extra_create_kwargs'))) {
      if (e.key !== 'user') continue;
      const v = e.value;
      const root = isRootId(v) || (v.kind === 'str' && /^(root|0)(:.*)?$/.test(v.value.trim()));
      if (root) ctx.report({ span: v.span, severity: sev(docker.severity), message: `${e.op.cls}.extra_create_kwargs: user "${v.kind === 'str' ? v.value : String((v as { value?: unknown }).value)}" starts user containers as root${docker.text}` });
    }

    // the docker-stacks start scripts read NB_UID / NB_USER: root there means users' code runs as root
    for (const e of dictItems(ctx, userOps(ctx, 'Spawner', 'environment'))) {
      const v = e.value;
      const root = (e.key === 'NB_UID' && isRootId(v)) || (e.key === 'NB_USER' && v.kind === 'str' && v.value.trim() === 'root');
      if (!root) continue;
      ctx.report({ span: v.span, severity: sev('warning'), message: `${e.op.cls}.environment ${e.key}=${v.kind === 'str' ? v.value.trim() : '0'} makes the docker-stacks start script run the server as root: users' code runs as root in the container` });
    }
  },
});
