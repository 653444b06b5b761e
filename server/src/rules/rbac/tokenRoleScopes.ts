import { defineRule, type RuleContext } from '../types';
import { roleName, opsOf, dictTrait } from '../../rbac/config';
import { atLeast } from '../../rbac/catalog';
import { splitScope, checkScope } from '../../rbac/scopes';
import { expandScope, expandScopes, selfScopes } from '../../rbac/expand';
import { DOCS, customDefined, pyRepr, rbac, type Rbac } from './util';

export default defineRule({
  id: 'rbac/token-role-scopes',
  title: 'token role with scopes that config tokens cannot get',
  severity: 'error',
  rationale:
    'The default `token` role (`inherit`) gives every token its owner\'s permissions. Overriding it with concrete scopes makes those scopes the default for every new token, and from JupyterHub 3.0 a token may only get scopes its owner holds. Tokens from `api_tokens`, `service_tokens` and a service\'s `api_token` are created at start-up before any role from `load_roles` is assigned: an owner that is not an admin holds nothing yet, and an admin holds only the admin role, so the hub refuses to start ("Not assigning requested scopes ... not held by"). Without config tokens, token requests that do not name their scopes fail the same way for owners who lack them.',
  howToFix: 'Leave the `token` role at its default (`inherit`) and request narrower scopes when creating tokens, or give config tokens only to owners that hold those scopes.',
  docs: [DOCS.defaultRoles],
  example: {
    bad: 'c.JupyterHub.service_tokens = {"secret-token-for-monitoring": "monitoring"}\nc.JupyterHub.load_roles = [{"name": "token", "scopes": ["read:metrics"]}]',
    good: 'c.JupyterHub.service_tokens = {"secret-token-for-monitoring": "monitoring"}\nc.JupyterHub.load_roles = [{"name": "monitoring", "scopes": ["read:metrics"], "services": ["monitoring"]}]',
  },
  check(ctx) {
    const r = rbac(ctx);
    if (!r || !atLeast(r.b.release, '3.0.0')) return;
    for (const role of r.cfg.roles) {
      if (roleName(role) !== 'token' || role.live !== 'certain') continue;
      const e = role.keys.get('scopes');
      if (!e || (e.value.kind !== 'list' && !(r.b.storesTuplesAndSets && (e.value.kind === 'tuple' || e.value.kind === 'set')))) continue;
      const items = e.value.items;
      if (!items.length || items.some((i) => i.kind !== 'str')) continue;
      const scopes = items.map((i) => (i as { value: string }).value);
      // broken scopes are other rules' business (and stop the hub anyway)
      const custom = customDefined(r);
      if (scopes.some((s) => checkScope(s, r.b, custom))) continue;
      if (scopes.every((s) => s === 'inherit')) continue;
      const owners = configTokenOwners(ctx, r);
      if (owners === undefined) continue;
      const at = items.find((i) => (i as { value: string }).value !== 'inherit')!;
      let reported = false;
      for (const owner of owners) {
        const excess = tokenExcess(r, scopes, owner);
        if (!excess.length) continue;
        ctx.report({
          span: at.span,
          message: `The token role's scopes are given to the config token of ${owner.kind} ${pyRepr(owner.name)} when it is created at start-up, before load_roles assigns any role: ${owner.admin ? 'as an admin it holds only the admin role, not' : 'it holds nothing yet, not'} ${pyRepr(excess[0])}, so the hub will not start`,
        });
        reported = true;
        break;
      }
      if (!reported && !owners.length) {
        ctx.report({ span: at.span, severity: 'warning', message: `The token role makes ${pyRepr((at as { value: string }).value)} a default scope of every new token: creating a token without explicit scopes fails for owners who do not hold it` });
      }
    }
  },
});

interface Owner {
  kind: 'user' | 'service';
  name: string;
  admin: boolean;
}

/**
 * What `_check_token_scopes` would find excessive for a config token of this owner: the token
 * scopes expanded for the owner (bare filters without a target and `self` for services are
 * dropped), minus what the owner holds at that point (admins: the admin role; others: nothing).
 */
