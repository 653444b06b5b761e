import { defineRule, type Fix } from '../types';
import { renameEdits } from './util';

/** Splits "Class.trait" or "trait" (same class). */
export function splitTarget(target: string, cls: string): [string, string] {
  const i = target.lastIndexOf('.');
  return i < 0 ? [cls, target] : [target.slice(0, i), target.slice(i + 1)];
}

export default defineRule({
  id: 'traitlets/deprecated-trait',
  title: 'Deprecated trait',
  severity: 'warning',
  rationale:
    'Deprecated traits still work for now, through a compatibility shim that copies the value to the new trait and logs a warning. The shim can be removed in any release, and the two names can disagree when both are set. Moving to the new name keeps the behaviour and ends the warning.',
  howToFix: 'Rename the setting to its replacement (the quick fix does it when the rename is exact).',
  docs: [{ title: 'JupyterHub changelog', url: 'https://jupyterhub.readthedocs.io/en/stable/reference/changelog.html' }],
  fix: 'safe',
  example: { bad: "c.Authenticator.whitelist = {'alice'}", good: "c.Authenticator.allowed_users = {'alice'}" },
  check(ctx) {
    for (const op of ctx.model.ops) {
      const t = ctx.traits.getTrait(op.cls, op.trait);
      if (!t) continue;
      const dep = t.entry.deprecated;
      if (!dep || dep.effect === 'ignored') continue;
      const fixes: Fix[] = [];
      let message = `${op.cls}.${op.trait} is deprecated${dep.since ? ` since JupyterHub ${dep.since}` : ''}`;
      if (dep.renamedTo) {
        const [nc, nt] = splitTarget(dep.renamedTo, t.definedIn);
        const targetClass = nc === t.definedIn ? op.cls : nc;
        message += `: use ${targetClass}.${nt}`;
        const alsoSet = ctx.model.ops.some((o) => o !== op && o.trait === nt && (o.cls === targetClass || ctx.traits.isSubclass(o.cls, targetClass)));
        fixes.push({ title: `Rename to ${targetClass}.${nt}`, applicability: alsoSet ? 'unsafe' : 'safe', edits: renameEdits(op, targetClass, nt) });
      }
      ctx.report({ span: op.traitSpan, message, fixes });
    }
  },
});
