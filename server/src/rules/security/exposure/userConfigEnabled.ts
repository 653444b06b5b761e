import { defineRule, type Fix } from '../../types';
import { lineEnding } from '../../../util/text';
import { byTrust, isFalse, setValueFix } from '../util';
import { configPrefix, dictItems, envBool, hasSubdomains, isSpawnerClass, statementAlone, isTest } from './common';

export default defineRule({
  id: 'security/user-config-enabled',
  title: 'Users may reconfigure their own servers',
  severity: 'warning',
  fix: 'unsafe',
  rationale:
    'Unless `disable_user_config` is on, each single-user server also loads configuration from the user\'s home (`~/.jupyter`). Users can then switch off the protections the hub relies on, such as the Content-Security-Policy or token handling, and serve arbitrary pages from their server; on a single origin, other users who visit them are exposed. Upstream recommends turning it off when users are not trusted and per-user subdomains are not available.',
  howToFix:
    'Set `c.Spawner.disable_user_config = True`. Site-wide server configuration still works from `/etc/jupyter` or the environment\'s `etc/jupyter`. When the file never sets it, the rule reports (as information, for `untrusted-users` without `subdomain_host`) on the first spawner setting of the file, so a bare or non-spawner config stays quiet.',
  docs: [
    { title: 'Web security: disable user config', url: 'https://jupyterhub.readthedocs.io/en/stable/explanation/websecurity.html#disable-user-config' },
    { title: 'Spawner.disable_user_config', url: 'https://jupyterhub.readthedocs.io/en/stable/reference/api/spawner.html' },
  ],
  example: { bad: 'c.Spawner.disable_user_config = False', good: 'c.Spawner.disable_user_config = True' },
  check(ctx) {
    const ops = ctx.model.ops.filter((o) => o.trait === 'disable_user_config' && isSpawnerClass(ctx, o.cls));
    // explicitly off
    for (const op of ops) {
      if (op.op !== '=' || !isFalse(op.value) || isTest(ctx, op)) continue;
      const severity = byTrust(ctx, 'warning', 'information');
      if (!severity) continue;
      ctx.report({
        span: op.value.span,
        severity,
        message: `${op.cls}.disable_user_config = False lets every user load their own server configuration from ~/.jupyter and undo its protections. Set it to True`,
        fixes: [setValueFix(op.value.span, 'True', 'unsafe')],
      });
    }
    // never set: hardening advice for untrusted users on a single origin
    if (ops.length || ctx.trust !== 'untrusted-users' || hasSubdomains(ctx)) return;
    const envOps = ctx.model.ops.filter((o) => o.trait === 'environment' && isSpawnerClass(ctx, o.cls));
    if (dictItems(ctx, envOps).some((e) => e.key === 'JUPYTERHUB_DISABLE_USER_CONFIG' && envBool(e.value) !== false)) return;
    const first = ctx.model.ops.find((o) => isSpawnerClass(ctx, o.cls) && !isTest(ctx, o));
    if (!first) return;
    const fixes: Fix[] = [];
    const prefix = configPrefix(ctx, first);
    const text = ctx.model.text;
    let ls = first.span.start;
    while (ls > 0 && text[ls - 1] !== '\n' && text[ls - 1] !== '\r') ls--;
    if (prefix && !first.conditional && ls === first.span.start && statementAlone(ctx, first)) {
      const eol = lineEnding(text);
      fixes.push({ title: 'Add c.Spawner.disable_user_config = True', applicability: 'unsafe', edits: [{ span: { start: ls, end: ls }, newText: `${prefix}Spawner.disable_user_config = True${eol}` }] });
    }
    ctx.report({
      span: { start: first.clsSpan.start, end: first.traitSpan.end },
      severity: 'information',
      message: 'Spawner.disable_user_config is not set: user servers load each user\'s own ~/.jupyter configuration, which can undo their protections. With untrusted users and no subdomain_host, set c.Spawner.disable_user_config = True',
      fixes,
    });
  },
});
