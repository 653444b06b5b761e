import { defineRule, type Fix } from '../types';
import { compareChartVersions } from '../../catalog/z2jh';

export default defineRule({
  id: 'z2jh/lowercase-config-section',
  title: 'hub.config section that is not a class name',
  severity: 'error',
  appliesTo: ['z2jh_values'],
  rationale:
    'Every key directly under `hub.config` must be a configurable class name such as `JupyterHub` or `GitHubOAuthenticator`. The chart\'s hub start-up script checks that each one starts with an uppercase letter and exits at once otherwise, so a lowercase section (`jupyterhub:`, `authenticator:`) leaves the hub crash-looping. Charts before 4.3.0 did not check: the section was handed to traitlets, which ignores it, so its settings silently did nothing (a warning then).',
  howToFix: 'Spell the class name with its capitals (the quick fix does it for known classes, unless the file already has a section of that name: then merge the two by hand).',
  docs: [{ title: 'z2jh: hub.config', url: 'https://z2jh.jupyter.org/en/stable/resources/reference.html#hub-config' }],
  fix: 'safe',
  example: { bad: 'hub:\n  config:\n    jupyterhub:\n      admin_access: false', good: 'hub:\n  config:\n    JupyterHub:\n      admin_access: false' },
  check(ctx) {
    const classes = ctx.traits.classNames();
    for (const s of ctx.model.chart) {
      if (s.path.length !== 3 || s.path[0] !== 'hub' || s.path[1] !== 'config') continue;
      const name = s.path[2];
      if (/^[A-Z]/.test(name)) continue;
      const known = classes.find((c) => c.toLowerCase() === name.toLowerCase());
      const fixes: Fix[] = known ? [{ title: `Change to ${known}`, applicability: 'safe', edits: [{ span: s.keySpan, newText: known }] }] : [];
      // the chart's start-up script exits on such a section since 4.3.0; before, it was silently ignored
      const exits = !ctx.chart || compareChartVersions(ctx.chart.version, '4.3.0') >= 0;
      const effect = exits ? 'the hub exits at start-up' : `chart ${ctx.chart!.version} passes it to traitlets, which ignores it: nothing in it takes effect`;
      ctx.report({ span: s.keySpan, message: `hub.config.${name}: sections must be class names starting with a capital letter; ${effect}${known ? ` (did you mean ${known}?)` : ''}`, fixes, severity: exits ? undefined : 'warning' });
    }
  },
});
