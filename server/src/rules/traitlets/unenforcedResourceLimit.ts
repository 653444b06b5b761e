import { defineRule } from '../types';
import { lastAssignment } from '../security/util';
import { spawnerClass } from '../security/exposure/common';

const LIMITS: Record<string, string> = {
  mem_limit: 'does not limit memory: one user can use all the memory of the host',
  cpu_limit: 'does not limit CPU: one user can keep every core of the host busy',
  mem_guarantee: 'does not reserve memory for a server',
  cpu_guarantee: 'does not reserve CPU for a server',
};

/** Spawners that accept the resource traits (from Spawner) and do nothing with them. */
const NOT_ENFORCING = new Set(['LocalProcessSpawner', 'SimpleLocalProcessSpawner', 'SudoSpawner']);

export default defineRule({
  id: 'traitlets/unenforced-resource-limit',
  title: 'Resource limit that the spawner does not enforce',
  severity: 'warning',
  rationale:
    '`mem_limit`, `cpu_limit`, `mem_guarantee` and `cpu_guarantee` are declared on the base `Spawner`, so every spawner accepts them, but only spawners that run servers in a cgroup, container or pod apply them. The default LocalProcessSpawner (and SimpleLocalProcessSpawner, SudoSpawner) only passes the values on as environment variables (`MEM_LIMIT`, `CPU_LIMIT`): servers run without any limit, and the first heavy notebook can take the whole machine down for everyone.',
  howToFix: 'Use a spawner that enforces limits: SystemdSpawner (servers as systemd units on the same host), DockerSpawner or KubeSpawner. Otherwise remove the setting, or enforce limits outside JupyterHub (e.g. systemd slices or ulimits for the hub\'s users).',
  docs: [{ title: 'JupyterHub: spawners and resource limits', url: 'https://jupyterhub.readthedocs.io/en/stable/reference/spawners.html#spawners-resource-limits' }],
  example: { bad: 'c.Spawner.mem_limit = "4G"', good: 'c.JupyterHub.spawner_class = "systemdspawner.SystemdSpawner"\nc.Spawner.mem_limit = "4G"' },
  check(ctx) {
    // z2jh: the chart's KubeSpawner enforces limits unless the values select another spawner
    if (ctx.model.kind !== 'jupyterhub_config' && !lastAssignment(ctx, 'JupyterHub', 'spawner_class')) return;
    const sc = lastAssignment(ctx, 'JupyterHub', 'spawner_class');
    if (sc?.conditional) return;
    const sp = spawnerClass(ctx);
    if (!sp || !NOT_ENFORCING.has(sp)) return;
    for (const op of ctx.model.ops) {
      const what = LIMITS[op.trait];
      if (!what || op.op !== '=') continue;
      // only settings the selected spawner reads (Spawner or one of its own classes)
      if (op.cls !== sp && op.cls !== 'Spawner' && !ctx.traits.isSubclass(sp, op.cls)) continue;
      const v = op.value;
      if (v.kind === 'none' || ((v.kind === 'int' || v.kind === 'float') && v.value === 0) || (v.kind === 'str' && v.value.trim() === '')) continue;
      ctx.report({
        span: op.traitSpan,
        message: `${op.cls}.${op.trait} is accepted but ${sp} ${what}. Spawners that enforce it: SystemdSpawner, DockerSpawner, KubeSpawner`,
      });
    }
  },
});
