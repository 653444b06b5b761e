import { defineRule, type Severity } from '../../types';
import { DANGEROUS_CAPS, DOCS, boolOf, containersOf, fieldValue, fragments, itemsOf, profileOverrides, strOf, valuesDocs, type Fragment } from './common';

/** Capabilities that give a container power over the node or other containers. */

export default defineRule({
  id: 'z2jh/privileged-container',
  title: 'Privileged container or dangerous capabilities',
  severity: 'error',
  appliesTo: ['z2jh_values'],
  rationale:
    'A privileged container, or one granted capabilities such as `SYS_ADMIN`, `NET_ADMIN` or `SYS_PTRACE`, has most of the kernel\'s power over the node it runs on: it can mount the node\'s disks, change its network, load kernel modules or inspect other containers. In a user container that power belongs to every user and to any code they run, so escaping to the node and the cluster is a short step. The chart\'s own metadata-blocking init container is privileged on purpose, but it runs only `iptables` before the user\'s server starts; init containers are therefore reported only as information. Severity: error for user containers and profiles, warning for the chart\'s own pods and for dangerous capabilities in user containers, information for init containers.',
  howToFix:
    'Remove `privileged: true` and the added capabilities from user containers and profiles. Do privileged setup in an init container that runs a fixed command, or on the node (a DaemonSet) instead of in every user pod. For FUSE or similar needs, prefer a device plugin or a CSI driver.',
  docs: [DOCS.podSecurity, DOCS.ref('singleuser.extraPodConfig'), DOCS.kubespawner],
  example: {
    bad: 'singleuser:\n  extraContainers:\n    - name: docker\n      image: docker:27-dind\n      securityContext:\n        privileged: true',
    good: 'singleuser:\n  extraContainers:\n    - name: sidecar\n      image: ghcr.io/example/sidecar:1.4.2\n      securityContext:\n        capabilities:\n          drop: [ALL]',
  },
  check(ctx) {
    const sevFor = (f: Fragment | undefined, init: boolean): Severity => (init ? 'information' : !f || f.pod === 'user' ? 'error' : 'warning');
    for (const d of valuesDocs(ctx)) {
      for (const o of profileOverrides(d)) {
        const p = fieldValue(o.value, 'privileged');
        if (boolOf(p) === true) ctx.report({ span: p!.span, severity: 'error', message: `${o.where}: privileged: true runs users' servers as privileged containers: every user of the profile controls the node` });
      }
      for (const f of fragments(d)) {
        for (const c of containersOf(f)) {
          const who = c.name === 'main' ? (f.pod === 'user' ? 'the user container' : 'the container') : `the ${c.init ? 'init ' : ''}container ${c.name}`;
          const priv = fieldValue(c.securityContext, 'privileged');
          if (boolOf(priv) === true) {
            const user = f.pod === 'user' && !c.init;
            ctx.report({
              span: priv!.span,
              severity: sevFor(f, c.init),
              message: `${f.where}: ${who} is privileged${user ? ': it shares the pod with users\' code and has full power over the node' : c.init ? ' (an init container: it runs before users\' code, make sure its command is fixed and trusted)' : ''}`,
            });
          }
          const add = fieldValue(c.securityContext, 'capabilities', 'add');
          for (const cap of itemsOf(add)) {
            const name = strOf(cap)?.toUpperCase().replace(/^CAP_/, '');
            if (!name || !DANGEROUS_CAPS.has(name)) continue;
            const sev = sevFor(f, c.init) === 'error' ? 'warning' : 'information';
            ctx.report({ span: cap.span, severity: sev, message: `${f.where}: ${who} is given the capability ${name}, which reaches beyond the container (node network, mounts, other processes). Drop it unless it is indispensable` });
          }
        }
      }
    }
  },
});
