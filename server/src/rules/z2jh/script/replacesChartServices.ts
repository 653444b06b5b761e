import { defineRule } from '../../types';
import { checkReplacedList } from './replaced';

export default defineRule({
  id: 'z2jh/replaces-chart-services',
  title: 'services assignment that drops the chart\'s services',
  severity: 'error',
  appliesTo: ['z2jh_values'],
  rationale:
    'The chart\'s hub config script fills `JupyterHub.services` itself: the idle culler (when `cull.enabled`, the default) and one service per `hub.services` entry, with its API token from the chart\'s Secret. `hub.extraConfig` runs afterwards, so `c.JupyterHub.services = [...]` there throws those services away: the culler is no longer started. `hub.config.JupyterHub.services` is removed by the chart before it loads `hub.config`, so it never takes effect at all.',
  howToFix: 'Declare services under `hub.services` (a mapping; the chart adds them to its own), or extend the list in `hub.extraConfig` with `c.JupyterHub.services.append(...)` / `+=`.',
  docs: [{ title: 'z2jh: hub.services', url: 'https://z2jh.jupyter.org/en/stable/resources/reference.html#hub-services' }],
  example: {
    bad: 'hub:\n  extraConfig:\n    svc: |\n      c.JupyterHub.services = [{"name": "stats", "url": "http://stats:8000"}]',
    good: 'hub:\n  services:\n    stats:\n      url: http://stats:8000',
  },
  check(ctx) {
    checkReplacedList(ctx, 'services', 'hub.services', 'services');
  },
});
