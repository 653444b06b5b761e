import { defineRule, type Fix } from '../types';
import { removedIn, renameFor } from './schemaWalk';
import { hasRenamedChildren } from '../../catalog/z2jh';
import { compareChartVersions } from '../../catalog/z2jh';

export default defineRule({
  id: 'z2jh/removed-key',
  scope: 'file',
  title: 'Chart key that was renamed or removed',
  severity: 'error',
  appliesTo: ['z2jh_values'],
  rationale:
    'The chart renames and retires values between major versions (the 0.x `auth.*` block became `hub.config.*`, `rbac.enabled` became `rbac.create`, `cloudMetadata.enabled` became `blockWithIptables` with the opposite meaning). Depending on the version, an old key makes Helm refuse the values, makes the chart abort with a message, or is silently ignored, so the setting you meant is not in effect.',
  howToFix: 'Move the value to its new key (the quick fix does it when the new key sits beside the old one, is not set yet, and the value carries over), following the upgrade notes of the chart.',
  docs: [{ title: 'z2jh upgrade guide', url: 'https://z2jh.jupyter.org/en/stable/administrator/upgrading/index.html' }],
  fix: 'safe',
  example: { bad: 'rbac:\n  enabled: true', good: 'rbac:\n  create: true' },
  check(ctx) {
    if (!ctx.chart) return;
    const version = ctx.chart.version;
    const reached = (v?: string) => !!v && compareChartVersions(v, version) <= 0;
    for (const s of ctx.model.chart) {
      const r = renameFor(ctx, s);
      const dotted = s.path.join('.');
      if (r) {
        const targets = r.to === null || r.to === undefined ? [] : Array.isArray(r.to) ? r.to : [r.to];
        const hard = reached(r.rejected) || reached(r.fails);
        const effect = reached(r.rejected) ? 'Helm will refuse these values' : reached(r.fails) ? 'the chart aborts the install' : reached(r.ignored) ? 'it is ignored' : 'it still works, with a notice';
        let message = `${dotted} was ${targets.length ? `renamed to ${targets.join(' and ')}` : 'removed'}${r.since ? ` in chart ${r.since}` : ''}: ${effect}`;
        if (r.invert) message += ' (the new key means the opposite: flip the value)';
        const fixes: Fix[] = [];
        // a sibling rename: same parent, new key name; the value carries over (flipped if inverted)
        const to = targets.length === 1 ? targets[0] : undefined;
        if (r.exact && to && !r.from.includes('*') && to.split('.').slice(0, -1).join('.') === s.path.slice(0, -1).join('.')) {
          const edits = [{ span: s.keySpan, newText: to.split('.').pop()! }];
          let ok = true;
          if (r.invert) {
            if (s.value.kind === 'bool') edits.push({ span: s.value.span, newText: String(!s.value.value) });
            else ok = false;
          }
          if (ok) fixes.push({ title: `Rename to ${to}${r.invert ? ' and flip the value' : ''}`, applicability: 'safe', edits });
        }
        ctx.report({ span: s.keySpan, message, fixes, severity: hard ? 'error' : reached(r.ignored) ? 'warning' : 'information' });
        continue;
      }
      // a retired block whose keys have their own rename entries is reported key by key
      if (hasRenamedChildren(dotted)) continue;
      const last = removedIn(ctx, s);
      if (last) ctx.report({ span: s.keySpan, message: `${dotted} was removed from the chart after ${last}: chart ${version} does not use it` });
    }
  },
});
