import { defineRule, type Fix } from '../types';
import { closest } from '../../util/text';
import { judgeSetting, removedIn, renameFor } from './schemaWalk';
import { chartCatalog, chartIndex, chartValidatesValues, compareChartVersions, schemaAt } from '../../catalog/z2jh';

export default defineRule({
  id: 'z2jh/unknown-key',
  scope: 'file',
  title: 'Key the chart does not know',
  severity: 'error',
  appliesTo: ['z2jh_values'],
  rationale:
    'The Zero to JupyterHub chart ships a JSON schema for its values, and most of its mappings are closed: Helm refuses to install or upgrade when a values file has a key the schema does not list there. A misspelt key is therefore not ignored but stops the deployment; only the open parts (hub.config, hub.extraConfig, hub.loadRoles, extra* fragments) accept any key. Charts before 1.0.0 shipped no schema: there an unknown key is a warning, since the chart silently ignores it. So is an unknown key set to null: Helm drops it before checking, and a misspelt `guarantee: null` then deletes nothing.',
  howToFix: 'Correct the key (the quick fix offers the closest names at that level) or remove it; check the configuration reference of your chart version.',
  docs: [{ title: 'z2jh configuration reference', url: 'https://z2jh.jupyter.org/en/stable/resources/reference.html' }],
  fix: 'unsafe',
  example: { bad: 'singleuser:\n  memmory:\n    limit: 1G', good: 'singleuser:\n  memory:\n    limit: 1G' },
  check(ctx) {
    if (!ctx.chart) return;
    for (const s of ctx.model.chart) {
      const v = judgeSetting(ctx, s);
      if (v.kind !== 'unknown' || renameFor(ctx, s) || removedIn(ctx, s)) continue;
      // hub.config.<lowercase>: z2jh/lowercase-config-section says it better
      if (s.path.length === 3 && s.path[0] === 'hub' && s.path[1] === 'config') continue;
      const key = s.path[s.path.length - 1];
      const siblings = [...Object.keys(v.parent.p ?? {}), ...Object.keys(v.parent.then?.p ?? {})];
      const near = closest(key, siblings);
      const fixes: Fix[] = near.map((n, i) => ({ title: `Change to ${n.name}`, applicability: i === 0 && (near.length === 1 || near[1].distance > n.distance) ? 'unsafe' : 'suggestion', edits: [{ span: s.keySpan, newText: n.name }] }));
      const where = s.path.length > 1 ? s.path.slice(0, -1).join('.') : 'the top level';
      const checked = chartValidatesValues(ctx.chart.version);
      // Helm drops a key set to null before it checks the values: nothing is refused, and nothing is
      // deleted either (a misspelt `guarantee: null` leaves the default in effect)
      const dropped = s.value.kind === 'none';
      const newer = newerChartWith(ctx.chart.version, s.path);
      ctx.report({
        span: s.keySpan,
        message: `"${key}" is not a key of ${where} in chart ${ctx.chart.version}: ${dropped ? 'Helm drops it (null) and it deletes nothing' : checked ? 'Helm will refuse these values' : 'charts before 1.0.0 do not check their values, so it is silently ignored'}${newer ? ` (it is a key of chart ${newer}: set the chart version if you deploy that one)` : ''}${near.length ? `. Did you mean ${near.map((n) => `"${n.name}"`).join(' or ')}?` : ''}`,
        fixes,
        severity: checked && !dropped ? undefined : 'warning',
      });
    }
  },
});

/** The oldest catalogued chart version newer than `version` that has the key (a values file written for a newer chart). */
function newerChartWith(version: string, p: string[]): string | undefined {
  const newer = chartIndex()
    .versions.filter((v) => v.file && compareChartVersions(v.chart, version) > 0)
    .sort((a, b) => compareChartVersions(a.chart, b.chart));
  for (const v of newer) {
    const root = chartCatalog(v.file!).root;
    // only a key the newer schema lists by name counts (not one an open mapping would accept)
    const parent = schemaAt(root, p.slice(0, -1));
    if (parent?.p?.[p[p.length - 1]] || parent?.then?.p?.[p[p.length - 1]]) return v.chart;
  }
  return undefined;
}
