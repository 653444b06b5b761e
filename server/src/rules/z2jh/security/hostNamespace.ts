import { defineRule } from '../../types';
import { DOCS, boolOf, fieldValue, fragments, valuesDocs } from './common';

const FLAGS: Record<string, string> = {
  hostNetwork: 'uses the node\'s network: network policies no longer apply, and node-local services and other pods\' traffic are within reach',
  hostPID: 'sees every process on the node and can signal or inspect them',
  hostIPC: 'shares the node\'s IPC namespace (shared memory of other processes)',
};

export default defineRule({
  id: 'z2jh/host-namespace',
  title: 'Pod shares the node\'s network, process or IPC namespace',
  severity: 'error',
  appliesTo: ['z2jh_values'],
  rationale:
    '`hostNetwork`, `hostPID` and `hostIPC` put a pod into the node\'s own namespaces instead of its own. For user pods that hands every user a view of the node: its network (where network policies do not apply and node-local services listen), its processes, its shared memory. Combined with root or any capability it is a direct path to the node. For the chart\'s own pods it widens what a compromise of that component reaches. Severity: error for user pods, warning for the chart\'s own pods.',
  howToFix:
    'Remove `hostNetwork`, `hostPID` and `hostIPC` from `singleuser.extraPodConfig`, profile overrides and `*.extraPodSpec`. Expose what users need through Services or a DaemonSet on the node instead.',
  docs: [DOCS.podSecurity, DOCS.ref('singleuser.extraPodConfig')],
  example: { bad: 'singleuser:\n  extraPodConfig:\n    hostNetwork: true', good: 'singleuser:\n  extraPodConfig:\n    dnsPolicy: ClusterFirst' },
  check(ctx) {
    for (const d of valuesDocs(ctx)) {
      for (const f of fragments(d)) {
        if (f.kind !== 'pod') continue;
        for (const [flag, what] of Object.entries(FLAGS)) {
          const v = fieldValue(f.value, flag);
          if (boolOf(v) !== true) continue;
          ctx.report({
            span: v!.span,
            severity: f.pod === 'user' ? 'error' : 'warning',
            message: `${f.where}: with ${flag}: true ${f.pod === 'user' ? 'every user pod' : 'this pod of the chart'} ${what}`,
          });
        }
      }
    }
  },
});
