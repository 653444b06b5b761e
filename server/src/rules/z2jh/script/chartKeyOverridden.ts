import { defineRule } from '../../types';
import type { TraitOp } from '../../../model/types';
import { chartValue, guardsHold, scriptOf, settingAt, snippetOf, where } from './util';

const show = (v: unknown): string => {
  const s = JSON.stringify(v);
  return s && s.length > 40 ? `${s.slice(0, 37)}...` : String(s);
};

export default defineRule({
  id: 'z2jh/chart-key-overridden',
  title: 'Chart key and the trait it sets both given',
  severity: 'warning',
  appliesTo: ['z2jh_values'],
  rationale:
    'Many chart keys are copied by the chart\'s hub config script onto a trait (`singleuser.memory.limit` onto `KubeSpawner.mem_limit`, `singleuser.extraEnv` onto `KubeSpawner.environment`, ...). The script sets those first, then merges `hub.config`, then runs the `hub.extraConfig` snippets in key order, so a value given for the same trait there silently replaces the chart key. The other way round, a setting on a base class section (`c.Spawner.mem_limit`) loses to the chart\'s value on the subclass section (`KubeSpawner`), whichever comes later. Either way one of the two settings is dead, and the file reads as if both applied. When the snippet sets the trait only under a condition, the finding is information: the chart key may be what applies.',
  howToFix: 'Keep one of the two: usually the chart key, and drop the trait setting (or set the trait on the class the chart uses).',
  docs: [{ title: 'z2jh: hub.extraConfig', url: 'https://z2jh.jupyter.org/en/stable/resources/reference.html#hub-extraconfig' }],
  example: {
    bad: 'singleuser:\n  memory:\n    limit: 2G\nhub:\n  extraConfig:\n    mem: |\n      c.KubeSpawner.mem_limit = "4G"',
    good: 'singleuser:\n  memory:\n    limit: 4G',
  },
  check(ctx) {
    const script = scriptOf(ctx);
    if (!script) return;
    // settings of hub.config and hub.extraConfig (any operation: on a base class section even an
    // update or append is shadowed by the chart's value on the subclass section)
    const user = ctx.model.ops.filter((op: TraitOp) => op.origin === 'hub.config' || snippetOf(ctx, op) !== undefined);
    if (!user.length) return;
    for (const t of script.traits) {
      const [cls, trait] = t.trait.split('.');
      const mine = user.filter((op) => op.trait === trait && (op.cls === cls || ctx.traits.isSubclass(op.cls, cls) || ctx.traits.isSubclass(cls, op.cls)));
      if (!mine.length) continue;
      if (guardsHold(ctx, t.when) === false) continue;
      // an assignment that reads the trait's current value builds on the chart's value
      const own = mine.filter((op) => !ctx.model.text.slice(op.value.span.start, op.value.span.end).includes(`.${trait}`));
      const setting = settingAt(ctx, t.key);
      for (const op of own) {
        if (op.cls === cls || ctx.traits.isSubclass(op.cls, cls)) {
          // the user's setting comes later (or is on a more specific class): an assignment wins over the chart key
          if (op.op !== '=') continue;
          if (!setting) {
            // not given: the chart's default mapping is still replaced (e.g. the pod label that the
            // hub's network policy admits, the default of singleuser.extraLabels)
            const { value } = chartValue(ctx, t.key);
            if (op.value.kind !== 'dict' || !value || typeof value !== 'object' || Array.isArray(value)) continue;
            const given = new Set(op.value.entries.map((e) => (e.key.kind === 'str' ? e.key.value : '')));
            const lost = Object.keys(value as object).filter((k) => !given.has(k));
            if (!lost.length) continue;
            ctx.report({
              span: op.traitSpan,
              message: `${where(ctx, op)} replaces the chart's default for ${t.key} (${show(value)}): ${lost.join(', ')} ${lost.length > 1 ? 'are' : 'is'} lost. Add to it instead (c.${op.cls}.${trait}.update(...)) or set ${t.key}`,
            });
            continue;
          }
          if (t.how === 'set' && setting.value.kind === 'none') continue;
          ctx.report({
            span: setting.keySpan,
            // under a condition the chart key may well be what applies: a note, not a warning
            severity: op.conditional ? 'information' : undefined,
            message: op.conditional
              ? `${t.key} is replaced whenever the condition around ${where(ctx, op)} holds: that snippet sets ${op.cls}.${trait} after the chart copied ${t.key} onto ${t.trait}`
              : `${t.key} has no effect: ${where(ctx, op)} sets ${op.cls}.${trait} after the chart copied ${t.key} onto ${t.trait}`,
          });
        } else {
          // the user's setting is on a base class section: the chart's subclass value wins
          const { value, known } = chartValue(ctx, t.key);
          if (!known || (t.how === 'set' && value === null)) continue;
          const from = setting ? t.key : `${t.key} (chart default ${show(value)})`;
          ctx.report({
            span: op.traitSpan,
            message: `${where(ctx, op)} has no effect: chart ${script.chart} sets ${t.trait} from ${from}, and the ${cls} section takes precedence over ${op.cls}; set ${t.key} instead`,
          });
        }
      }
    }
  },
});
