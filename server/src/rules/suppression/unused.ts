import { defineRule } from '../types';

export default defineRule({
  id: 'suppression/unused',
  title: 'Suppression comment that suppresses nothing',
  severity: 'warning',
  rationale:
    'A `# hubcfg: disable=…` comment that matches no finding is either stale (the problem was fixed, so the comment now only hides a future one) or names a rule that does not exist (a typo, so the finding it was meant to silence is still shown). Either way it misleads the next reader.',
  howToFix: 'Remove the rule id from the comment, or the whole comment (the quick fix does it), or correct the rule id.',
  docs: [{ title: 'hubcfg rules', url: 'https://github.com/hubcfg/hubcfg/blob/main/docs/rules/README.md' }],
  fix: 'safe',
  example: { bad: 'c.JupyterHub.admin_access = False  # hubcfg: disable=security/admin-access', good: 'c.JupyterHub.admin_access = False' },
  // reported by the engine after the other rules ran (see ../../suppress.ts); nothing to do here
  check() {},
});
