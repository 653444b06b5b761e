import type { TraitOp } from '../../../model/types';
import { defineRule, type Fix } from '../../types';
import { setValueFix } from '../util';
import { isAllInterfaces, isRemoteSpawner, liveOps, parseUrl, pyString, spawnerClass } from './common';

/** hub_ip / hub_bind_url ops that make the hub's internal API listen on every interface. */
export function hubListensEverywhere(ctx: Parameters<typeof liveOps>[0]): { op: TraitOp; what: string; fix?: Fix }[] {
  const out: { op: TraitOp; what: string; fix?: Fix }[] = [];
  for (const op of liveOps(ctx, 'JupyterHub', 'hub_ip')) {
    if (op.op !== '=' || op.value.kind !== 'str' || !isAllInterfaces(op.value.value)) continue;
    const lit = pyString(ctx, op.value, '127.0.0.1');
    out.push({ op, what: `JupyterHub.hub_ip = ${JSON.stringify(op.value.value)}`, fix: lit ? setValueFix(op.value.span, lit, 'unsafe', 'Listen on 127.0.0.1 only (the default)') : undefined });
  }
  for (const op of liveOps(ctx, 'JupyterHub', 'hub_bind_url')) {
    if (op.op !== '=' || op.value.kind !== 'str') continue;
    const u = parseUrl(op.value.value);
    if (!u || !isAllInterfaces(u.host)) continue;
    const local = op.value.value.trim().replace(/^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)(\[[^\]]*\]|[^/:?#]*)/, (_m, scheme: string) => `${scheme}127.0.0.1`);
    const lit = pyString(ctx, op.value, local);
    out.push({ op, what: `JupyterHub.hub_bind_url = ${JSON.stringify(op.value.value)}`, fix: lit ? setValueFix(op.value.span, lit, 'unsafe', `Listen on 127.0.0.1 only (${local})`) : undefined });
  }
  return out;
}

export default defineRule({
  id: 'security/hub-ip-all-interfaces',
  title: 'Hub API listening on every interface',
  severity: 'information',
  fix: 'unsafe',
  rationale:
    'The hub\'s own HTTP server (port 8081 by default) serves its REST API and OAuth endpoints to the proxy and to user servers. By default it listens on 127.0.0.1 only; on every interface it is reachable from the whole network, past the proxy and whatever protection sits in front of it. Inside a container, or when user servers run on other machines, listening more widely is required, and this advice is moot.',
  howToFix:
    'When the proxy and all user servers run on this host, remove the setting (the default is `127.0.0.1`). When the hub runs in a container or user servers run elsewhere, keep it, and restrict who can reach the port with a firewall or network policy; set `hub_connect_ip`/`hub_connect_url` to the address servers should use. The rule stays quiet for container and batch spawners.',
  docs: [
    { title: 'JupyterHub.hub_ip and hub_bind_url', url: 'https://jupyterhub.readthedocs.io/en/stable/reference/api/app.html' },
    { title: 'Networking basics: configuring the hub if spawners or proxy are remote or isolated', url: 'https://jupyterhub.readthedocs.io/en/stable/tutorial/getting-started/networking-basics.html' },
  ],
  example: { bad: 'c.JupyterHub.hub_ip = "0.0.0.0"', good: '# (not set: the hub listens on 127.0.0.1)' },
  check(ctx) {
    const sp = spawnerClass(ctx);
    // servers in containers, pods or on batch nodes must reach the hub: listening widely is required there
    if (!sp || isRemoteSpawner(ctx, sp)) return;
    for (const b of hubListensEverywhere(ctx)) {
      ctx.report({
        span: b.op.value.span,
        message: `${b.what} makes the hub's internal API reachable from the whole network. Needed when the hub runs in a container or servers run on other hosts; otherwise keep the default 127.0.0.1`,
        fixes: b.fix ? [b.fix] : [],
      });
    }
  },
});
