import { chartValidatesValues } from '../../catalog/z2jh';
import { defineRule, type Fix } from '../types';
import { renameFor, judgeSetting } from './schemaWalk';
import { closest } from '../../util/text';

export default defineRule({
  id: 'z2jh/bad-enum',
  title: 'Chart value outside its allowed set',
  severity: 'error',
  appliesTo: ['z2jh_values'],
  rationale:
    'Some chart values only take a few words (`hub.db.type`, `proxy.service.type`, image pull policies, `scheduling.userPods.nodeAffinity.matchNodePurpose`). The schema lists them, and Helm refuses any other value, case included.',
  howToFix: 'Use one of the listed values (the quick fix offers the closest).',
  docs: [{ title: 'z2jh configuration reference', url: 'https://z2jh.jupyter.org/en/stable/resources/reference.html' }],
  fix: 'unsafe',
  example: { bad: 'hub:\n  db:\n    type: sqlite', good: 'hub:\n  db:\n    type: sqlite-pvc' },
  check(ctx) {
    // before 1.0.0 the chart had no schema: Helm let any value through to the templates
    if (!ctx.chart || !chartValidatesValues(ctx.chart.version)) return;
    for (const s of ctx.model.chart) {
      if (s.value.kind === 'none' || s.value.kind === 'dict' || s.value.kind === 'list' || (s.value.kind === 'str' && s.value.template)) continue;
      const v = judgeSetting(ctx, s);
      if (v.kind !== 'ok' || !v.node.enum) continue;
      const val = (s.value as { value?: unknown }).value;
      if (v.node.enum.some((e) => e === val)) continue;
      // a renamed or retired key is z2jh/removed-key's to report
      if (renameFor(ctx, s)) continue;
      const words = v.node.enum.filter((e): e is string => typeof e === 'string');
      const near = typeof val === 'string' ? closest(val, words) : [];
      const fixes: Fix[] = near.map((n, i) => ({ title: `Change to ${n.name}`, applicability: i === 0 && near.length === 1 ? 'unsafe' : 'suggestion', edits: [{ span: s.value.span, newText: n.name }] }));
      ctx.report({ span: s.value.span, message: `${s.path.join('.')} must be one of ${v.node.enum.map((e) => JSON.stringify(e)).join(', ')}: Helm will refuse ${JSON.stringify(val)}`, fixes });
    }
  },
});
