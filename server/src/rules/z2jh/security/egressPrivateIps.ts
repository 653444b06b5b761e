import { defineRule } from '../../types';
import { byTrust } from '../../security/util';
import { DOCS, boolOf, parentOf, scalarFix, valuesDocs } from './common';

export default defineRule({
  id: 'z2jh/egress-private-ips',
  title: 'User pods may connect to the cluster\'s private network',
  severity: 'warning',
  appliesTo: ['z2jh_values'],
  fix: 'unsafe',
  rationale:
    '`singleuser.networkPolicy.egressAllowRules.privateIPs: true` lets user pods open connections to every address in 10.0.0.0/8, 172.16.0.0/12 and 192.168.0.0/16: in most clusters that is every pod and service, including databases, monitoring endpoints and admin interfaces that trust the cluster network and check no credentials. The chart leaves it off for user pods for this reason and suggests granting specific destinations through `egress` instead. With `--trust trusted-users` it is information.',
  howToFix:
    'Set `privateIPs: false` and allow what users need one by one with `singleuser.networkPolicy.egress` (an `ipBlock` or pod/namespace selectors and ports), e.g. a shared database.',
  docs: [DOCS.ref('singleuser.networkPolicy.egressAllowRules.privateIPs'), DOCS.security('netpol', 'network policies')],
  example: {
    bad: 'singleuser:\n  networkPolicy:\n    egressAllowRules:\n      privateIPs: true',
    good: 'singleuser:\n  networkPolicy:\n    egress:\n      - to:\n          - ipBlock:\n              cidr: 10.8.0.12/32\n        ports:\n          - port: 5432',
  },
  check(ctx) {
    for (const d of valuesDocs(ctx)) {
      for (const s of d.all('singleuser.networkPolicy.egressAllowRules.privateIPs')) {
        if (boolOf(s.value) !== true) continue;
        if (boolOf(d.value('singleuser.networkPolicy.enabled')) === false) continue; // network-policy-disabled says more
        const fix = scalarFix(ctx, s, 'false', 'unsafe', 'Stop allowing private addresses (allow specific destinations in egress instead)', parentOf(d, s));
        ctx.report({
          span: s.value.span,
          severity: byTrust(ctx, 'warning', 'information') ?? 'information',
          message: 'User pods may connect to every private address (10/8, 172.16/12, 192.168/16): in most clusters that is every pod and service, including ones that check no credentials. Allow specific destinations in singleuser.networkPolicy.egress instead',
          fixes: fix ? [fix] : [],
        });
      }
    }
  },
});
