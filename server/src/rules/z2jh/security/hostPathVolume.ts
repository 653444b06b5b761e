import { defineRule } from '../../types';
import { CRITICAL_HOST_PATH, DOCS, fieldValue, fragments, strOf, valuesDocs, volumesOf } from './common';

/** A path KubeSpawner expands per user (`/home/{username}`, `/data/{escaped_username}`). */
const PER_USER = /\{(username|userid|legacy_escape_username|escaped_username|unescaped_username|safe_username|user_server|escaped_user_server)\}/;
/** Below these, a per-user directory is still the node's own (kubelet, runtime, kernel files). */
const SYSTEM_DIR = /^\/*$|^\/(etc|proc|sys|dev|boot|root|run|var\/run|var\/lib\/(kubelet|docker|containerd|containers))(\/|$)/;

export default defineRule({
  id: 'z2jh/host-path-volume',
  title: 'Node directory mounted into a pod',
  severity: 'warning',
  appliesTo: ['z2jh_values'],
  rationale:
    'A `hostPath` volume mounts a directory of the node into the pod. In user pods its content is open to every user who lands on that node, and often writable by them: files of other users and of the node, container runtime sockets, kubelet credentials. The node\'s filesystem is also no storage users can rely on: it differs from node to node. A mount of `/`, `/etc`, `/var/lib/kubelet` or a container runtime socket gives control of the node outright. A user pod\'s path with `{username}` in it is the user\'s own directory on the node and is not reported. Severity: warning for user pods (error for system paths and runtime sockets), information for the chart\'s own pods.',
  howToFix:
    'Use persistent volumes (`singleuser.storage`), an NFS or CSI volume, or a ConfigMap/Secret instead of `hostPath`. If a node path must be shared, mount it read-only (`readOnly: true` in the volume mount) and never a runtime socket or system directory.',
  docs: [{ title: 'Kubernetes: hostPath volumes', url: 'https://kubernetes.io/docs/concepts/storage/volumes/#hostpath' }, DOCS.ref('singleuser.storage.extraVolumes'), DOCS.podSecurity],
  example: {
    bad: 'singleuser:\n  storage:\n    extraVolumes:\n      - name: scratch\n        hostPath:\n          path: /mnt/scratch',
    good: 'singleuser:\n  storage:\n    extraVolumes:\n      - name: shared\n        persistentVolumeClaim:\n          claimName: shared-data',
  },
  check(ctx) {
    for (const d of valuesDocs(ctx)) {
      for (const f of fragments(d)) {
        for (const vol of volumesOf(f)) {
          const hp = fieldValue(vol, 'hostPath');
          if (!hp) continue;
          const p = strOf(fieldValue(hp, 'path'));
          const critical = !!p && CRITICAL_HOST_PATH.test(p.trim());
          // KubeSpawner fills {username} per user: each user gets a directory of their own, not one shared with all
          if (!critical && f.pod === 'user' && p && PER_USER.test(p) && !SYSTEM_DIR.test(p.slice(0, p.indexOf('{')))) continue;
          const name = strOf(fieldValue(vol, 'name')) ?? '?';
          ctx.report({
            span: (fieldValue(hp, 'path') ?? hp).span,
            severity: critical ? (f.pod === 'user' ? 'error' : 'warning') : f.pod === 'user' ? 'warning' : 'information',
            message: `${f.where}: the volume ${name} mounts the node's ${p ? `${p}` : 'directory'} into ${f.pod === 'user' ? 'user pods, where every user on that node can reach it' : 'a pod of the chart'}${critical ? ': that path gives control of the node' : ''}`,
          });
        }
      }
    }
  },
});
