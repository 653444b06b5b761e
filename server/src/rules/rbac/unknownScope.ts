import { defineRule } from '../types';
import { DOCS, fix, pyRepr, replaceString } from './util';
import { candidatesFor, notAString, scopeFindings, scopeNameFixes } from './scopeFindings';

export default defineRule({
  id: 'rbac/unknown-scope',
  title: 'Scope that does not exist',
  severity: 'error',
  rationale:
    'When JupyterHub creates the roles at start-up it checks every scope of every role against the scope table of its version (exact, case-sensitive names; only the part before the first `!` counts). An unknown name stops the hub. The draft name `all` (now `inherit`) gets its own message, and scopes introduced by later releases (`shares`, `admin:services`, `start:servers`, ...) are unknown to older hubs. `Spawner.server_token_scopes` is checked when a server\'s token is created, so a bad scope there makes every spawn fail; `oauth_client_allowed_scopes` of spawners and services is only checked when a client asks for a scope, so a bad one is simply never granted.',
  howToFix: 'Use a scope that exists in the JupyterHub version you run; the quick fix offers the closest names. Custom scopes need the `custom:` prefix and a definition in `c.JupyterHub.custom_scopes` (3.0+).',
  docs: [DOCS.availableScopes, DOCS.scopes],
  fix: 'unsafe',
  example: { bad: 'c.JupyterHub.load_roles = [{"name": "readers", "scopes": ["read:user"], "groups": ["staff"]}]', good: 'c.JupyterHub.load_roles = [{"name": "readers", "scopes": ["read:users"], "groups": ["staff"]}]' },
  check(ctx) {
    const res = scopeFindings(ctx);
    if (!res) return;
    const { r, findings } = res;
    const version = `JupyterHub ${ctx.jupyterhubVersion}`;
    for (const f of findings) {
      const v = f.value;
      if (f.scope === undefined) {
        ctx.report({ span: v.span, severity: f.source.severity, message: notAString(ctx, f) });
        continue;
      }
      if (v.kind !== 'str' || !f.problem) continue;
      const p = f.problem;
      if (p.kind === 'draft-all') {
        const fixed = 'inherit' + (v.value.slice(3));
        ctx.report({
          span: v.span,
          severity: f.source.severity,
          message: `"all" was the draft name of the "inherit" metascope and is not a scope (JupyterHub: "Draft scope 'all' is now called 'inherit'"): in ${f.source.where} ${f.source.consequence}`,
          fixes: [fix(`Change to ${pyRepr(fixed)}`, 'safe', [replaceString(ctx, v, fixed)])],
        });
      } else if (p.kind === 'unknown') {
        let why = `Scope ${pyRepr(p.base)} does not exist in ${version}`;
        if (p.base.startsWith('custom:') && !r.b.customScopes) why += ' (custom scopes exist from JupyterHub 3.0)';
        else if (p.futureIn) why += ` (it was added in ${p.futureIn})`;
        else if (p.base !== p.base.trim()) why += ' (scope names are not trimmed)';
        ctx.report({ span: v.span, severity: f.source.severity, message: `${why}: in ${f.source.where} ${f.source.consequence}`, fixes: p.futureIn ? [] : scopeNameFixes(ctx, v, candidatesFor(r)) });
      }
    }
  },
});
