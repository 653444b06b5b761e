import { atLeast, rbacRelease, scopeTableForRelease, type ScopeTable } from './catalog';

/**
 * What a JupyterHub release does with RBAC config at start-up, as documented (with upstream
 * references) in docs/dev/rbac-validation.md. Scope names and patterns are in the catalogue; this
 * is only the behaviour that changed between releases.
 */
export interface RbacBehaviour {
  /** the selected version as given (e.g. "5.5") and the catalogue release reproduced ("5.5.1") */
  version: string;
  release: string;
  table: ScopeTable;
  /** 2.x tests filters with a substring match; 3.0+ with exact forms and prefixes */
  filterCheck: 'substring' | 'prefix';
  /** JupyterHub.custom_scopes exists (3.0+) */
  customScopes: boolean;
  /** overrides of the default roles are merged over the default spec (2.0.1+) */
  mergesDefaultRoles: boolean;
  /** a role without a `scopes` key crashes every start after the first (2.0.0–3.0.x) */
  restartNeedsScopesKey: boolean;
  /** Authenticator.manage_roles exists and conflicts with load_roles members (5.0+) */
  manageRoles: boolean;
  /** JupyterHub.extra_user_scopes exists (6.0+) */
  extraUserScopes: boolean;
  /** an empty filter value (`!user=`) raises when a member's scopes are expanded (5.0+) */
  emptyFilterRaises: boolean;
  /** users in load_roles must pass Authenticator.check_allowed (2.x–4.x) */
  roleUsersMustBeAllowed: boolean;
  /** affected by GHSA-9x4q-3gxw-849f (CVE-2024-41942): admin:users can grant itself admin (fixed in 4.1.6 and 5.1.0) */
  adminUsersEscalation: boolean;
  /** the roles table stores tuple and set scopes (5.0+); before, anything but a list fails to bind */
  storesTuplesAndSets: boolean;
  /** service specs take `oauth_client_allowed_scopes` (3.0+; 2.x refuses it as an unknown field) */
  serviceOauthScopes: boolean;
  /** Spawner.server_token_scopes exists (4.0+) */
  serverTokenScopes: boolean;
  /** the default `server` role scopes its access to the server itself (4.0+: access:servers!server) */
  defaultRoles: Record<string, string[]>;
}

const cache = new Map<string, RbacBehaviour | undefined>();

export function rbacBehaviour(version: string): RbacBehaviour | undefined {
  if (cache.has(version)) return cache.get(version);
  const release = rbacRelease(version);
  let b: RbacBehaviour | undefined;
  if (release) {
    const table = scopeTableForRelease(release);
    b = {
      version,
      release,
      table,
      filterCheck: atLeast(release, '3.0.0') ? 'prefix' : 'substring',
      customScopes: atLeast(release, '3.0.0') && !!table.customScopePattern,
      mergesDefaultRoles: atLeast(release, '2.0.1'),
      restartNeedsScopesKey: !atLeast(release, '3.1.0'),
      manageRoles: atLeast(release, '5.0.0'),
      extraUserScopes: atLeast(release, '6.0.0b1'),
      emptyFilterRaises: atLeast(release, '5.0.0'),
      roleUsersMustBeAllowed: !atLeast(release, '5.0.0'),
      adminUsersEscalation: !atLeast(release, '4.1.6') || (atLeast(release, '5.0.0') && !atLeast(release, '5.1.0')),
      serverTokenScopes: atLeast(release, '4.0.0'),
      storesTuplesAndSets: atLeast(release, '5.0.0'),
      serviceOauthScopes: atLeast(release, '3.0.0'),
      defaultRoles: table.defaultRoles,
    };
  }
  cache.set(version, b);
  return b;
}

/** The description JupyterHub gives its `admin` role (the same text in every release from 2.0.0 to 6.0.0b2). */
export const ADMIN_ROLE_DESCRIPTION = 'Elevated privileges (can do anything)';

export const DEFAULT_ROLE_NAMES = ['user', 'admin', 'server', 'token'];

/** Keys of a role spec JupyterHub reads; anything else is ignored without a word. */
export const ROLE_KEYS = ['name', 'description', 'scopes', 'users', 'groups', 'services'];
export const MEMBER_KEYS = ['users', 'groups', 'services'] as const;
export type MemberKey = (typeof MEMBER_KEYS)[number];
