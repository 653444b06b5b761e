import { defineRule } from '../../types';
import { compareChartVersions } from '../../../catalog/z2jh';
import { DOCS, boolOf, valuesDocs } from './common';

export default defineRule({
  id: 'z2jh/cloud-metadata-conflict',
  title: 'Metadata server both blocked and allowed',
  severity: 'error',
  appliesTo: ['z2jh_values'],
  rationale:
    'Since chart 3.0.0 the chart refuses to render when the user pods\' network policy allows the cloud metadata server (`singleuser.networkPolicy.egressAllowRules.cloudMetadataServer: true`) while the iptables block (`singleuser.cloudMetadata.blockWithIptables`, true by default) still forbids it: the intent is ambiguous, so `helm upgrade` stops with a message. `blockWithIptables` is on unless a values file turns it off. It is a warning when `blockWithIptables` is not set in this file (another values file may turn it off).',
  howToFix:
    'Decide which one you mean. To let user pods reach the metadata server (e.g. behind GKE Workload Identity), also set `singleuser.cloudMetadata.blockWithIptables: false`. To keep it blocked, drop `cloudMetadataServer: true`.',
  docs: [DOCS.security('block-metadata-iptables', 'blocking the metadata server with iptables'), DOCS.ref('singleuser.networkPolicy.egressAllowRules.cloudMetadataServer')],
  example: {
    bad: 'singleuser:\n  networkPolicy:\n    egressAllowRules:\n      cloudMetadataServer: true',
    good: 'singleuser:\n  cloudMetadata:\n    blockWithIptables: false\n  networkPolicy:\n    egressAllowRules:\n      cloudMetadataServer: true',
  },
  check(ctx) {
    const v = ctx.chart?.version;
    if (v && compareChartVersions(v, '3.0.0') < 0) return;
    for (const d of valuesDocs(ctx)) {
      const allow = d.get('singleuser.networkPolicy.egressAllowRules.cloudMetadataServer');
      if (!allow || boolOf(allow.value) !== true) continue;
      if (boolOf(d.value('singleuser.networkPolicy.enabled')) === false) continue;
      const block = d.get('singleuser.cloudMetadata.blockWithIptables');
      if (block && boolOf(block.value) === false) continue;
      const explicit = !!block && boolOf(block.value) === true;
      ctx.report({
        span: allow.value.span,
        severity: explicit ? 'error' : 'warning',
        message: explicit
          ? 'The network policy allows the cloud metadata server while blockWithIptables: true blocks it: the chart refuses to render this combination. Set blockWithIptables: false or drop cloudMetadataServer: true'
          : 'The network policy allows the cloud metadata server, but blockWithIptables is on by default: unless another values file sets singleuser.cloudMetadata.blockWithIptables: false, the chart refuses to render. Set it here',
      });
    }
  },
});
