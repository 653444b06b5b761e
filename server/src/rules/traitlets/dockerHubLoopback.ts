import { defineRule } from '../types';
import { lastAssignment, opsFor } from '../security/util';
import { isLoopback, parseUrl, spawnerClass } from '../security/exposure/common';

export default defineRule({
  id: 'traitlets/docker-hub-loopback',
  title: 'DockerSpawner with the hub on loopback',
  severity: 'error',
  rationale:
    'By default the hub\'s API listens on 127.0.0.1 and tells user servers to connect there. A server in a Docker container has its own loopback: 127.0.0.1 inside the container is the container itself, so the single-user server cannot reach the hub ("Failed to connect to Hub API at http://127.0.0.1:8081"), and every spawn ends in a timeout. Host networking (`network_name = "host"`) is the exception. An error when the file sets the hub\'s address to loopback itself; a warning when it leaves it unset, which another config file or the command line may still set.',
  howToFix: 'Make the hub listen where containers can reach it and tell them where: `c.JupyterHub.hub_ip = "0.0.0.0"` (or the docker network\'s address) plus `c.JupyterHub.hub_connect_ip` set to the hub\'s name or address on the docker network (e.g. the hub container\'s name with docker compose).',
  docs: [
    { title: 'DockerSpawner: configuring the hub address', url: 'https://jupyterhub-dockerspawner.readthedocs.io/en/latest/' },
    { title: 'JupyterHub: networking basics', url: 'https://jupyterhub.readthedocs.io/en/stable/tutorial/getting-started/networking-basics.html' },
  ],
  example: {
    bad: 'c.JupyterHub.spawner_class = "dockerspawner.DockerSpawner"',
    good: 'c.JupyterHub.spawner_class = "dockerspawner.DockerSpawner"\nc.JupyterHub.hub_ip = "0.0.0.0"\nc.JupyterHub.hub_connect_ip = "jupyterhub"',
  },
  check(ctx) {
    if (ctx.model.kind !== 'jupyterhub_config') return;
    const sc = lastAssignment(ctx, 'JupyterHub', 'spawner_class');
    const sp = spawnerClass(ctx);
    if (!sc || sc.conditional || !sp) return;
    if (!ctx.traits.isSubclass(sp, 'DockerSpawner') && !/^(Docker|Swarm|SystemUser)Spawner$/.test(sp)) return;
    // told where to connect, or sharing the host's network: fine
    for (const [cls, trait] of [['JupyterHub', 'hub_connect_ip'], ['JupyterHub', 'hub_connect_url'], ['Spawner', 'hub_connect_url'], ['DockerSpawner', 'hub_ip_connect'], ['DockerSpawner', 'hub_connect_url']]) {
      if (opsFor(ctx, cls, trait).length) return;
    }
    for (const op of opsFor(ctx, 'DockerSpawner', 'network_name')) if (op.value.kind !== 'str' || op.value.value === 'host') return;
    for (const op of opsFor(ctx, 'DockerSpawner', 'extra_host_config')) {
      if (op.value.kind !== 'dict') return;
      if (op.value.entries.some((e) => e.key.kind === 'str' && e.key.value === 'network_mode')) return;
    }
    const bind = opsFor(ctx, 'JupyterHub', 'hub_bind_url');
    const ip = opsFor(ctx, 'JupyterHub', 'hub_ip');
    if (bind.some((o) => o.conditional || o.op !== '=') || ip.some((o) => o.conditional || o.op !== '=')) return;
    const lastBind = bind[bind.length - 1];
    const lastIp = ip[ip.length - 1];
    let at = sc.value.span;
    let explicit = true;
    let what = 'JupyterHub.hub_ip is not set (default 127.0.0.1)';
    if (!lastBind && !lastIp) explicit = false;
    if (lastBind) {
      if (lastBind.value.kind !== 'str') return;
      const u = parseUrl(lastBind.value.value);
      if (!u || !isLoopback(u.host)) return;
      at = lastBind.value.span;
      what = `JupyterHub.hub_bind_url is ${JSON.stringify(lastBind.value.value)}`;
    } else if (lastIp) {
      if (lastIp.value.kind !== 'str' || !isLoopback(lastIp.value.value)) return;
      at = lastIp.value.span;
      what = `JupyterHub.hub_ip is ${JSON.stringify(lastIp.value.value)}`;
    }
    ctx.report({
      span: at,
      severity: explicit ? undefined : 'warning',
      message: `${sp} runs servers in containers, but ${what} and neither hub_connect_ip nor hub_connect_url is set: servers try to reach the hub on their own loopback and every spawn times out`,
    });
  },
});
