import { defineRule } from '../../types';
import { DOCS, boolOf, parentOf, scalarFix, strOf, valuesDocs } from './common';

export default defineRule({
  id: 'z2jh/hub-service-exposed',
  title: 'Hub API published outside the cluster',
  severity: 'warning',
  appliesTo: ['z2jh_values'],
  rationale:
    'The `hub` Service carries the hub\'s own port (8081): its REST API and login pages over plain HTTP, meant for the proxy and for pods in the cluster. Users reach the hub through the proxy. Making the Service a `LoadBalancer` or `NodePort` publishes that port outside the cluster, without TLS and past the proxy, so tokens and cookies sent to it travel in clear text. The chart\'s hub network policy only partly helps: external traffic may still get in depending on the cluster.',
  howToFix: 'Keep `hub.service.type: ClusterIP` (the default) and reach the hub API through the public proxy (`https://<hub>/hub/api`). Services inside the cluster can use the `hub` Service directly.',
  docs: [DOCS.ref('hub.service.type')],
  fix: 'unsafe',
  example: { bad: 'hub:\n  service:\n    type: LoadBalancer', good: 'hub:\n  service:\n    type: ClusterIP' },
  check(ctx) {
    for (const d of valuesDocs(ctx)) {
      for (const s of d.all('hub.service.type')) {
        const t = strOf(s.value);
        if (t !== 'LoadBalancer' && t !== 'NodePort') continue;
        const fix = scalarFix(ctx, s, 'ClusterIP', 'unsafe', 'Keep the hub Service inside the cluster (ClusterIP)', parentOf(d, s));
        const netpolOff = boolOf(d.value('hub.networkPolicy.enabled')) === false;
        ctx.report({
          span: s.value.span,
          message: `hub.service.type ${t} publishes the hub's internal port (API and login over plain HTTP) outside the cluster, bypassing the proxy${netpolOff ? ', and the hub network policy is off' : ''}. Keep it ClusterIP and use the public proxy`,
          fixes: fix ? [fix] : [],
        });
      }
    }
  },
});
