/**
 * Editor features for RBAC, as plain data and Markdown (the language server turns them into LSP
 * hovers and completion items):
 *
 *   rbacTargetAt(model, traits, offset)      what RBAC thing is under the cursor (a scope string or a role name)
 *   scopeHover(version, scope, custom?)      Markdown for a scope string (filter included)
 *   roleHover(version, role, custom?)        Markdown for a role: expanded scopes and members
 *   scopeCompletions(version, prefix, custom?)  completions inside a scope string
 *   scopeCompletionContext(model, traits, offset)  whether the cursor is inside a scope string, and its prefix
 */
import type { ConfigModel, Value } from '../model/types';
import type { TraitCatalog } from '../catalog/traits';
import type { Span } from '../util/text';
import { closest } from '../util/text';
import { rbacBehaviour, DEFAULT_ROLE_NAMES } from './behaviour';
import { rbacConfig, roleName, type RbacConfig, type RoleSpec } from './config';
import { expandScopes, selfScopes } from './expand';
import { checkScope, splitScope, FILTER_PREFIXES, EXACT_FILTERS } from './scopes';
import { SCOPE_SUMMARIES, FILTER_DOCS, BARE_FILTER_DOCS } from './scopeDocs';
import { compareReleases } from './catalog';

export interface CustomScopeInfo {
  description?: string;
  subscopes: string[];
}

/** Custom scopes defined by a file (name → description and subscopes), for hovers and completion. */
export function customScopesOf(model: ConfigModel, traits: TraitCatalog): Map<string, CustomScopeInfo> {
  const out = new Map<string, CustomScopeInfo>();
  for (const it of rbacConfig(model, traits).customScopes.items.values()) {
    const info: CustomScopeInfo = { subscopes: [] };
    if (it.value.kind === 'dict') {
      for (const e of it.value.entries) {
        if (e.key.kind !== 'str') continue;
        if (e.key.value === 'description' && e.value.kind === 'str') info.description = e.value.value;
        if (e.key.value === 'subscopes' && e.value.kind === 'list') info.subscopes = e.value.items.filter((i) => i.kind === 'str').map((i) => (i as { value: string }).value);
      }
    }
    out.set(it.key, info);
  }
  return out;
}

