import { defineRule } from '../../types';
import type { Value } from '../../../model/types';
import { dictItems } from './common';
import { boolOf, entriesOf, fieldValue, itemsOf, listOrMapItems, strOf } from '../../z2jh/security/common';
import { CRITICAL_HOST_PATH, DANGEROUS_CAPS, kubeSources, userOps } from './spawnerPods';

const HOST_FLAGS: Record<string, string> = {
  hostNetwork: "shares the node's network: users reach services bound to the node and the cloud metadata endpoint",
  hostPID: "sees every process on the node and can signal or trace them",
  hostIPC: "shares the node's shared memory and message queues",
};

export default defineRule({
  id: 'security/privileged-user-container',
  title: 'User servers with privileges over the node',
  severity: 'error',
  rationale:
    "User servers run users' code. A privileged container, one given capabilities such as `SYS_ADMIN`, one that shares the node's network or processes, or one that mounts the node's directories or the Docker socket, hands that code control of the node and of every other user's server on it. `allow_privilege_escalation` lets setuid programs (sudo, su) inside the container raise privileges. KubeSpawner sets none of this by default; DockerSpawner neither. The same settings made with the chart's own keys (`singleuser.extraPodConfig`, `singleuser.storage.extraVolumes`, ...) are the `z2jh/privileged-container`, `z2jh/host-namespace`, `z2jh/host-path-volume` and `z2jh/privilege-escalation` rules.",
  howToFix:
    'Remove the setting. When users need containers or special devices, use a rootless tool or a dedicated node pool with its own, reviewed policy; share data through volumes made for it (a PersistentVolumeClaim, NFS) rather than node directories.',
  docs: [
    { title: 'Kubernetes: Pod Security Standards', url: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/' },
    { title: 'KubeSpawner reference', url: 'https://jupyterhub-kubespawner.readthedocs.io/en/latest/spawner.html' },
    { title: 'DockerSpawner reference', url: 'https://jupyterhub-dockerspawner.readthedocs.io/en/latest/api/index.html' },
  ],
  example: { bad: 'c.KubeSpawner.privileged = True', good: 'c.KubeSpawner.privileged = False' },
  check(ctx) {
    /** a container's security context, as entries (a dict value's, or those a dict trait is given) */
    const securityContext = (where: string, entries: { key: string; value: Value }[], user: boolean) => {
      for (const { key, value } of entries) {
        if (key === 'privileged' && boolOf(value) === true) {
          ctx.report({ span: value.span, severity: user ? 'error' : 'information', message: `${where}: privileged: true${user ? " gives users' code full power over the node" : " (an init container: it runs before users' code; make sure its command is fixed and trusted)"}` });
        }
        if (key === 'allowPrivilegeEscalation' && user && boolOf(value) === true) {
          ctx.report({ span: value.span, severity: 'warning', message: `${where}: allowPrivilegeEscalation: true lets setuid programs (sudo, su) raise privileges in user containers` });
        }
        if (key !== 'capabilities') continue;
        for (const cap of itemsOf(fieldValue(value, 'add'))) {
          const name = strOf(cap)?.toUpperCase().replace(/^CAP_/, '');
          if (name && DANGEROUS_CAPS.has(name)) ctx.report({ span: cap.span, severity: user ? 'warning' : 'information', message: `${where}: the capability ${name} reaches beyond the container (node network, mounts, other processes). Drop it unless it is indispensable` });
        }
      }
    };
    const entriesOfValue = (v: Value | undefined) => entriesOf(v).map((e) => ({ key: e.key.value, value: e.value }));
    const hostPath = (where: string, vol: Value) => {
      const hp = fieldValue(vol, 'hostPath');
      if (!hp) return;
      const pathV = fieldValue(hp, 'path');
      const p = strOf(pathV)?.trim();
      const critical = !!p && CRITICAL_HOST_PATH.test(p);
      ctx.report({
        span: (pathV ?? hp).span,
        severity: critical ? 'error' : 'warning',
        message: `${where}: the volume ${strOf(fieldValue(vol, 'name')) ?? '?'} mounts the node's ${p ?? 'directory'} into user pods, where every user on that node can reach it${critical ? ': that path gives control of the node' : ''}`,
      });
    };

    for (const src of kubeSources(ctx)) {
      for (const v of src.values('privileged')) {
        if (boolOf(v) === true) ctx.report({ span: v.span, severity: 'error', message: `${src.label('privileged')} = True runs user servers as privileged containers: users' code has full power over the node` });
      }
      for (const v of src.values('allow_privilege_escalation')) {
        if (boolOf(v) === true) ctx.report({ span: v.span, severity: 'warning', message: `${src.label('allow_privilege_escalation')} = True lets setuid programs (sudo, su) raise privileges in user containers` });
      }
      securityContext(src.label('container_security_context'), src.entries('container_security_context'), true);
      for (const e of src.entries('extra_container_config')) if (e.key === 'securityContext') securityContext(`${src.label('extra_container_config')}.securityContext`, entriesOfValue(e.value), true);
      for (const e of src.entries('extra_pod_config')) {
        if (HOST_FLAGS[e.key] && boolOf(e.value) === true) ctx.report({ span: e.value.span, severity: 'error', message: `${src.label('extra_pod_config')}: with ${e.key}: true every user pod ${HOST_FLAGS[e.key]}` });
        if (e.key === 'volumes') for (const vol of itemsOf(e.value)) hostPath(`${src.label('extra_pod_config')}.volumes`, vol);
      }
      for (const vol of src.items('volumes')) hostPath(src.label('volumes'), vol);
      for (const c of src.items('extra_containers')) securityContext(`${src.label('extra_containers')} (${strOf(fieldValue(c, 'name')) ?? '?'})`, entriesOfValue(fieldValue(c, 'securityContext')), true);
      for (const c of src.items('init_containers')) securityContext(`${src.label('init_containers')} (${strOf(fieldValue(c, 'name')) ?? '?'})`, entriesOfValue(fieldValue(c, 'securityContext')), false);
    }

    // DockerSpawner: host config, volumes, network
    for (const e of dictItems(ctx, userOps(ctx, 'DockerSpawner', 'extra_host_config'))) {
      const where = `${e.op.cls}.extra_host_config`;
      const v = e.value;
      if (e.key === 'privileged' && boolOf(v) === true) ctx.report({ span: v.span, severity: 'error', message: `${where}: privileged: True runs user containers privileged: users' code has full power over the host` });
      if ((e.key === 'network_mode' || e.key === 'pid_mode' || e.key === 'ipc_mode' || e.key === 'userns_mode') && strOf(v)?.trim() === 'host') {
        ctx.report({ span: v.span, severity: 'error', message: `${where}: ${e.key} "host" shares the host's ${e.key === 'network_mode' ? 'network: users reach services bound to the host' : e.key === 'pid_mode' ? 'processes with user containers' : e.key === 'ipc_mode' ? 'shared memory with user containers' : 'user namespace: root in the container is root on the host'}` });
      }
      if (e.key === 'cap_add') {
        for (const cap of itemsOf(v)) {
          const name = strOf(cap)?.toUpperCase().replace(/^CAP_/, '');
          if (name && DANGEROUS_CAPS.has(name)) ctx.report({ span: cap.span, severity: 'warning', message: `${where}: the capability ${name} reaches beyond the container. Drop it unless it is indispensable` });
        }
      }
      if (e.key === 'binds' || e.key === 'volumes') {
        for (const b of listOrMapItems(v).concat(v.kind === 'dict' ? v.entries.map((x) => x.key) : [])) {
          const src = strOf(b)?.split(':')[0].trim();
          if (src && CRITICAL_HOST_PATH.test(src)) ctx.report({ span: b.span, severity: 'error', message: `${where}: mounting ${src} into user containers gives users' code control of the host` });
        }
      }
    }
    for (const e of dictItems(ctx, userOps(ctx, 'DockerSpawner', 'volumes'))) {
      const host = e.key.trim();
      if (CRITICAL_HOST_PATH.test(host)) ctx.report({ span: e.keyValue.span, severity: 'error', message: `${e.op.cls}.volumes mounts the host's ${host} into user containers: that gives users' code control of the host` });
    }
    for (const op of userOps(ctx, 'DockerSpawner', 'network_name')) {
      if (op.op === '=' && strOf(op.value)?.trim() === 'host') ctx.report({ span: op.value.span, severity: 'error', message: `${op.cls}.network_name = "host" puts user containers on the host's network: users reach services bound to the host, the hub's internal ports among them` });
    }
  },
});
