import { defineRule } from '../../types';
import { byTrust } from '../../security/util';
import { DOCS, boolOf, parentOf, scalarFix, valuesDocs } from './common';

const PODS: { prefix: string; what: string; user: boolean }[] = [
  { prefix: 'singleuser', what: 'user pods', user: true },
  { prefix: 'hub', what: 'the hub pod', user: false },
  { prefix: 'proxy.chp', what: 'the proxy pod', user: false },
  { prefix: 'proxy.traefik', what: 'the autohttps pod', user: false },
];

export default defineRule({
  id: 'z2jh/network-policy-disabled',
  title: 'Network policy turned off',
  severity: 'warning',
  appliesTo: ['z2jh_values'],
  fix: 'unsafe',
  rationale:
    'The chart creates a NetworkPolicy for the hub, the proxy, the autohttps proxy and the user pods. For user pods it is the main barrier around users\' code: it keeps them away from the cloud metadata server, from unprotected services inside the cluster (databases, monitoring, the Kubernetes API of other tools) and from other users\' servers, while allowing the internet and DNS. Turning it off makes every user pod a foothold inside the cluster network. For the hub and proxy pods the policies limit who may talk to their APIs. (A policy only takes effect where the cluster runs a NetworkPolicy controller, such as Calico or Cilium.) Severity: warning for user pods (information with `--trust trusted-users`), information for the hub and proxy pods.',
  howToFix:
    'Keep `networkPolicy.enabled: true` and open only what is needed: `egressAllowRules` for broad classes of destinations, `egress` for specific ones, `ingress`/`allowedIngressPorts` for incoming traffic. If the cluster has no NetworkPolicy controller, install one rather than dropping the policy.',
  docs: [DOCS.security('netpol', 'network policies'), DOCS.ref('singleuser.networkPolicy')],
  example: { bad: 'singleuser:\n  networkPolicy:\n    enabled: false', good: 'singleuser:\n  networkPolicy:\n    enabled: true\n    egress:\n      - to:\n          - ipBlock:\n              cidr: 10.8.0.12/32\n        ports:\n          - port: 5432' },
  check(ctx) {
    for (const d of valuesDocs(ctx)) {
      for (const pod of PODS) {
        for (const s of d.all(`${pod.prefix}.networkPolicy.enabled`)) {
          if (boolOf(s.value) !== false) continue;
          const fix = scalarFix(ctx, s, 'true', 'unsafe', `Turn the ${pod.prefix} network policy back on (traffic it does not allow will be blocked)`, parentOf(d, s));
          ctx.report({
            span: s.value.span,
            severity: pod.user ? byTrust(ctx, 'warning', 'information') ?? 'information' : 'information',
            message: pod.user
              ? 'The network policy of user pods is off: users\' code can reach everything the cluster network reaches (other users\' servers, in-cluster services, possibly the cloud metadata server). Keep it on and open only what is needed'
              : `The network policy of ${pod.what} is off: anything in the cluster may connect to it. Keep it on unless the cluster cannot enforce policies`,
            fixes: fix ? [fix] : [],
          });
        }
      }
    }
  },
});
