import { defineRule, type Fix } from '../../types';
import { byTrust } from '../util';
import { configPrefix, isSpawnerClass, listItems, pyString, statementAlone, isTest } from './common';

const ARG = /^--(?:\w+\.)?KernelManager\.transport=(['"]?)(\w+)\1$/;

export default defineRule({
  id: 'security/kernel-tcp-transport',
  title: 'Kernels reachable over local TCP ports',
  severity: 'information',
  fix: 'suggestion',
  rationale:
    'With the default `tcp` transport each kernel listens on localhost ports that every account on the machine can connect to. Internal SSL does not cover these sockets, so on a host shared by several users others can bind to them or listen in; the `ipc` transport uses Unix sockets protected by file permissions. This is a setting of the single-user server: in `jupyterhub_config.py`, `c.KernelManager.transport` only configures the hub process, which runs no kernels.',
  howToFix:
    'Pass it to the user servers: `c.Spawner.args = ["--KernelManager.transport=ipc"]` (the suggested edit appends it), or set it in a `jupyter_server_config.py` of the server environment. Reported for `untrusted-users` only; with one user per container or pod it matters little.',
  docs: [
    { title: 'Web security: encrypt internal connections (kernel sockets)', url: 'https://jupyterhub.readthedocs.io/en/stable/explanation/websecurity.html#encrypt-internal-connections-with-ssl-tls' },
    { title: 'jupyter_client: KernelManager', url: 'https://jupyter-client.readthedocs.io/en/stable/api/jupyter_client.html' },
  ],
  example: { bad: 'c.Spawner.args = ["--KernelManager.transport=tcp"]', good: 'c.Spawner.args = ["--KernelManager.transport=ipc"]' },
  check(ctx) {
    const severity = byTrust(ctx, 'information', undefined);
    if (!severity) return;
    // the hub-side setting: tcp (explicitly insecure) or ipc (a good intent that never reaches the servers)
    for (const op of ctx.model.ops) {
      if (op.trait !== 'transport' || op.op !== '=' || !/KernelManager$/.test(op.cls) || op.value.kind !== 'str' || isTest(ctx, op)) continue;
      const t = op.value.value.toLowerCase();
      if (t !== 'tcp' && t !== 'ipc') continue;
      const fixes: Fix[] = [];
      const prefix = configPrefix(ctx, op);
      const lit = pyString(ctx, op.value, '--KernelManager.transport=ipc');
      if (prefix && lit && !op.conditional && statementAlone(ctx, op)) {
        fixes.push({ title: 'Pass --KernelManager.transport=ipc to the user servers instead', applicability: 'suggestion', edits: [{ span: op.span, newText: `${prefix}Spawner.args.append(${lit})` }] });
      }
      ctx.report({
        span: op.value.span,
        severity,
        message: t === 'tcp'
          ? `${op.cls}.transport = 'tcp' leaves kernel ports open to every local account; and in jupyterhub_config.py it only configures the hub process. Pass --KernelManager.transport=ipc to the user servers (Spawner.args)`
          : `${op.cls}.transport = 'ipc' in jupyterhub_config.py only configures the hub process: user servers keep TCP kernel ports. Pass --KernelManager.transport=ipc to them (Spawner.args)`,
        fixes,
      });
    }
    // the server-side setting: --KernelManager.transport=tcp in Spawner.args
    const argOps = ctx.model.ops.filter((o) => o.trait === 'args' && isSpawnerClass(ctx, o.cls) && !isTest(ctx, o));
    for (const item of listItems(ctx, argOps)) {
      if (item.value.kind !== 'str') continue;
      const m = ARG.exec(item.value.value.trim());
      if (!m || m[2].toLowerCase() !== 'tcp') continue;
      const lit = pyString(ctx, item.value, item.value.value.replace(/tcp/i, 'ipc'));
      ctx.report({
        span: item.value.span,
        severity,
        message: 'User servers are told to use TCP kernel sockets, which every local account can connect to. Use --KernelManager.transport=ipc',
        fixes: lit ? [{ title: 'Use the ipc transport', applicability: 'suggestion', edits: [{ span: item.value.span, newText: lit }] }] : [],
      });
    }
  },
});
