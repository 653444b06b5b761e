import { defineRule, type Fix } from '../../types';
import { DOCS, boolOf, egressHoles, parentOf, scalarFix, strOf, valuesDocs } from './common';

export default defineRule({
  id: 'z2jh/cloud-metadata-reachable',
  title: 'Cloud metadata server reachable from user pods',
  severity: 'error',
  appliesTo: ['z2jh_values'],
  fix: 'unsafe',
  rationale:
    'On most clouds every node answers on 169.254.169.254 with its metadata, often including credentials of the node\'s cloud identity, which can be enough to take over the cluster and other cloud resources. The chart blocks user pods from it in two ways: an iptables rule set by a privileged init container (`singleuser.cloudMetadata.blockWithIptables`, on by default) and the user pods\' NetworkPolicy (which allows no traffic to that address unless `egressAllowRules.cloudMetadataServer` is true). The chart recommends relying on the network policy alone when the cluster enforces policies; turning off the iptables block *and* the policy\'s protection leaves the server open to any user\'s code. Severity: error when nothing blocks the server; warning when `cloudMetadataServer: true` opens it deliberately.',
  howToFix:
    'Keep at least one barrier: leave `blockWithIptables: true`, or keep `singleuser.networkPolicy.enabled: true` with `egressAllowRules.cloudMetadataServer: false` (on a cluster that enforces network policies) and no custom `egress` rule that includes the metadata address. Allowing the metadata server is only right behind a metadata proxy that hands out per-pod identities, such as GKE Workload Identity.',
  docs: [DOCS.security('audit-cloud-metadata-server-access', 'cloud metadata server'), DOCS.ref('singleuser.cloudMetadata.blockWithIptables'), DOCS.ref('singleuser.networkPolicy.egressAllowRules.cloudMetadataServer')],
  example: {
    bad: 'singleuser:\n  cloudMetadata:\n    blockWithIptables: false\n  networkPolicy:\n    enabled: false',
    good: 'singleuser:\n  cloudMetadata:\n    blockWithIptables: false\n  networkPolicy:\n    enabled: true',
  },
  check(ctx) {
    for (const d of valuesDocs(ctx)) {
      const block = d.get('singleuser.cloudMetadata.blockWithIptables');
      if (!block || boolOf(block.value) !== false) continue;
      const ip = strOf(d.value('singleuser.cloudMetadata.ip')) ?? '169.254.169.254';
      const netpol = d.get('singleuser.networkPolicy.enabled');
      const allow = d.get('singleuser.networkPolicy.egressAllowRules.cloudMetadataServer');
      const restoreBlock = scalarFix(ctx, block, 'true', 'unsafe', 'Block the metadata server with iptables again (adds a privileged init container to user pods)', parentOf(d, block));
      if (netpol && boolOf(netpol.value) === false) {
        ctx.report({
          span: block.value.span,
          message: `Nothing keeps users' code from the cloud metadata server (${ip}): the iptables block is off and the user pods' network policy is disabled. Node credentials are one request away`,
          fixes: restoreBlock ? [restoreBlock] : [],
        });
        continue;
      }
      if (allow && boolOf(allow.value) === true) {
        const fixes: Fix[] = [];
        const f = scalarFix(ctx, allow, 'false', 'unsafe', 'Stop allowing the metadata server in the network policy', parentOf(d, allow));
        if (f) fixes.push(f);
        ctx.report({
          span: allow.value.span,
          severity: 'warning',
          message: `User pods may reach the cloud metadata server (${ip}): the network policy allows it and the iptables block is off. That is only safe behind a metadata proxy with per-pod identities (e.g. GKE Workload Identity)`,
          fixes,
        });
        continue;
      }
      const holes = egressHoles(d.value('singleuser.networkPolicy.egress'), ip).filter((h) => h.opens.includes(`${ip}/32`));
      for (const h of holes) {
        ctx.report({
          span: h.span,
          message: `This egress rule of the user pods' network policy includes the cloud metadata server (${ip}), and the iptables block is off: users' code can ask it for node credentials. Add ${ip}/32 to the rule's except list`,
        });
      }
    }
  },
});
