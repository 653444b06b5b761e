import { defineRule, type Fix, type RuleContext } from '../types';
import type { TraitOp } from '../../model/types';
import { checkValue } from '../../catalog/typecheck';
import { renameEdits } from './util';
import { isLiteral, literalToJson } from '../../model/types';

/** Splits "Class.trait" or "trait" (same class). */
export function splitTarget(target: string, cls: string): [string, string] {
  const i = target.lastIndexOf('.');
  return i < 0 ? [cls, target] : [target.slice(0, i), target.slice(i + 1)];
}

/**
 * Whether a rename target exists in the judged versions: "yes"; "no" when its class is catalogued
 * but lacks the trait (e.g. CILogonOAuthenticator.idps before OAuthenticator 17.4); "unknown" when
 * the class is in no catalogue. A rename can only be safe when the target exists.
 */
export function renameTarget(ctx: RuleContext, cls: string, trait: string): 'yes' | 'no' | 'unknown' {
  if (ctx.traits.getTrait(cls, trait)) return 'yes';
  return ctx.traits.getClass(cls) ? 'no' : 'unknown';
}

/** The op's value is one the new trait accepts (judged like traitlets/type-mismatch); false when the trait is unknown. */
function valueFits(ctx: RuleContext, op: TraitOp, cls: string, trait: string): boolean {
  const t = ctx.traits.getTrait(cls, trait);
  if (!t) return false;
  if (op.op !== '=') return true;
  return !checkValue(t.entry, op.value, `${cls}.${trait}`);
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
      if (!t) {
        // a name that is no longer a trait but whose value the class still moves to the new one
        const r = ctx.traits.removedTrait(op.cls, op.trait);
        if (r?.effect === 'copied' && r.renamedTo) {
          const [nc, nt] = splitTarget(r.renamedTo, r.definedIn);
          const targetClass = nc === r.definedIn ? op.cls : nc;
          // the judged version has no such trait: the name is not moved anywhere (unknown-trait's business)
          if (renameTarget(ctx, targetClass, nt) === 'no') continue;
          ctx.report({
            span: op.traitSpan,
            message: `${op.cls}.${op.trait} is an old name${r.since ? ` (renamed in ${r.since})` : ''}: use ${targetClass}.${nt}`,
            fixes: [{ title: `Rename to ${targetClass}.${nt}`, applicability: r.exact === false || !valueFits(ctx, op, targetClass, nt) ? 'suggestion' : 'safe', edits: renameEdits(op, targetClass, nt, ctx) }],
          });
        }
        continue;
      }
      const dep = t.entry.deprecated;
      if (!dep || dep.effect === 'ignored') continue;
      // setting a deprecated trait with no replacement to its default changes nothing: not worth a warning
      if (!dep.renamedTo && op.op === '=' && isLiteral(op.value) && 'default' in t.entry && JSON.stringify(literalToJson(op.value)) === JSON.stringify(t.entry.default)) continue;
      const fixes: Fix[] = [];
      let message = `${op.cls}.${op.trait} is deprecated${dep.since ? ` since ${t.package === 'jupyterhub' ? 'JupyterHub' : t.package} ${dep.since}` : ''}`;
      const [nc, nt] = dep.renamedTo ? splitTarget(dep.renamedTo, t.definedIn) : ['', ''];
      const targetClass = nc === t.definedIn ? op.cls : nc;
      // a replacement the judged version lacks is no advice: the deprecation alone is reported
      if (dep.renamedTo && renameTarget(ctx, targetClass, nt) !== 'no') {
        message += `: use ${targetClass}.${nt}`;
        const alsoSet = ctx.model.ops.some((o) => o !== op && o.trait === nt && (o.cls === targetClass || ctx.traits.isSubclass(o.cls, targetClass)));
        // the new name must take this value as it is (CILogon's username_claim → idps does not)
        const fits = valueFits(ctx, op, targetClass, nt);
        fixes.push({ title: `Rename to ${targetClass}.${nt}`, applicability: dep.exact === false || !fits ? 'suggestion' : alsoSet ? 'unsafe' : 'safe', edits: renameEdits(op, targetClass, nt, ctx) });
      }
      // some aliases are declared with a different type: setting them stops the hub
      if (dep.effect === 'error') message += ' (setting the old name stops the hub at start-up)';
      ctx.report({ span: op.traitSpan, message, fixes, severity: dep.effect === 'error' ? 'error' : undefined });
    }
  },
});
