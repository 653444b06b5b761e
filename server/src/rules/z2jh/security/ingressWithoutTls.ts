import { defineRule } from '../../types';
import { DOCS, boolOf, entriesOf, fieldValue, itemsOf, strOf, valuesDocs } from './common';

/** ingress annotations that say the controller or the cloud serves HTTPS for these hosts. */
const TLS_ANNOTATION = /(ssl-redirect|force-ssl-redirect|certificate|cert-arn|pre-shared-cert|managed-certificates|ssl-certificate|router\.tls|allow-http)/i;

function covers(tlsHost: string, host: string): boolean {
  const t = tlsHost.toLowerCase();
  const h = host.toLowerCase();
  if (t === h) return true;
  if (t.startsWith('*.')) {
    const rest = h.split('.').slice(1).join('.');
    return rest === t.slice(2);
  }
  return false;
}

export default defineRule({
  id: 'z2jh/ingress-without-tls',
  title: 'Ingress without TLS',
  severity: 'warning',
  appliesTo: ['z2jh_values'],
  rationale:
    'With `ingress.enabled` the hub is published through the cluster\'s ingress controller. The chart copies `ingress.tls` into the Ingress as it is; without it (or for a host that no TLS entry lists) the controller serves the hub over plain HTTP, and logins, cookies and API tokens travel unencrypted. cert-manager, too, only issues certificates for hosts listed under `tls`.',
  howToFix:
    'Add a `tls` entry for every host: `ingress.tls: [{hosts: [hub.example.org], secretName: hub-tls}]` (with cert-manager, annotate the ingress with your issuer and the Secret is created for you). If the controller or a cloud load balancer terminates TLS through annotations, the rule recognises the usual ones (`ssl-redirect`, certificate ARNs, pre-shared certificates).',
  docs: [DOCS.ref('ingress.tls'), DOCS.security('https', 'HTTPS')],
  example: {
    bad: 'ingress:\n  enabled: true\n  hosts: [hub.example.org]',
    good: 'ingress:\n  enabled: true\n  hosts: [hub.example.org]\n  annotations:\n    cert-manager.io/cluster-issuer: letsencrypt\n  tls:\n    - hosts: [hub.example.org]\n      secretName: hub-tls',
  },
  check(ctx) {
    for (const d of valuesDocs(ctx)) {
      const enabled = d.get('ingress.enabled');
      if (!enabled || boolOf(enabled.value) !== true) continue;
      const annotations = entriesOf(d.value('ingress.annotations'));
      if (annotations.some((a) => TLS_ANNOTATION.test(a.key.value))) continue;
      if (boolOf(d.value('proxy.https.enabled')) === true && strOf(d.value('proxy.https.type')) === 'offload') continue;
      const tls = d.get('ingress.tls');
      const entries = itemsOf(tls?.value);
      if (!entries.length) {
        ctx.report({
          span: enabled.value.span,
          message: `The ingress has no tls section${tls ? '' : ' here'}, so the controller serves the hub over plain HTTP: logins, cookies and tokens travel unencrypted. Add ingress.tls for its hosts${tls ? '' : ' (values files are merged: ignore this if another file sets it)'}`,
        });
        continue;
      }
      const tlsHosts = entries.flatMap((e) => itemsOf(fieldValue(e, 'hosts')).map(strOf)).filter((h): h is string => !!h);
      for (const h of itemsOf(d.value('ingress.hosts'))) {
        const host = strOf(h);
        if (!host || tlsHosts.some((t) => covers(t, host))) continue;
        ctx.report({ span: h.span, message: `The ingress host ${host} is listed in no ingress.tls entry: it is served over plain HTTP. Add it to the hosts of a tls entry` });
      }
    }
  },
});