export function tokenExcess(r: Rbac, scopes: string[], owner: Owner): string[] {
  const t = r.b.table;
  const held = owner.admin ? new Set(expandScopes(r.b.defaultRoles.admin ?? [], t)) : new Set<string>();
  const custom = new Map<string, string[]>();
  for (const it of r.cfg.customScopes.items.values()) {
    if (it.value.kind !== 'dict') continue;
    const sub = [...it.value.entries].reverse().find((x) => x.key.kind === 'str' && x.key.value === 'subscopes');
    custom.set(it.key, sub?.value.kind === 'list' ? sub.value.items.filter((i) => i.kind === 'str').map((i) => (i as { value: string }).value) : []);
  }
  const expanded = new Set<string>();
  for (const s of scopes) {
    if (s === 'inherit') continue;
    for (const e of expandScope(s, t, custom)) expanded.add(e);
  }
  const out: string[] = [];
  for (const e of expanded) {
    const { base, filter, hasBang } = splitScope(e);
    let scope = e;
    if (hasBang && ['user', 'service', 'server'].includes(filter)) {
      if (filter === 'user' && owner.kind === 'user') scope = `${base}!user=${owner.name}`;
      else if (filter === 'service' && owner.kind === 'service') scope = `${base}!service=${owner.name}`;
      else continue; // "Not expanding !<kind> filter without target"
    }
    if (scope === 'self') {
      if (owner.kind !== 'user') continue; // "Not expanding 'self' scope for owner ... which is not a User"
      for (const x of selfScopes(t)) if (!held.has(x)) out.push(`${x}!user=${owner.name}`);
      continue;
    }
    if (!held.has(splitScope(scope).base)) out.push(scope);
  }
  return out;
}

/** Owners of config tokens; undefined when the tokens or the owners' admin status are not known literally. */
function configTokenOwners(ctx: RuleContext, r: Rbac): Owner[] | undefined {
  const apiTokens = dictTrait(opsOf(ctx.model, ctx.traits, 'JupyterHub', 'api_tokens'));
  if (apiTokens.unknown || apiTokens.conditional || r.cfg.serviceTokens.unknown || r.cfg.serviceTokens.conditional || r.cfg.services.unknown || r.cfg.services.conditional) return undefined;
  if (opsOf(ctx.model, ctx.traits, 'JupyterHub', 'admin_users').length) return undefined;
  const admins = r.cfg.adminUsers;
  if (admins.set && !admins.certain) return undefined;
  const adminSet = new Set((admins.value ?? []).map((u) => u.toLowerCase()));
  const owners: Owner[] = [];
  for (const it of apiTokens.items.values()) {
    if (it.value.kind !== 'str') return undefined;
    const name = it.value.value.toLowerCase();
    owners.push({ kind: 'user', name, admin: adminSet.has(name) });
  }
  const serviceAdmin = new Map<string, boolean>();
  for (const it of r.cfg.services.items) {
    if (it.value.kind !== 'dict') return undefined;
    const d = it.value;
    const get = (k: string) => [...d.entries].reverse().find((x) => x.key.kind === 'str' && x.key.value === k)?.value;
    const name = get('name');
    const admin = get('admin');
    const tok = get('api_token');
    if (name?.kind !== 'str') return undefined;
    if (admin !== undefined && admin.kind !== 'bool') return undefined;
    const isAdmin = admin?.kind === 'bool' ? admin.value : false;
    serviceAdmin.set(name.value, isAdmin);
    if (tok) {
      if (tok.kind === 'none' || (tok.kind === 'str' && tok.value === '')) continue;
      if (tok.kind !== 'str') return undefined;
      owners.push({ kind: 'service', name: name.value, admin: isAdmin });
    }
  }
  for (const it of r.cfg.serviceTokens.items.values()) {
    if (it.value.kind !== 'str') return undefined;
    owners.push({ kind: 'service', name: it.value.value, admin: serviceAdmin.get(it.value.value) ?? false });
  }
  return owners;
}
