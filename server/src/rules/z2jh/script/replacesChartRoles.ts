import { defineRule } from '../../types';
import { checkReplacedList } from './replaced';

export default defineRule({
  id: 'z2jh/replaces-chart-roles',
  title: 'load_roles assignment that drops the chart\'s roles',
  severity: 'error',
  appliesTo: ['z2jh_values'],
  rationale:
    'The chart\'s hub config script builds `JupyterHub.load_roles` itself: the idle culler\'s role (when `cull.enabled`, the default; chart 2.0.0 and later) and one role per `hub.loadRoles` entry. Only then does it load `hub.config` and run `hub.extraConfig`. Assigning a new list there (`c.JupyterHub.load_roles = [...]`, or `hub.config.JupyterHub.load_roles`) throws those roles away. Without its role the culler keeps running but every API call it makes is refused with 403, so idle servers are never stopped.',
  howToFix: 'Declare roles under `hub.loadRoles` (a mapping; the chart adds them to its own), or extend the list in `hub.extraConfig` with `c.JupyterHub.load_roles.append(...)` / `+=`.',
  docs: [
    { title: 'z2jh: hub.loadRoles', url: 'https://z2jh.jupyter.org/en/stable/resources/reference.html#hub-loadroles' },
    { title: 'jupyterhub-idle-culler: permissions', url: 'https://github.com/jupyterhub/jupyterhub-idle-culler#permissions' },
  ],
  example: {
    bad: 'hub:\n  extraConfig:\n    roles: |\n      c.JupyterHub.load_roles = [{"name": "user", "scopes": ["self", "shares!user"]}]',
    good: 'hub:\n  loadRoles:\n    user:\n      scopes: ["self", "shares!user"]',
  },
  check(ctx) {
    checkReplacedList(ctx, 'load_roles', 'hub.loadRoles', 'roles');
  },
});
