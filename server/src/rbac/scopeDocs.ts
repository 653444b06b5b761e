/**
 * One line per scope, in our own words, for hovers and completion details. Names, subscopes and
 * versions come from the catalogue; only the plain-language meaning lives here.
 */
export const SCOPE_SUMMARIES: Record<string, string> = {
  '(no_scope)': 'Internal placeholder meaning "no permission beyond identifying yourself"; not meant for configs.',
  self: 'Metascope for users: everything about their own account (their user model, servers, tokens, activity).',
  inherit: 'Metascope for tokens: whatever the token owner may do, no more and no less.',
  'admin-ui': 'Open the admin page. What can be done there still depends on the other scopes held.',
  'admin:users': 'Create, edit and delete users, including their auth state. Close to full admin power.',
  'admin:auth_state': 'Read the authentication state stored for users (which may contain their OAuth tokens).',
  users: 'Read and change user models (names, admin flag, groups, activity), without servers, tokens or auth state.',
  'delete:users': 'Delete users.',
  'list:users': 'List users (names only).',
  'read:users': 'Read user models, without servers, tokens or auth state.',
  'read:users:name': 'Read user names.',
  'read:users:groups': 'Read which groups users belong to.',
  'read:users:activity': 'Read when users were last active.',
  'read:roles': 'Read which roles are assigned to users, services and groups.',
  'read:roles:users': 'Read the roles assigned to users.',
  'read:roles:services': 'Read the roles assigned to services.',
  'read:roles:groups': 'Read the roles assigned to groups.',
  'users:activity': 'Report activity on behalf of users (what single-user servers do).',
  'admin:servers': 'Start, stop and delete servers and read or write their internal state.',
  'admin:server_state': 'Read and write the internal state a spawner keeps for servers.',
  servers: 'Start and stop servers and read their models (no access to what runs in them).',
  'read:servers': 'Read server models (URLs, status), without their internal state.',
  'start:servers': 'Start servers and edit their options, without stopping or deleting them.',
  'delete:servers': 'Stop and delete servers.',
  tokens: 'Create, read and revoke API tokens.',
  'read:tokens': 'Read API token models (not the secret values).',
  'admin:groups': 'Create and delete groups, besides everything `groups` allows.',
  groups: 'Read and change groups, including who is in them (which can hand out the roles groups carry).',
  'list:groups': 'List groups (names only).',
  'read:groups': 'Read group models, including their members.',
  'read:groups:name': 'Read group names.',
  'delete:groups': 'Delete groups.',
  'admin:services': 'Create, change and delete services managed through the API.',
  'list:services': 'List services (names only).',
  'read:services': 'Read service models.',
  'read:services:name': 'Read service names.',
  'read:hub': 'Read information about the hub itself (version and the like).',
  'access:servers': 'Open and use servers through the proxy, in the browser or through their API.',
  'access:services': 'Open and use services through the hub\'s OAuth.',
  'users:shares': 'Read and revoke the shares that have been granted to users.',
  'read:users:shares': 'Read the shares that have been granted to users.',
  'groups:shares': 'Read and revoke the shares that have been granted to groups.',
  'read:groups:shares': 'Read the shares that have been granted to groups.',
  'read:shares': 'Read who a server is shared with.',
  shares: 'Share servers with users and groups, and manage those shares. Includes `access:servers`.',
  proxy: 'Read the proxy\'s routing table and ask the hub to sync it.',
  shutdown: 'Shut the hub down.',
  'read:metrics': 'Read the hub\'s Prometheus metrics.',
};

/** What each filter kind restricts a scope to, in our words. */
export const FILTER_DOCS: Record<string, string> = {
  user: 'only the named user (and their servers, tokens, shares)',
  group: 'only members of the named group (and the group itself)',
  server: 'only the named server, written `user/servername` (`user/` for the default server)',
  service: 'only the named service',
};

export const BARE_FILTER_DOCS: Record<string, string> = {
  user: 'resolved to the holder itself: `!user=<the user who holds it>`. Only users have a target; for others the scope is dropped.',
  server: 'resolved to the server a token belongs to (`!server=<user>/<name>`): meaningful for server tokens and a server\'s OAuth clients.',
  service: 'resolved to the service a token belongs to: meaningful for service tokens and services\' OAuth clients.',
};