const code = (s: string) => '`' + s.replace(/`/g, "'") + '`';

function listExpansion(names: string[], max = 24): string {
  if (!names.length) return '_nothing further_';
  const shown = names.slice(0, max).map(code).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

/** Markdown hover for a scope string (`read:users!group=staff`) at a JupyterHub version. */
export function scopeHover(version: string, scope: string, custom?: Map<string, CustomScopeInfo>): string | undefined {
  const b = rbacBehaviour(version);
  if (!b) return undefined;
  const t = b.table;
  const { base, filter, hasBang } = splitScope(scope);
  const customMap = new Map([...(custom ?? new Map<string, CustomScopeInfo>())].map(([k, v]) => [k, v.subscopes]));
  const lines: string[] = [];
  const problem = checkScope(scope, b, b.customScopes ? new Set(custom?.keys() ?? []) : new Set());
  const isCustom = !t.has(base) && b.customScopes && custom?.has(base);
  lines.push(`**${code(scope)}**${isCustom ? ' (custom scope)' : ''}`);
  if (problem?.kind === 'unknown' || problem?.kind === 'draft-all' || problem?.kind === 'undefined-custom') {
    if (problem.kind === 'draft-all') lines.push('', '`all` was the draft name of `inherit`; JupyterHub rejects it.');
    else if (problem.kind === 'undefined-custom') lines.push('', 'This custom scope is not defined in `c.JupyterHub.custom_scopes`.');
    else {
      const added = t.added(base);
      lines.push('', added && compareReleases(added, b.release) > 0 ? `Not available in JupyterHub ${version}: added in ${added}.` : `Not a scope in JupyterHub ${version}.`);
      const near = closest(base, t.names).map((n) => code(n.name));
      if (near.length) lines.push(`Did you mean ${near.join(' or ')}?`);
    }
    return lines.join('\n');
  }
  const summary = isCustom ? custom!.get(base)!.description : SCOPE_SUMMARIES[base];
  if (summary) lines.push('', summary);
  if (base === 'self') lines.push('', `For a user it stands for: ${listExpansion(selfScopes(t))}, each limited to \`!user=<that user>\`.`);
  else {
    const expanded = expandScopes([base], t, customMap).filter((n) => n !== base);
    if (expanded.length) lines.push('', `Includes: ${listExpansion(expanded)}.`);
  }
  if (hasBang && filter) {
    const kind = filter.split('=')[0];
    if (problem?.kind === 'filter') lines.push('', `**Filter ${code('!' + filter)} is rejected by JupyterHub ${version}**: ${problem.reason}.`);
    else if (!filter.includes('=') && BARE_FILTER_DOCS[kind]) lines.push('', `Filter ${code('!' + kind)}: ${BARE_FILTER_DOCS[kind]}`);
    else if (FILTER_DOCS[kind]) lines.push('', `Filter ${code('!' + filter)}: limited to ${FILTER_DOCS[kind]}${filter.endsWith('=') ? ' (but the name is empty: it matches nothing' + (b.emptyFilterRaises ? ' and raises when expanded' : '') + ')' : ''}.`);
    if (!problem) {
      const expanded = expandScopes([scope], t, customMap);
      if (expanded.length > 1) lines.push(`Expands to: ${listExpansion(expanded)}.`);
    }
  }
  const facts: string[] = [];
  if (!isCustom) {
    const added = t.added(base);
    if (added) facts.push(`Since JupyterHub ${added}`);
  }
  facts.push(`Judged as JupyterHub ${version} (${b.release})`);
  lines.push('', facts.join(' · '));
  const doc = t.doc(base);
  if (doc && !isCustom) lines.push('', `[Upstream documentation](${doc})`);
  return lines.join('\n');
}

export interface RoleInfo {
  name: string;
  description?: string;
  /** scope strings as written (literal ones); undefined when not a literal list */
  scopes?: string[];
  /** the role takes its scopes from JupyterHub's default spec */
  defaultScopes?: boolean;
  users?: string[];
  groups?: string[];
  services?: string[];
  /** which member keys are present but not literal */
  unknownMembers: string[];
}

function strItems(v: Value | undefined): string[] | undefined {
  if (!v) return undefined;
  if (v.kind === 'list' || v.kind === 'tuple' || v.kind === 'set') {
    const out: string[] = [];
    for (const i of v.items) {
      if (i.kind !== 'str') return undefined;
      out.push(i.value);
    }
    return out;
  }
  return undefined;
}

/** A role spec of the config as plain data (see RoleInfo). */
export function roleInfoOf(version: string, role: RoleSpec): RoleInfo | undefined {
  const name = roleName(role);
  if (name === undefined) return undefined;
  const b = rbacBehaviour(version);
  const info: RoleInfo = { name, unknownMembers: [] };
  const d = role.keys.get('description');
  if (d?.value.kind === 'str') info.description = d.value.value;
  const s = role.keys.get('scopes');
  if (s) info.scopes = strItems(s.value);
  else if (b?.mergesDefaultRoles && DEFAULT_ROLE_NAMES.includes(name)) {
    info.scopes = b.defaultRoles[name] ?? [];
    info.defaultScopes = true;
  }
  for (const k of ['users', 'groups', 'services'] as const) {
    const e = role.keys.get(k);
    if (!e) continue;
    const items = strItems(e.value);
    if (items) info[k] = items;
    else info.unknownMembers.push(k);
  }
  return info;
}

/** Markdown hover for a role: its scopes fully expanded and its members. */
export function roleHover(version: string, role: RoleInfo, custom?: Map<string, CustomScopeInfo>): string | undefined {
  const b = rbacBehaviour(version);
  if (!b) return undefined;
  const t = b.table;
  const lines: string[] = [`**Role ${code(role.name)}**${DEFAULT_ROLE_NAMES.includes(role.name) ? ' (overrides a default role)' : ''}`];
  if (role.description) lines.push('', role.description);
  if (role.scopes === undefined) lines.push('', 'Scopes: not a literal list.');
  else if (!role.scopes.length) lines.push('', 'Scopes: **none**: this role grants nothing.');
  else {
    const customMap = new Map([...(custom ?? new Map<string, CustomScopeInfo>())].map(([k, v]) => [k, v.subscopes]));
    const valid = role.scopes.filter((s) => !checkScope(s, b, new Set(custom?.keys() ?? [])));
    const expanded = expandScopes(valid, t, customMap);
    lines.push('', `Scopes${role.defaultScopes ? ` (JupyterHub ${version} default)` : ''}: ${role.scopes.map(code).join(', ')}`);
    if (expanded.length > valid.length) lines.push('', `Effective (expanded): ${listExpansion(expanded, 40)}`);
    if (valid.includes('self')) lines.push('', `\`self\` gives each user: ${listExpansion(selfScopes(t))} on themselves.`);
    const rejected = role.scopes.filter((s) => !valid.includes(s));
    if (rejected.length) lines.push('', `**Rejected by JupyterHub ${version}:** ${rejected.map(code).join(', ')}`);
  }
  const members: string[] = [];
  if (role.name === 'user') members.push('every user (the default role of all users)');
  for (const k of ['users', 'groups', 'services'] as const) {
    const m = role[k];
    if (m?.length) members.push(`${k}: ${m.map(code).join(', ')}`);
  }
  for (const k of role.unknownMembers) members.push(`${k}: computed in the config`);
  lines.push('', members.length ? `Members: ${members.join('; ')}` : 'Members: **nobody** (no users, groups or services).');
  return lines.join('\n');
}

export type RbacTarget =
  | { kind: 'scope'; scope: string; span: Span; version: string }
  | { kind: 'role'; role: RoleInfo; span: Span; version: string };

function within(span: Span, offset: number): boolean {
  return offset >= span.start && offset <= span.end;
}

/** Scope string literals of a config, with where they are. */
function scopeValues(cfg: RbacConfig): Value[] {
  const out: Value[] = [];
  const push = (v: Value | undefined) => {
    if (!v) return;
    if (v.kind === 'list' || v.kind === 'tuple' || v.kind === 'set') for (const i of v.items) if (i.kind === 'str') out.push(i);
  };
  for (const r of cfg.roles) push(r.keys.get('scopes')?.value);
  for (const op of [...cfg.spawnerScopeOps, ...cfg.extraUserScopes]) {
    if (op.value.kind === 'str') out.push(op.value);
    else push(op.value);
  }
  for (const it of cfg.services.items) {
    if (it.value.kind !== 'dict') continue;
    for (const e of it.value.entries) if (e.key.kind === 'str' && e.key.value === 'oauth_client_allowed_scopes') push(e.value);
  }
  for (const it of cfg.customScopes.items.values()) {
    if (it.keyValue.kind === 'str') out.push(it.keyValue);
    if (it.value.kind === 'dict') for (const e of it.value.entries) if (e.key.kind === 'str' && e.key.value === 'subscopes') push(e.value);
  }
  return out;
}

/** The RBAC element under the cursor: a scope string (in roles, spawner/service settings, custom scopes) or a role name. */
export function rbacTargetAt(model: ConfigModel, traits: TraitCatalog, version: string, offset: number): RbacTarget | undefined {
  if (!rbacBehaviour(version)) return undefined;
  const cfg = rbacConfig(model, traits);
  for (const r of cfg.roles) {
    const n = r.keys.get('name');
    if (n && n.value.kind === 'str' && within(n.value.span, offset)) {
      const info = roleInfoOf(version, r);
      if (info) return { kind: 'role', role: info, span: n.value.span, version };
    }
  }
  for (const v of scopeValues(cfg)) {
    if (v.kind === 'str' && within(v.span, offset)) return { kind: 'scope', scope: v.value, span: v.span, version };
  }
  return undefined;
}

/** Markdown for whatever rbacTargetAt found. */
export function rbacHoverAt(model: ConfigModel, traits: TraitCatalog, version: string, offset: number): { markdown: string; span: Span } | undefined {
  const target = rbacTargetAt(model, traits, version, offset);
  if (!target) return undefined;
  const custom = customScopesOf(model, traits);
  const markdown = target.kind === 'scope' ? scopeHover(version, target.scope, custom) : roleHover(version, target.role, custom);
  return markdown ? { markdown, span: target.span } : undefined;
}

export interface ScopeCompletion {
  label: string;
  kind: 'scope' | 'metascope' | 'custom-scope' | 'filter';
  /** short detail (one line) */
  detail: string;
  documentation: string;
  /** text that replaces the part of the prefix from `replaceFrom` (an index into the prefix) */
  insertText: string;
  replaceFrom: number;
}

/**
 * Completions for a scope string, given the text of the string before the cursor (without the
 * quote): scope names first, then, after `!`, the filters the version accepts.
 */
export function scopeCompletions(version: string, prefixBeforeCursor: string, customScopes: string[] = []): ScopeCompletion[] {
  const b = rbacBehaviour(version);
  if (!b) return [];
  const t = b.table;
  const bang = prefixBeforeCursor.indexOf('!');
  if (bang < 0) {
    const out: ScopeCompletion[] = [];
    for (const n of t.names) {
      if (n === '(no_scope)' || !n.startsWith(prefixBeforeCursor)) continue;
      const meta = n === 'self' || n === 'inherit';
      out.push({ label: n, kind: meta ? 'metascope' : 'scope', detail: `${meta ? 'metascope' : 'scope'} · since ${t.added(n) ?? '2.0.0'}`, documentation: SCOPE_SUMMARIES[n] ?? '', insertText: n, replaceFrom: 0 });
    }
    if (b.customScopes) for (const n of customScopes) if (n.startsWith(prefixBeforeCursor)) out.push({ label: n, kind: 'custom-scope', detail: 'custom scope (c.JupyterHub.custom_scopes)', documentation: '', insertText: n, replaceFrom: 0 });
    return out;
  }
  const after = prefixBeforeCursor.slice(bang);
  const forms = b.filterCheck === 'prefix' ? [...EXACT_FILTERS, ...FILTER_PREFIXES] : ['!user', ...FILTER_PREFIXES];
  return forms
    .filter((f) => f.startsWith(after) && f !== after)
    .map((f) => {
      const kind = f.slice(1).replace('=', '');
      const bare = !f.endsWith('=');
      return {
        label: f,
        kind: 'filter' as const,
        detail: bare ? `filter: the holder's own ${kind}` : `filter: one ${kind}`,
        documentation: bare ? BARE_FILTER_DOCS[kind] ?? '' : `Limits the scope to ${FILTER_DOCS[kind] ?? kind}.`,
        insertText: f,
        replaceFrom: bang,
      };
    });
}

/** When the cursor is inside a scope string literal: its text before the cursor and where the string's content starts. */
export function scopeCompletionContext(model: ConfigModel, traits: TraitCatalog, offset: number): { prefix: string; contentStart: number; customScopes: string[] } | undefined {
  const cfg = rbacConfig(model, traits);
  for (const v of scopeValues(cfg)) {
    if (v.kind !== 'str' || offset <= v.span.start || offset >= v.span.end) continue;
    const src = model.text.slice(v.span.start, v.span.end);
    const m = /^[rRuU]?(['"])/.exec(src);
    if (!m) return undefined;
    const contentStart = v.span.start + m[0].length;
    if (offset < contentStart) return undefined;
    return { prefix: model.text.slice(contentStart, offset), contentStart, customScopes: [...cfg.customScopes.items.keys()] };
  }
  return undefined;
}
