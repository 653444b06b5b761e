import { defineRule } from '../../types';
import { byTrust } from '../../security/util';
import { DOCS, boolOf, egressHoles, strOf, valuesDocs } from './common';

export default defineRule({
  id: 'z2jh/egress-allow-all',
  title: 'Custom egress rule for user pods that opens everything',
  severity: 'warning',
  appliesTo: ['z2jh_values'],
  rationale:
    'Custom rules in `singleuser.networkPolicy.egress` are added to the chart\'s own. A rule without `to`, or with `ipBlock.cidr: 0.0.0.0/0` and no `except` for the private ranges, undoes the protection of the policy: user pods can again reach every pod and service inside the cluster (and, unless excepted, the cloud metadata server). Before chart 2.0 the default policy contained exactly such a rule, and copies of it survive in many values files; since 2.0 `egressAllowRules.nonPrivateIPs` (on by default) already allows the internet with the right exceptions. With `--trust trusted-users` it is information.',
  howToFix:
    'Delete the rule if it only meant "allow the internet": `egressAllowRules.nonPrivateIPs` does that. Otherwise narrow it to the destinations users need (a CIDR or a pod/namespace selector, and ports), or add `except: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 169.254.169.254/32]`.',
  docs: [DOCS.ref('singleuser.networkPolicy.egress'), { title: 'z2jh: upgrading from 1.x to 2.0 (network policy egress)', url: 'https://z2jh.jupyter.org/en/stable/administrator/upgrading/upgrade-1-to-2.html' }],
  example: {
    bad: 'singleuser:\n  networkPolicy:\n    egress:\n      - to:\n          - ipBlock:\n              cidr: 0.0.0.0/0',
    good: 'singleuser:\n  networkPolicy:\n    egressAllowRules:\n      nonPrivateIPs: true',
  },
  check(ctx) {
    for (const d of valuesDocs(ctx)) {
      if (boolOf(d.value('singleuser.networkPolicy.enabled')) === false) continue;
      const ip = strOf(d.value('singleuser.cloudMetadata.ip')) ?? '169.254.169.254';
      // the chart's iptables rule (on unless turned off) drops user pods' traffic to the metadata server whatever the policy says
      const iptablesBlock = boolOf(d.value('singleuser.cloudMetadata.blockWithIptables')) !== false;
      for (const s of d.all('singleuser.networkPolicy.egress')) {
        for (const h of egressHoles(s.value, ip)) {
          const privates = h.opens.filter((o) => !o.startsWith(ip));
          if (!h.everywhere && !privates.length) continue;
          const what = h.everywhere ? 'every destination' : `the private range${privates.length > 1 ? 's' : ''} ${privates.join(', ')}`;
          ctx.report({
            span: h.span,
            severity: byTrust(ctx, 'warning', 'information') ?? 'information',
            message: `This egress rule lets user pods connect to ${what}${!h.opens.includes(`${ip}/32`) ? '' : iptablesBlock ? ' (the cloud metadata server stays blocked by singleuser.cloudMetadata.blockWithIptables)' : ', the cloud metadata server included'}: it undoes the policy's protection of in-cluster services. The internet is already allowed by egressAllowRules.nonPrivateIPs; narrow the rule or add the private ranges to except`,
          });
        }
      }
    }
  },
});
