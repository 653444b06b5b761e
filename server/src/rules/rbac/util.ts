import type { TraitOp, Value } from '../../model/types';
import type { Edit, Fix, RuleContext, Severity } from '../types';
import type { Span } from '../../util/text';
import { rbacBehaviour, DEFAULT_ROLE_NAMES, type RbacBehaviour } from '../../rbac/behaviour';
import { rbacConfig, roleName, truthy, type RbacConfig, type RoleSpec } from '../../rbac/config';

export const DOCS = {
  roles: { title: 'JupyterHub: roles', url: 'https://jupyterhub.readthedocs.io/en/stable/rbac/roles.html' },
  scopes: { title: 'JupyterHub: scopes', url: 'https://jupyterhub.readthedocs.io/en/stable/rbac/scopes.html' },
  availableScopes: { title: 'JupyterHub: available scopes', url: 'https://jupyterhub.readthedocs.io/en/stable/rbac/scopes.html#available-scopes' },
  customScopes: { title: 'JupyterHub: custom scopes', url: 'https://jupyterhub.readthedocs.io/en/stable/rbac/scopes.html#custom-scopes' },
  defaultRoles: { title: 'JupyterHub: default roles', url: 'https://jupyterhub.readthedocs.io/en/stable/rbac/roles.html#default-roles' },
  roleDefinition: { title: 'JupyterHub: defining roles', url: 'https://jupyterhub.readthedocs.io/en/stable/rbac/roles.html#defining-roles' },
  services: { title: 'JupyterHub: services', url: 'https://jupyterhub.readthedocs.io/en/stable/reference/services.html' },
  useCases: { title: 'JupyterHub: RBAC use cases', url: 'https://jupyterhub.readthedocs.io/en/stable/rbac/use-cases.html' },
  advisory: { title: 'GHSA-9x4q-3gxw-849f (CVE-2024-41942): admin:users can grant admin', url: 'https://github.com/jupyterhub/jupyterhub/security/advisories/GHSA-9x4q-3gxw-849f' },
  subdomains: { title: 'JupyterHub: subdomains and security', url: 'https://jupyterhub.readthedocs.io/en/stable/explanation/websecurity.html' },
  serverToken: { title: 'JupyterHub: Spawner.server_token_scopes', url: 'https://jupyterhub.readthedocs.io/en/stable/reference/api/spawner.html#jupyterhub.spawner.Spawner.server_token_scopes' },
  manageRoles: { title: 'JupyterHub: authenticator-managed roles', url: 'https://jupyterhub.readthedocs.io/en/stable/reference/authenticators.html#authenticator-managed-roles' },
};

export interface Rbac {
  b: RbacBehaviour;
  cfg: RbacConfig;
}

/** The behaviour of the selected version and the RBAC view of the file; undefined before 2.0. */
export function rbac(ctx: RuleContext): Rbac | undefined {
  const b = rbacBehaviour(ctx.jupyterhubVersion);
  if (!b) return undefined;
  return { b, cfg: rbacConfig(ctx.model, ctx.traits) };
}

/** Names that `custom_scopes` may define; undefined when the dict is not fully known. */
export function customDefined(r: Rbac): Set<string> | undefined {
  if (!r.b.customScopes) return new Set();
  if (r.cfg.customScopes.unknown) return undefined;
  return new Set(r.cfg.customScopes.items.keys());
}

export function isDefaultRole(name: string | undefined): boolean {
  return name !== undefined && DEFAULT_ROLE_NAMES.includes(name);
}

/** Source text of a span. */
export function src(ctx: RuleContext, span: Span): string {
  return ctx.model.text.slice(span.start, span.end);
}

