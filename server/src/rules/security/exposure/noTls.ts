import type { TraitOp } from '../../../model/types';
import { defineRule, type Fix } from '../../types';
import { byTrust, opsFor, setValueFix } from '../util';
import { isAllInterfaces, isLoopback, isSetToSomething, liveOps, parseUrl, pyString, setsSomething } from './common';

/** Comments that say TLS is handled in front of the hub. */
const TERMINATION = /\b(tls|ssl|https)\b[^\n]*\b(terminat\w*|offload\w*)|\b(terminat\w*|offload\w*)\b[^\n]*\b(tls|ssl|https)\b|reverse[- ]?proxy|\bingress\b|load[- ]?balancer|\b(nginx|traefik|caddy|haproxy|apache|envoy|cloudflare)\b/i;

/** Signs in the settings that something else serves the public side (TLS may well be there). */
function tlsElsewhere(ctx: Parameters<typeof setsSomething>[0]): boolean {
  if (setsSomething(ctx, 'JupyterHub', 'ssl_cert') || setsSomething(ctx, 'JupyterHub', 'ssl_key')) return true;
  // an https:// public address, or one the file computes
  const https = (trait: string) => opsFor(ctx, 'JupyterHub', trait).some((o) => o.op === '=' && (o.value.kind === 'str' ? /^https:\/\//i.test(o.value.value.trim()) : isSetToSomething(o.value)));
  if (https('bind_url') || https('public_url') || https('subdomain_host')) return true;
  if (setsSomething(ctx, 'JupyterHub', 'trusted_downstream_ips') || setsSomething(ctx, 'JupyterHub', 'forwarded_host_header')) return true;
  // an external or non-default proxy is configured on its own
  if (opsFor(ctx, 'Proxy', 'should_start').some((o) => o.op === '=' && !(o.value.kind === 'bool' && o.value.value))) return true;
  if (opsFor(ctx, 'JupyterHub', 'proxy_class').some((o) => o.op === '=' && !(o.value.kind === 'str' && /^(configurable-http-proxy|default|jupyterhub\.proxy\.ConfigurableHTTPProxy|ConfigurableHTTPProxy)$/.test(o.value.value)))) return true;
  return ctx.model.comments.some((c) => TERMINATION.test(c.text) && !/hubcfg:/.test(c.text));
}

export default defineRule({
  id: 'security/no-tls',
  title: 'Public hub without TLS',
  severity: 'warning',
  fix: 'suggestion',
  rationale:
    'The public port carries passwords, login cookies and API tokens. Bound to all interfaces without `ssl_cert`/`ssl_key`, the hub serves them in clear text to anyone on the path, unless something in front terminates TLS. JupyterHub itself only logs a hopeful warning about SSL termination "somewhere else".',
  howToFix:
    'Either give the hub a certificate (`c.JupyterHub.ssl_cert` and `c.JupyterHub.ssl_key`, e.g. from Let\'s Encrypt) or put a TLS-terminating reverse proxy in front and bind the hub to `127.0.0.1` (or a private address). If TLS already ends in front of the hub, say so in a comment (e.g. `# TLS is terminated by the nginx reverse proxy`) and the rule stays quiet.',
  docs: [
    { title: 'Security basics: enabling SSL encryption', url: 'https://jupyterhub.readthedocs.io/en/stable/tutorial/getting-started/security-basics.html#enabling-ssl-encryption' },
    { title: 'Running JupyterHub behind a reverse proxy', url: 'https://jupyterhub.readthedocs.io/en/stable/howto/configuration/config-proxy.html' },
  ],
  example: {
    bad: 'c.JupyterHub.ip = "0.0.0.0"\nc.JupyterHub.port = 443',
    good: 'c.JupyterHub.bind_url = "https://hub.example.org:443"\nc.JupyterHub.ssl_cert = "/etc/letsencrypt/live/hub.example.org/fullchain.pem"\nc.JupyterHub.ssl_key = "/etc/letsencrypt/live/hub.example.org/privkey.pem"',
  },
  check(ctx) {
    const severity = byTrust(ctx, 'warning', 'information');
    if (!severity || tlsElsewhere(ctx)) return;
    const binds: { op: TraitOp; what: string; fix?: Fix }[] = [];
    const ipOps = liveOps(ctx, 'JupyterHub', 'ip').filter((o) => o.op === '=');
    const urlOps = liveOps(ctx, 'JupyterHub', 'bind_url').filter((o) => o.op === '=');
    for (const op of ipOps) {
      if (op.value.kind !== 'str' || !isAllInterfaces(op.value.value)) continue;
      const lit = pyString(ctx, op.value, '127.0.0.1');
      binds.push({ op, what: `JupyterHub.ip = ${JSON.stringify(op.value.value)} listens on every interface`, fix: lit ? setValueFix(op.value.span, lit, 'suggestion', 'Bind to 127.0.0.1 (and serve the public side from a TLS-terminating proxy)') : undefined });
    }
    for (const op of urlOps) {
      if (op.value.kind !== 'str') continue;
      const u = parseUrl(op.value.value);
      if (!u || u.scheme !== 'http' || isLoopback(u.host)) continue;
      binds.push({ op, what: `JupyterHub.bind_url = ${JSON.stringify(op.value.value)} serves plain HTTP on ${isAllInterfaces(u.host) ? 'every interface' : u.host}` });
    }
    // port 80/443 on the default address (all interfaces)
    const ipIsLocal = ipOps.some((o) => o.value.kind !== 'str' || !isAllInterfaces(o.value.value));
    if (!ipIsLocal && !urlOps.length) {
      for (const op of liveOps(ctx, 'JupyterHub', 'port')) {
        if (op.op === '=' && op.value.kind === 'int' && (op.value.value === 80 || op.value.value === 443)) binds.push({ op, what: `JupyterHub.port = ${op.value.value} on the default address (every interface)` });
      }
    }
    if (!binds.length) return;
    binds.sort((a, b) => a.op.span.start - b.op.span.start);
    const first = binds[0];
    ctx.report({
      span: first.op.value.span,
      severity,
      message: `${first.what}, but neither ssl_cert nor ssl_key is set and nothing says TLS is terminated in front: logins, cookies and tokens would cross the network unencrypted. Set ssl_cert/ssl_key, or bind locally behind a TLS-terminating proxy (and say so in a comment)`,
      fixes: first.fix ? [first.fix] : [],
    });
  },
});
