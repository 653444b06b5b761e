import { defineRule, type Severity } from '../../types';
import { DOCS, entriesOf, field, itemsOf, strOf, valuesDocs } from './common';

/** Unfiltered scopes with hub-wide power that the RBAC rules do not already judge (admin:users, admin:servers, access:servers, shares, groups). */
const POWER: Record<string, string> = {
  tokens: 'create API tokens for any user and so act as anyone, admins included',
  'admin:auth_state': 'read every user\'s authentication state, e.g. their OAuth access tokens at the identity provider',
  servers: 'start, stop and reconfigure every user\'s servers',
  users: 'change any user\'s record',
  proxy: 'rewrite the proxy\'s routing table and send any user\'s traffic anywhere',
  shutdown: 'shut the hub down',
  'delete:servers': 'delete every user\'s servers',
};

export default defineRule({
  id: 'z2jh/powerful-role',
  title: 'hub.loadRoles grants hub-wide power to many users',
  severity: 'warning',
  appliesTo: ['z2jh_values'],
  rationale:
    'Roles in `hub.loadRoles` are loaded into JupyterHub at every start. Some scopes act on every user unless filtered: `tokens` lets the holder mint a token for anyone (including admins), `admin:auth_state` exposes users\' identity-provider tokens, `servers` and `delete:servers` control everyone\'s servers, `proxy` controls routing. Given to the built-in `user` role (every user) or to groups, such power reaches people who need far less, and group membership is often managed outside the hub. (The RBAC rules already judge `admin:users`, `admin:servers`, `access:servers`, `shares` and the `groups` scopes.) Severity: warning for the `user` role and for groups, information for roles given to named users; roles held only by services are not reported.',
  howToFix:
    'Filter the scope to what the role is for (`servers!group=course-101`, `tokens!user`), give it to a short list of named users or a service instead of a group, or split the role so that the broad part goes to administrators only.',
  docs: [DOCS.ref('hub.loadRoles'), { title: 'JupyterHub: available scopes', url: 'https://jupyterhub.readthedocs.io/en/stable/rbac/scopes.html#available-scopes' }],
  example: {
    bad: 'hub:\n  loadRoles:\n    teaching:\n      groups: [teachers]\n      scopes: [servers, tokens]',
    good: 'hub:\n  loadRoles:\n    teaching:\n      groups: [teachers]\n      scopes: ["servers!group=students", "read:users!group=students"]',
  },
  check(ctx) {
    for (const d of valuesDocs(ctx)) {
      for (const s of d.all('hub.loadRoles')) {
        for (const role of entriesOf(s.value)) {
          const name = strOf(field(role.value, 'name')?.value) ?? role.key.value;
          if (name === 'admin') continue;
          const groups = itemsOf(field(role.value, 'groups')?.value).map(strOf).filter((x): x is string => !!x);
          const users = itemsOf(field(role.value, 'users')?.value).map(strOf).filter((x): x is string => !!x);
          let to: string;
          let severity: Severity;
          if (name === 'user') {
            to = 'every user (the built-in user role)';
            severity = 'warning';
          } else if (groups.length) {
            to = `the group${groups.length > 1 ? 's' : ''} ${groups.join(', ')}`;
            severity = 'warning';
          } else if (users.length) {
            to = `the user${users.length > 1 ? 's' : ''} ${users.join(', ')}`;
            severity = 'information';
          } else continue;
          for (const sc of itemsOf(field(role.value, 'scopes')?.value)) {
            const scope = strOf(sc);
            if (!scope || scope.includes('!')) continue;
            const power = POWER[scope.trim()];
            if (!power) continue;
            ctx.report({ span: sc.span, severity, message: `The role "${name}" gives the unfiltered scope ${scope.trim()} to ${to}: they can ${power}. Filter it (e.g. ${scope.trim()}!group=...) or keep it to administrators` });
          }
        }
      }
    }
  },
});
