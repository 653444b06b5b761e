import { defineRule } from '../../types';
import { DOCS, boolOf, entriesOf, field, valuesDocs } from './common';

export default defineRule({
  id: 'z2jh/service-admin',
  title: 'Service with full admin rights',
  severity: 'warning',
  appliesTo: ['z2jh_values'],
  rationale:
    '`admin: true` on an entry of `hub.services` gives the service the hub\'s `admin` role: its API token can act as any user, read their servers, create tokens and change who is admin. The flag is a leftover from before JupyterHub 2.0, and the chart\'s own documentation still shows it in examples. Any process that can read the token (the service itself, its pod, whoever reads the hub Secret) then holds the whole hub.',
  howToFix:
    'Remove `admin: true` and give the service a role in `hub.loadRoles` with only the scopes it needs, e.g. `{scopes: [list:users, read:users:activity, delete:servers], services: [my-service]}`.',
  docs: [DOCS.ref('hub.services'), { title: 'JupyterHub: roles for services', url: 'https://jupyterhub.readthedocs.io/en/stable/rbac/roles.html' }],
  example: {
    bad: 'hub:\n  services:\n    stats:\n      url: http://stats:8000\n      admin: true',
    good: 'hub:\n  services:\n    stats:\n      url: http://stats:8000\n  loadRoles:\n    stats:\n      scopes: [list:users, read:users:activity]\n      services: [stats]',
  },
  check(ctx) {
    for (const d of valuesDocs(ctx)) {
      for (const s of d.all('hub.services')) {
        for (const svc of entriesOf(s.value)) {
          const a = field(svc.value, 'admin');
          if (!a || boolOf(a.value) !== true) continue;
          ctx.report({ span: a.value.span, message: `The service "${svc.key.value}" gets the admin role (admin: true): its token can do anything on the hub. Grant it a role with only the scopes it needs in hub.loadRoles` });
        }
      }
    }
  },
});
