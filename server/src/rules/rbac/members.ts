import type { DictEntry, Value } from '../../model/types';
import type { RuleContext } from '../types';
import { MEMBER_KEYS, type MemberKey } from '../../rbac/behaviour';
import { roleName, type RoleSpec } from '../../rbac/config';
import type { Rbac } from './util';
import { atLeast } from '../../rbac/catalog';

/** One member entry of a role as `init_role_assignment` will see it. */
export interface Member {
  value: Value;
  /** the exact string in the config (one character when a string is iterated) */
  raw?: string;
  /** the name JupyterHub looks up (users are lowercased by the default normalize_username) */
  name?: string;
}

export interface MemberList {
  role: RoleSpec;
  kind: MemberKey;
  entry: DictEntry;
  /** how JupyterHub iterates the value; undefined when it is not a literal */
  form?: 'list' | 'set' | 'string' | 'dict' | 'not-iterable';
  members: Member[];
  /** entries that are not literals: the list is not fully known */
  unknownItems: boolean;
  /** JupyterHub turns this list into a set first (admin role with Authenticator.admin_users), so exact duplicates vanish */
  deduplicated: boolean | undefined;
}

/** The member lists of every live role (users, groups, services), as JupyterHub will iterate them. */
export function memberLists(ctx: RuleContext, r: Rbac): MemberList[] {
  void ctx;
  const out: MemberList[] = [];
  const admins = r.cfg.adminUsers;
  for (const role of r.cfg.roles) {
    const name = roleName(role);
    if (name === undefined) continue;
    for (const kind of MEMBER_KEYS) {
      const entry = role.keys.get(kind);
      if (!entry) continue;
      const v = entry.value;
      const ml: MemberList = { role, kind, entry, members: [], unknownItems: false, deduplicated: false };
      if (name === 'admin' && kind === 'users') {
        // init_role_assignment: role_spec['users'] = set(users) | admin_users when admin_users is not empty
        if (!admins.set) ml.deduplicated = false;
        else if (admins.certain) ml.deduplicated = (admins.value?.length ?? 0) > 0;
        else ml.deduplicated = undefined;
      }
      const norm = (s: string) => (kind === 'users' ? s.toLowerCase() : s);
      if (v.kind === 'list' || v.kind === 'tuple' || v.kind === 'set' || v.kind === 'dict') {
        ml.form = v.kind === 'set' ? 'set' : v.kind === 'dict' ? 'dict' : 'list';
        const items = v.kind === 'dict' ? v.entries.map((e) => e.key) : v.items;
        for (const i of items) {
          if (i.kind === 'str') ml.members.push({ value: i, raw: i.value, name: norm(i.value) });
          else if (['int', 'float', 'bool', 'none', 'list', 'tuple', 'set', 'dict'].includes(i.kind)) ml.members.push({ value: i });
          else ml.unknownItems = true;
        }
      } else if (v.kind === 'str') {
        ml.form = 'string';
        for (const ch of v.value) ml.members.push({ value: v, raw: ch, name: norm(ch) });
      } else if (v.kind === 'none' || v.kind === 'int' || v.kind === 'float' || v.kind === 'bool') {
        ml.form = 'not-iterable';
      } else {
        ml.unknownItems = true;
      }
      out.push(ml);
    }
  }
  return out;
}

/** Why JupyterHub's default validate_username rejects a (normalized) name, or undefined. */
export function usernameProblem(name: string, release: string): string | undefined {
  if (!name) return 'it is empty';
  if (name.includes('/')) return 'it contains "/"';
  // the whitespace check arrived in 3.0.0 (Python's str.strip() trims the same characters as JS trim() for these names)
  if (atLeast(release, '3.0.0') && name !== name.trim()) return 'it starts or ends with whitespace';
  return undefined;
}

/** Names that occur more than once (after normalization), where that makes JupyterHub fail. */
export function duplicateNames(ml: MemberList): Map<string, Member[]> {
  const out = new Map<string, Member[]>();
  if (ml.form === 'set' || ml.form === 'dict') {
    // a set literal or dict keys hold each exact value once; only case variants of user names can collide
    if (ml.kind !== 'users') return out;
  }
  if (ml.deduplicated === undefined) return out;
  // users created for a role get the default `user` role at once, so repeating them in `user` is harmless
  if (ml.kind === 'users' && roleName(ml.role) === 'user') return out;
  const unique = ml.deduplicated || ml.form === 'set' || ml.form === 'dict';
  const byName = new Map<string, Member[]>();
  const rawSeen = new Set<string>();
  for (const m of ml.members) {
    if (m.name === undefined || m.raw === undefined) continue;
    if (unique && rawSeen.has(m.raw)) continue;
    rawSeen.add(m.raw);
    byName.set(m.name, [...(byName.get(m.name) ?? []), m]);
  }
  for (const [n, ms] of byName) if (ms.length > 1) out.set(n, ms);
  return out;
}

