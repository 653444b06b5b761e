import { defineRule } from '../../types';
import { byTrust } from '../../security/util';
import { DOCS, boolOf, field, firstKeySpan, itemsOf, strOf, valuesDocs } from './common';

export default defineRule({
  id: 'z2jh/singleuser-ingress-open',
  title: 'User pods accept connections from anywhere',
  severity: 'warning',
  appliesTo: ['z2jh_values'],
  rationale:
    'The user pods\' network policy normally admits incoming connections only to the server port and only from pods the chart labels for it (the proxy, the hub, services). `allowedIngressPorts` opens the listed ports to any source, including other users\' pods; ingress rules without `from` do the same; `interNamespaceAccessLabels: accept` extends the labelled access to pods in other namespaces. Whatever listens on those ports in a user pod (a second web app, a database, a debugger) is then reachable by others without going through the hub\'s authentication. Severity: warning for open ports and ingress rules without `from` (information with `--trust trusted-users`), information for `interNamespaceAccessLabels: accept`.',
  howToFix:
    'Keep `allowedIngressPorts: []` and give `ingress` rules a `from` that names the pods or namespaces that need access. Reach extra web apps of a user server through jupyter-server-proxy, which sits behind the hub\'s login.',
  docs: [DOCS.ref('singleuser.networkPolicy.allowedIngressPorts'), DOCS.security('netpol', 'network policies')],
  example: { bad: 'singleuser:\n  networkPolicy:\n    allowedIngressPorts: [8888, 5000]', good: 'singleuser:\n  networkPolicy:\n    allowedIngressPorts: []' },
  check(ctx) {
    const sev = byTrust(ctx, 'warning', 'information') ?? 'information';
    for (const d of valuesDocs(ctx)) {
      if (boolOf(d.value('singleuser.networkPolicy.enabled')) === false) continue;
      for (const s of d.all('singleuser.networkPolicy.allowedIngressPorts')) {
        const ports = itemsOf(s.value);
        if (!ports.length) continue;
        const names = ports.map((p) => (p.kind === 'int' ? String(p.value) : strOf(p) ?? '?'));
        ctx.report({ span: s.value.kind === 'list' && /\n/.test(ctx.model.text.slice(s.value.span.start, s.value.span.end)) ? s.keySpan : s.value.span, severity: sev, message: `User pods accept connections on port${names.length > 1 ? 's' : ''} ${names.join(', ')} from any source, other users' pods included, without the hub's authentication in between` });
      }
      for (const s of d.all('singleuser.networkPolicy.ingress')) {
        for (const rule of itemsOf(s.value)) {
          const from = field(rule, 'from');
          if (from && itemsOf(from.value).length) continue;
          ctx.report({ span: firstKeySpan(rule), severity: sev, message: 'This ingress rule has no from: user pods accept these connections from any source, other users\' pods included' });
        }
      }
      for (const s of d.all('singleuser.networkPolicy.interNamespaceAccessLabels')) {
        if (strOf(s.value) !== 'accept') continue;
        ctx.report({ span: s.value.span, severity: 'information', message: 'interNamespaceAccessLabels: accept lets labelled pods in other namespaces (and pods of labelled namespaces) reach user servers: make sure only trusted namespaces can carry the label' });
      }
    }
  },
});
