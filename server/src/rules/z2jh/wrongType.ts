import { chartValidatesValues } from '../../catalog/z2jh';
import { defineRule, type Fix } from '../types';
import { renameFor, judgeSetting, jsonTypes } from './schemaWalk';
import type { SchemaNode } from '../../catalog/z2jh';

function allowedTypes(n: SchemaNode): string[] | undefined {
  const own = n.t === undefined ? undefined : Array.isArray(n.t) ? n.t : [n.t];
  const alts = n.any ?? [];
  if (!alts.length) return own;
  // alternatives that only require keys (oneOf: data | stringData | binaryData) leave the node's own type
  if (own && alts.every((a) => a.t === undefined && !a.any)) return own;
  const fromAlts = alts.flatMap((a) => (a.t === undefined ? ['*'] : Array.isArray(a.t) ? a.t : [a.t]));
  if (fromAlts.includes('*')) return undefined;
  return [...(own ?? []), ...fromAlts];
}

export default defineRule({
  id: 'z2jh/wrong-type',
  title: 'Chart value of the wrong type',
  severity: 'error',
  appliesTo: ['z2jh_values'],
  rationale:
    'Helm checks every value against the type the chart schema declares, and refuses to deploy when one does not match: a quoted "true" where a boolean is expected, a mapping where a list is expected, a number where a string is expected. A `null` is always allowed: it removes the chart default.',
  howToFix: 'Write the value in the type the chart expects (the quick fix unquotes booleans and numbers where that is what was meant).',
  docs: [{ title: 'z2jh configuration reference', url: 'https://z2jh.jupyter.org/en/stable/resources/reference.html' }],
  fix: 'safe',
  example: { bad: 'hub:\n  allowNamedServers: "true"', good: 'hub:\n  allowNamedServers: true' },
  check(ctx) {
    // before 1.0.0 the chart had no schema: Helm let any value through to the templates
    if (!ctx.chart || !chartValidatesValues(ctx.chart.version)) return;
    for (const s of ctx.model.chart) {
      if (s.value.kind === 'none') continue;
      const have = jsonTypes(s.value);
      if (!have.length) continue;
      const v = judgeSetting(ctx, s);
      if (v.kind !== 'ok') continue;
      const want = allowedTypes(v.node);
      if (!want || want.some((t) => have.includes(t))) continue;
      // a renamed or retired key (the old string form of hub.extraConfig) is z2jh/removed-key's to report
      if (renameFor(ctx, s)) continue;
      const fixes: Fix[] = [];
      if (s.value.kind === 'str') {
        const t = s.value.value.trim();
        if (want.includes('boolean') && /^(true|false)$/i.test(t)) fixes.push({ title: `Write ${t.toLowerCase()}`, applicability: 'safe', edits: [{ span: s.value.span, newText: t.toLowerCase() }] });
        else if ((want.includes('integer') || want.includes('number')) && /^-?\d+(\.\d+)?$/.test(t) && (want.includes('number') || /^-?\d+$/.test(t))) {
          // "010" unquoted is 8 for YAML 1.1 readers (Helm, the chart): write the decimal reading, and only as a guess
          const agreed = /^-?(0|[1-9]\d*)(\.\d+)?$/.test(t);
          const plain = agreed ? t : String(Number(t));
          fixes.push({ title: `Write ${plain}`, applicability: agreed ? 'safe' : 'unsafe', edits: [{ span: s.value.span, newText: plain }] });
        }
      } else if (want.includes('string') && (s.value.kind === 'int' || s.value.kind === 'float' || s.value.kind === 'bool')) {
        const text = ctx.model.text.slice(s.value.span.start, s.value.span.end);
        fixes.push({ title: `Quote it: "${text}"`, applicability: 'safe', edits: [{ span: s.value.span, newText: `"${text}"` }] });
      }
      ctx.report({ span: s.value.span, message: `${s.path.join('.')} must be ${want.filter((t) => t !== 'null').join(' or ')}, not ${have[0]}: Helm will refuse these values`, fixes });
    }
  },
});
