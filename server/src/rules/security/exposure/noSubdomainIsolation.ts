import { dictGet, type Value } from '../../../model/types';
import { defineRule } from '../../types';
import { byTrust } from '../util';
import { dictsOf, hasSubdomains, isSeq, liveOps, since } from './common';

/** Why a scope lets members reach other users' servers, or undefined. */
function crossUser(scope: string, roleName: string, users: string[] | undefined, hasGroups: boolean, ver: (v: string) => boolean): string | undefined {
  const [base, filter] = scope.split('!', 2);
  // unfiltered access:servers and shares are rbac/unfiltered-server-access's findings
  if (filter === undefined) return undefined;
  if (base === 'shares') {
    if (!ver('5.0')) return undefined;
    return filter === 'user' ? 'lets members share their servers with other users' : `lets members share servers (${filter})`;
  }
  if (base !== 'access:servers') return undefined;
  if (filter === 'user' || filter === 'server') return undefined; // own servers only
  const m = /^(user|server|group)=(.*)$/.exec(filter);
  if (!m) return undefined;
  if (m[1] === 'group') return `grants access to the servers of group "${m[2]}"`;
  const owner = m[1] === 'user' ? m[2] : m[2].split('/')[0];
  const onlyOwner = roleName !== 'user' && !hasGroups && users !== undefined && users.length > 0 && users.every((u) => u === owner);
  return onlyOwner ? undefined : `grants access to ${m[1] === 'user' ? `"${owner}"'s servers` : `the server "${m[2]}"`}`;
}

function strList(v: Value | undefined): string[] | undefined {
  if (!v || !isSeq(v)) return undefined;
  const out: string[] = [];
  for (const i of v.items) {
    if (i.kind !== 'str') return undefined;
    out.push(i.value);
  }
  return out;
}

export default defineRule({
  id: 'security/no-subdomain-isolation',
  title: 'Cross-user server access without per-user subdomains',
  severity: 'warning',
  rationale:
    'Without `subdomain_host` every user server shares one origin with the hub and all other servers, so the browser does not keep them apart. A user who may open another user\'s server (through `access:servers`, or sharing in JupyterHub 5) is shown pages that the owner controls, and those pages can act with the visitor\'s login on the hub and on the visitor\'s own server. Upstream calls per-user subdomains the only reliable isolation and does not consider sharing safe for untrusted users without them.',
  howToFix:
    'Serve each user from their own subdomain (`c.JupyterHub.subdomain_host = "https://hub.example.org"` with wildcard DNS and a wildcard certificate), or do not grant `shares` and cross-user `access:servers` to ordinary users. If the users trust each other, select the `trusted-users` level. This rule covers filtered grants (`shares!user`, `access:servers!group=…`, `!user=` or `!server=` of someone else); unfiltered ones are reported by `rbac/unfiltered-server-access`.',
  docs: [
    { title: 'Web security: sharing access to servers', url: 'https://jupyterhub.readthedocs.io/en/stable/explanation/websecurity.html#sharing-access-to-servers' },
    { title: 'Web security: enable user subdomains', url: 'https://jupyterhub.readthedocs.io/en/stable/explanation/websecurity.html#enable-user-subdomains' },
    { title: 'Sharing', url: 'https://jupyterhub.readthedocs.io/en/stable/reference/sharing.html' },
  ],
  example: {
    bad: 'c.JupyterHub.load_roles = [{"name": "user", "scopes": ["self", "shares!user"]}]',
    good: 'c.JupyterHub.subdomain_host = "https://hub.example.org"\nc.JupyterHub.load_roles = [{"name": "user", "scopes": ["self", "shares!user"]}]',
  },
  check(ctx) {
    if (!since(ctx, '2.0') || hasSubdomains(ctx)) return;
    const severity = byTrust(ctx, 'warning', 'information');
    if (!severity) return;
    for (const { dict } of dictsOf(liveOps(ctx, 'JupyterHub', 'load_roles'))) {
      const nameV = dictGet(dict, 'name')?.value;
      const name = nameV?.kind === 'str' ? nameV.value : '';
      if (name === 'admin' || name === 'server' || name === 'token') continue;
      const usersV = dictGet(dict, 'users')?.value;
      const groupsV = dictGet(dict, 'groups')?.value;
      const users = strList(usersV);
      const hasUsers = name === 'user' || (!!usersV && !(users && users.length === 0));
      const groups = strList(groupsV);
      const hasGroups = !!groupsV && !(groups && groups.length === 0);
      if (!hasUsers && !hasGroups) continue; // services only, or nobody
      const scopes = dictGet(dict, 'scopes')?.value;
      if (!scopes || !isSeq(scopes)) continue;
      for (const s of scopes.items) {
        if (s.kind !== 'str') continue;
        const why = crossUser(s.value, name, users, hasGroups, (v) => since(ctx, v));
        if (!why) continue;
        ctx.report({
          span: s.span,
          severity,
          message: `The role ${name ? `"${name}" ` : ''}${why}, but subdomain_host is not set: all servers share one origin, so a visited server can act as its visitor. Enable per-user subdomains or drop the scope`,
        });
      }
    }
  },
});