/** The quote character a string literal uses (for rewriting it in the same style). */
export function quoteOf(ctx: RuleContext, v: Value): string {
  const t = src(ctx, v.span);
  const m = /^[rRuUbBfF]*(['"])/.exec(t);
  return m ? m[1] : "'";
}

/** A Python string literal for `s`. */
export function pyStr(s: string, quote = "'"): string {
  let out = '';
  for (const ch of s) {
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += '\\' + quote;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else out += ch;
  }
  return quote + out + quote;
}

/** An edit that replaces a string literal by another string, in the same quote style. */
export function replaceString(ctx: RuleContext, v: Value, s: string): Edit {
  return { span: v.span, newText: pyStr(s, quoteOf(ctx, v)) };
}

export function fix(title: string, applicability: Fix['applicability'], edits: Edit[]): Fix {
  return { title, applicability, edits };
}

/** Python repr of a short literal value for messages. */
export function show(ctx: RuleContext, v: Value, max = 60): string {
  const t = src(ctx, v.span).replace(/\s+/g, ' ');
  return t.length > max ? t.slice(0, max - 1) + '…' : t;
}

/** `repr()` of a Python str, as JupyterHub messages print names. */
export function pyRepr(s: string): string {
  return pyStr(s, s.includes("'") && !s.includes('"') ? '"' : "'");
}

export function roleLabel(role: RoleSpec): string {
  const n = roleName(role);
  return n !== undefined ? `role ${pyRepr(n)}` : `role #${role.index + 1} of load_roles`;
}

/** Where a list of scopes is configured, and how bad a broken scope there is. */
export interface ScopeSource {
  /** for messages: "role 'x'", "Spawner.server_token_scopes", ... */
  where: string;
  /** what happens when a scope there is broken */
  consequence: string;
  severity: Severity;
  items: Value[];
  role?: RoleSpec;
  op?: TraitOp;
  kind: 'role' | 'server_token_scopes' | 'oauth_client_allowed_scopes' | 'service_oauth' | 'extra_user_scopes';
}

function seqItems(v: Value): Value[] | undefined {
  if (v.kind === 'list' || v.kind === 'tuple' || v.kind === 'set') return v.items;
  if (v.kind === 'dict') return v.entries.map((e) => e.key);
  return undefined;
}

/**
 * Every list of scope strings the config gives JupyterHub: role scopes (when JupyterHub checks
 * them: a non-empty value), Spawner.server_token_scopes (checked when a server's token is made,
 * so a bad scope fails the spawn), oauth_client_allowed_scopes of spawners and services (only
 * checked when a client asks for the scope, so a bad one is merely never granted), and 6.0's
 * JupyterHub.extra_user_scopes (checked as part of the `user` role).
 */
export function scopeSources(ctx: RuleContext, r: Rbac): ScopeSource[] {
  const out: ScopeSource[] = [];
  const start = 'the hub will not start';
  for (const role of r.cfg.roles) {
    const e = role.keys.get('scopes');
    if (!e) continue;
    if (!truthy(e.value)) continue;
    const items = seqItems(e.value);
    if (!items) continue;
    out.push({ where: roleLabel(role), consequence: start, severity: 'error', items, role, kind: 'role' });
  }
  for (const op of r.cfg.spawnerScopeOps) {
    if (!['=', '+=', 'extend', 'append', 'insert', 'add'].includes(op.op)) continue;
    const items = op.op === 'append' || op.op === 'insert' || op.op === 'add' ? [op.value] : seqItems(op.value);
    if (!items) continue;
    // a trait the version does not have is ignored by traitlets (traitlets/unknown-trait says so)
    if (!ctx.traits.getTrait(op.cls, op.trait) && ctx.traits.getClass(op.cls)) continue;
    if (op.trait === 'server_token_scopes') {
      if (!r.b.serverTokenScopes) continue;
      out.push({ where: `${op.cls}.server_token_scopes`, consequence: 'every spawn fails when the server token is created', severity: 'error', items, op, kind: 'server_token_scopes' });
    } else {
      out.push({ where: `${op.cls}.oauth_client_allowed_scopes`, consequence: 'the hub starts, but this scope is never granted to the server\'s OAuth clients', severity: 'warning', items, op, kind: 'oauth_client_allowed_scopes' });
    }
  }
  for (const it of r.cfg.services.items) {
    // services take oauth_client_allowed_scopes from 3.0 (2.x refuses the unknown service field)
    if (!r.b.serviceOauthScopes) break;
    if (it.value.kind !== 'dict') continue;
    const e = [...it.value.entries].reverse().find((x) => x.key.kind === 'str' && x.key.value === 'oauth_client_allowed_scopes');
    if (!e) continue;
    const items = seqItems(e.value);
    if (!items) continue;
    const nameE = [...it.value.entries].reverse().find((x) => x.key.kind === 'str' && x.key.value === 'name');
    const n = nameE?.value.kind === 'str' ? ` ${pyRepr(nameE.value.value)}` : '';
    out.push({ where: `service${n} oauth_client_allowed_scopes`, consequence: 'the hub starts, but this scope is never granted to the service\'s OAuth clients', severity: 'warning', items, op: it.op, kind: 'service_oauth' });
  }
  if (r.b.extraUserScopes) {
    const userOverride = r.cfg.roles.some((role) => roleName(role) === 'user' && role.keys.has('scopes'));
    if (!userOverride) {
      for (const op of r.cfg.extraUserScopes) {
        const items = op.op === 'add' || op.op === 'append' ? [op.value] : seqItems(op.value);
        if (!items) continue;
        out.push({ where: 'JupyterHub.extra_user_scopes (added to the user role)', consequence: start, severity: 'error', items, op, kind: 'extra_user_scopes' });
      }
    }
  }
  return out;
}
