import { defineRule } from '../types';
import { closest } from '../../util/text';
import { DOCS, fix, pyRepr, replaceString } from './util';
import { scopeFindings } from './scopeFindings';

export default defineRule({
  id: 'rbac/undefined-custom-scope',
  title: 'Custom scope that is not defined',
  severity: 'error',
  rationale:
    'From JupyterHub 3.0, scopes starting with `custom:` are valid only once `c.JupyterHub.custom_scopes` defines them. A role that uses an undefined custom scope stops the hub at start-up, exactly as an unknown built-in scope does; in `Spawner.server_token_scopes` it makes every spawn fail.',
  howToFix: 'Define the scope in `c.JupyterHub.custom_scopes` (with a `description`), or correct its spelling to one that is defined.',
  docs: [DOCS.customScopes],
  fix: 'unsafe',
  example: {
    bad: 'c.JupyterHub.load_roles = [{"name": "grader", "scopes": ["custom:grades:write"], "groups": ["tas"]}]',
    good: 'c.JupyterHub.custom_scopes = {"custom:grades:write": {"description": "Write grades"}}\nc.JupyterHub.load_roles = [{"name": "grader", "scopes": ["custom:grades:write"], "groups": ["tas"]}]',
  },
  check(ctx) {
    const res = scopeFindings(ctx);
    if (!res) return;
    const defined = [...res.r.cfg.customScopes.items.keys()];
    for (const f of res.findings) {
      const v = f.value;
      if (v.kind !== 'str' || f.problem?.kind !== 'undefined-custom') continue;
      const p = f.problem;
      const tail = v.value.slice(p.base.length);
      const near = closest(p.base, defined);
      const fixes = near.map((n, i) => fix(`Change to ${pyRepr(n.name + tail)}`, i === 0 && (near.length === 1 || near[1].distance > n.distance) ? 'unsafe' : 'suggestion', [replaceString(ctx, v, n.name + tail)]));
      ctx.report({
        span: v.span,
        severity: f.source.severity,
        message: `Custom scope ${pyRepr(p.base)} is not defined in c.JupyterHub.custom_scopes${defined.length ? '' : ' (no custom scopes are defined)'}: in ${f.source.where} ${f.source.consequence}`,
        fixes,
      });
    }
  },
});
