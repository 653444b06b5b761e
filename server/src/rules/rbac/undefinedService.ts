import { defineRule } from '../types';
import { closest } from '../../util/text';
import { atLeast } from '../../rbac/catalog';
import { DOCS, fix, pyRepr, rbac, replaceString, roleLabel, show } from './util';
import { memberLists } from './members';

export default defineRule({
  id: 'rbac/undefined-service',
  title: 'Role given to a service that is not defined',
  severity: 'error',
  rationale:
    'Services do not come into being by being named in a role: JupyterHub looks each entry of a role\'s `services` up among the services it knows (those in `c.JupyterHub.services`, plus those named as values of `c.JupyterHub.service_tokens`) and stops at start-up when one is missing. From JupyterHub 5.0 services created through the REST API also count, but on a fresh database they do not exist yet.',
  howToFix: 'Define the service in `c.JupyterHub.services` (at least `{"name": ...}`), or correct the name.',
  docs: [DOCS.services, DOCS.roleDefinition],
  fix: 'unsafe',
  example: {
    bad: 'c.JupyterHub.load_roles = [{"name": "culler", "scopes": ["admin:servers"], "services": ["idle-culler"]}]',
    good: 'c.JupyterHub.services = [{"name": "idle-culler", "command": ["python3", "-m", "jupyterhub_idle_culler"]}]\nc.JupyterHub.load_roles = [{"name": "culler", "scopes": ["admin:servers"], "services": ["idle-culler"]}]',
  },
  check(ctx) {
    const r = rbac(ctx);
    if (!r || !r.cfg.serviceNamesKnown) return;
    const names = r.cfg.serviceNames;
    const api = atLeast(r.b.release, '5.0.0') ? ' (unless it was created through the REST API)' : '';
    for (const ml of memberLists(ctx, r)) {
      if (ml.kind !== 'services' || ml.form === 'string' || ml.form === 'not-iterable') continue;
      for (const m of ml.members) {
        if (m.name === undefined) {
          ctx.report({ span: m.value.span, message: `${show(ctx, m.value)} in "services" of ${roleLabel(ml.role)} is not a service name: the hub will not start` });
          continue;
        }
        if (names.has(m.name)) continue;
        const near = closest(m.name, names);
        ctx.report({
          span: m.value.span,
          message: `Service ${pyRepr(m.name)} in ${roleLabel(ml.role)} is not defined in c.JupyterHub.services${names.size ? '' : ' (no services are defined)'}: JupyterHub cannot give it the role and the hub will not start${api}`,
          fixes: near.map((n, i) => fix(`Change to ${pyRepr(n.name)}`, i === 0 && near.length === 1 ? 'unsafe' : 'suggestion', [replaceString(ctx, m.value, n.name)])),
        });
      }
    }
  },
});
