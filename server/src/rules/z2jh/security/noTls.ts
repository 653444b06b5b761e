import { defineRule } from '../../types';
import { DOCS, boolOf, entriesOf, itemsOf, strOf, valuesDocs } from './common';

/** proxy.service annotations that make the cloud load balancer terminate TLS. */
const LB_TLS = /(ssl-cert|ssl-ports|certificate|cert-arn|tls|https)/i;
/** comments saying TLS ends in front of the hub */
const TERMINATION = /\b(tls|ssl|https)\b[^\n]*\b(terminat\w*|offload\w*)|\b(terminat\w*|offload\w*)\b[^\n]*\b(tls|ssl|https)\b/i;

export default defineRule({
  id: 'z2jh/no-tls',
  title: 'Public proxy service without HTTPS',
  severity: 'warning',
  appliesTo: ['z2jh_values'],
  rationale:
    'The `proxy-public` Service (a `LoadBalancer` by default) is where users log in. Unless `proxy.https` is enabled, or an ingress, a Gateway HTTPRoute or the load balancer terminates TLS, it serves plain HTTP: passwords, login cookies and API tokens cross the network readable by anyone on the path. The chart can obtain a Let\'s Encrypt certificate itself, use one from a Secret, or leave TLS to the load balancer (`type: offload`). The rule only speaks when the file itself exposes the service (`type: LoadBalancer`/`NodePort`) or turns HTTPS off; it is information when `loadBalancerSourceRanges` limits who can connect.',
  howToFix:
    'Enable HTTPS: `proxy.https.enabled: true` with `hosts` and `letsencrypt.contactEmail` (automatic certificates), or `type: secret` with a TLS Secret, or `type: offload` when the load balancer terminates TLS. Alternatively make the service `ClusterIP` and publish the hub through an ingress with `tls`. If TLS really ends in front of the service, say so in a comment (e.g. `# TLS is terminated by the cloud load balancer`).',
  docs: [DOCS.security('https', 'HTTPS'), DOCS.ref('proxy.https'), DOCS.ref('proxy.service.type')],
  example: {
    bad: 'proxy:\n  service:\n    type: LoadBalancer',
    good: 'proxy:\n  service:\n    type: LoadBalancer\n  https:\n    enabled: true\n    hosts: [hub.example.org]\n    letsencrypt:\n      contactEmail: admin@example.org',
  },
  check(ctx) {
    const said = ctx.model.comments.some((c) => TERMINATION.test(c.text) && !/hubcfg:/.test(c.text));
    if (said) return;
    for (const d of valuesDocs(ctx)) {
      const type = d.get('proxy.service.type');
      const https = d.get('proxy.https.enabled');
      const typeName = strOf(type?.value);
      // the file must say something about the public side: an exposed service type, or HTTPS switched off
      const exposed = typeName === 'LoadBalancer' || typeName === 'NodePort';
      const off = https && boolOf(https.value) === false && (!type || exposed);
      if (!exposed && !off) continue;
      if (boolOf(https?.value) === true) continue; // letsencrypt-incomplete judges half-done HTTPS
      if (boolOf(d.value('ingress.enabled')) === true || boolOf(d.value('httpRoute.enabled')) === true) continue;
      const annotations = entriesOf(d.value('proxy.service.annotations'));
      if (annotations.some((a) => LB_TLS.test(a.key.value))) continue;
      const ranges = itemsOf(d.value('proxy.service.loadBalancerSourceRanges'));
      const restricted = typeName !== 'NodePort' && ranges.length > 0 && !ranges.some((r) => strOf(r) === '0.0.0.0/0' || strOf(r) === '::/0');
      const at = exposed ? type!.value : https!.value;
      const what = exposed ? `proxy.service.type ${typeName} publishes the hub` : 'HTTPS is turned off for the public proxy service (a LoadBalancer unless set otherwise)';
      ctx.report({
        span: at.span,
        severity: restricted ? 'information' : 'warning',
        message: `${what} over plain HTTP: no proxy.https, ingress or TLS-terminating load balancer is configured${restricted ? ' (loadBalancerSourceRanges limits who can connect)' : ''}, so logins, cookies and tokens travel unencrypted. Enable proxy.https (or say in a comment where TLS is terminated); values files are merged, so ignore this if another file enables it`,
      });
    }
  },
});
