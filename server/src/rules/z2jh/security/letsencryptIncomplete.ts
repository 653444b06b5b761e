import { defineRule } from '../../types';
import { DOCS, boolOf, isNone, itemsOf, strOf, valuesDocs } from './common';

export default defineRule({
  id: 'z2jh/letsencrypt-incomplete',
  title: 'Automatic HTTPS without a host or contact email',
  severity: 'error',
  appliesTo: ['z2jh_values'],
  rationale:
    'With `proxy.https.enabled: true` and the default `type: letsencrypt`, the chart runs a Traefik pod that obtains certificates from Let\'s Encrypt for the names in `proxy.https.hosts`. The chart only deploys it when `hosts` lists at least one name: with an empty list the hub quietly keeps serving plain HTTP although HTTPS looks enabled. The chart\'s documentation also asks for `letsencrypt.contactEmail`, the address Let\'s Encrypt registers the account under. Severity: error when `hosts` is empty, warning when this file enables HTTPS without naming hosts (another values file may), information for a missing contact email.',
  howToFix:
    'List the hub\'s domain name(s) in `proxy.https.hosts` (with DNS pointing at the proxy-public service) and set `proxy.https.letsencrypt.contactEmail`. If TLS is handled elsewhere, choose the matching `type` (`secret`, `offload`) instead.',
  docs: [DOCS.security('setup-automatic-https', 'automatic HTTPS'), DOCS.ref('proxy.https.hosts'), DOCS.ref('proxy.https.letsencrypt.contactEmail')],
  example: {
    bad: 'proxy:\n  https:\n    enabled: true\n    hosts: []',
    good: 'proxy:\n  https:\n    enabled: true\n    hosts: [hub.example.org]\n    letsencrypt:\n      contactEmail: admin@example.org',
  },
  check(ctx) {
    for (const d of valuesDocs(ctx)) {
      const enabled = d.get('proxy.https.enabled');
      if (!enabled || boolOf(enabled.value) !== true) continue;
      const type = d.get('proxy.https.type');
      const typeName = type ? strOf(type.value) : 'letsencrypt';
      if (typeName !== 'letsencrypt') continue;
      const hosts = d.get('proxy.https.hosts');
      if (hosts && (isNone(hosts.value) || (hosts.value.kind === 'list' && hosts.value.items.length === 0))) {
        ctx.report({ span: hosts.value.span, message: 'proxy.https.hosts is empty: the chart deploys no Let\'s Encrypt proxy without a host name, so the hub keeps serving plain HTTP although HTTPS is enabled. List the hub\'s domain' });
      } else if (!hosts) {
        ctx.report({ span: enabled.value.span, severity: 'warning', message: 'Automatic HTTPS is enabled but proxy.https.hosts is not set here: without a host name the chart deploys no Let\'s Encrypt proxy and the hub serves plain HTTP. Set the hosts (ignore this if another values file does)' });
      }
      const hostsOk = hosts && itemsOf(hosts.value).length > 0;
      const email = d.get('proxy.https.letsencrypt.contactEmail');
      if (hostsOk && (!email || isNone(email.value) || (email.value.kind === 'str' && !email.value.value.trim()))) {
        ctx.report({
          span: (email ?? hosts!).keySpan,
          severity: 'information',
          message: `Let's Encrypt is given no contact address (proxy.https.letsencrypt.contactEmail${email ? ' is empty' : ' is not set here'}): the chart's setup guide asks for one, so that the account is registered to someone who can be reached`,
        });
      }
    }
  },
});
