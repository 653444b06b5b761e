import { defineRule, type Fix } from '../types';
import { renameEdits } from './util';
import { renameTarget, splitTarget } from './deprecatedTrait';

/** Settings that do nothing and whose absence weakens access control. */
const SECURITY_NO_OPS = new Set(['blacklist', 'group_whitelist', 'blocked_users', 'allowed_groups']);

export default defineRule({
  id: 'traitlets/ineffective-trait',
  title: 'Setting that silently does nothing',
  severity: 'warning',
  rationale:
    'Some old names are still accepted by Python but no longer do anything: either they stopped being traits (traitlets only logs a generic "not recognized" line, if anything), or the trait is still declared but nothing reads it. The hub starts normally and behaves as if the line were not there. For block lists and group allow lists this means people you meant to keep out can log in.',
  howToFix: 'Use the replacement setting, which the quick fix writes when there is one.',
  docs: [{ title: 'Authenticator allow and block lists', url: 'https://jupyterhub.readthedocs.io/en/stable/tutorial/getting-started/authenticators-users-basics.html' }],
  fix: 'unsafe',
  example: { bad: "c.Authenticator.blacklist = {'mallory'}", good: "c.Authenticator.blocked_users = {'mallory'}" },
  check(ctx) {
    for (const op of ctx.model.ops) {
      let since: string | undefined;
      let startupError = false;
      let renamedTo: string | undefined;
      let owner = op.cls;
      let pkg = 'JupyterHub';
      const t = ctx.traits.getTrait(op.cls, op.trait);
      if (t) {
        if (t.entry.deprecated?.effect !== 'ignored') continue;
        since = t.entry.deprecated.since;
        renamedTo = t.entry.deprecated.renamedTo;
        owner = t.definedIn;
        if (t.package !== 'jupyterhub') pkg = t.package;
      } else {
        const r = ctx.traits.removedTrait(op.cls, op.trait);
        if (!r || r.effect === 'copied') continue;
        if (r.effect === 'error') startupError = true;
        since = r.since;
        renamedTo = r.renamedTo;
        owner = r.definedIn;
        const p = ctx.traits.getClass(r.definedIn)?.package;
        if (p && p !== 'jupyterhub') pkg = p;
      }
      const fixes: Fix[] = [];
      let message = startupError
        ? `${op.cls}.${op.trait} is no longer accepted${since ? ` since ${pkg} ${since}` : ''}: setting it stops the hub at start-up`
        : `${op.cls}.${op.trait} does nothing${since ? ` since ${pkg} ${since}` : ''}`;
      const [nc, nt] = renamedTo ? splitTarget(renamedTo, owner) : ['', ''];
      const targetClass = nc === owner ? op.cls : nc;
      // no advice to use a trait the judged version lacks
      if (renamedTo && renameTarget(ctx, targetClass, nt) !== 'no') {
        message += `: use ${targetClass}.${nt}`;
        fixes.push({ title: `Rename to ${targetClass}.${nt}`, applicability: 'unsafe', edits: renameEdits(op, targetClass, nt, ctx) });
      }
      const security = SECURITY_NO_OPS.has(op.trait);
      if (security) message += ' (the access rule you wrote is not applied)';
      ctx.report({ span: op.traitSpan, message, fixes, severity: security || startupError ? 'error' : undefined });
    }
  },
});
