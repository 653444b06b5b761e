import type { ConfigModel, DictEntry, TraitOp, Value } from '../model/types';
import type { TraitCatalog } from '../catalog/traits';
import { decodeValue } from './pystr';

/**
 * What the config file says about RBAC, read from the model's trait operations the way traitlets
 * would apply them: `=` replaces, `+=`/`extend`/`append`/`insert` add to lists, `item=`/`update`/
 * `setdefault` add to dicts. Anything that is not a literal is "unknown" and never leads to an error.
 *
 * Liveness of an item: `certain` when it ends up in the final value whatever the branches do,
 * `maybe` when it was added or could have been replaced inside a conditional block. Items replaced
 * by a later unconditional `=` are dropped (dead config is not judged).
 */

export type DictValue = Extract<Value, { kind: 'dict' }>;
export type Liveness = 'certain' | 'maybe';

export interface ListItem {
  value: Value;
  op: TraitOp;
  live: Liveness;
}

export interface ListTrait {
  items: ListItem[];
  /** some contribution is not a literal (or not a list): the final list may hold more */
  unknown: boolean;
  /** some op was conditional */
  conditional: boolean;
  ops: TraitOp[];
}

export interface DictItem {
  key: string;
  keyValue: Value;
  value: Value;
  entry?: DictEntry;
  op: TraitOp;
  live: Liveness;
}

export interface DictTrait {
  /** final entries by key (last write wins) */
  items: Map<string, DictItem>;
  unknown: boolean;
  conditional: boolean;
  ops: TraitOp[];
}

export interface RoleSpec {
  dict: DictValue;
  op: TraitOp;
  live: Liveness;
  /** position among the live role specs */
  index: number;
  /** last entry per string key (Python keeps the last of repeated keys) */
  keys: Map<string, DictEntry>;
  /** entries whose key is a literal that is not a string */
  otherKeys: DictEntry[];
  /** every key is a literal: missing keys are really missing */
  keysKnown: boolean;
}

export interface Scalar<T> {
  value: T | undefined;
  /** set by an unconditional literal assignment that nothing later may change */
  certain: boolean;
  /** assigned at all */
  set: boolean;
  op?: TraitOp;
}

export interface RbacConfig {
  roles: RoleSpec[];
  rolesTrait: ListTrait;
  customScopes: DictTrait;
  services: ListTrait;
  serviceTokens: DictTrait;
  /** names of services that will be in the database (config services and service_tokens values) */
  serviceNames: Set<string>;
  /** serviceNames is complete: nothing non-literal could add a service */
  serviceNamesKnown: boolean;
  manageRoles: Scalar<boolean>;
  adminUsers: Scalar<string[]>;
  allowedUsers: Scalar<string[]>;
  subdomainHost: Scalar<string>;
  loadGroups: DictTrait;
  manageGroups: Scalar<boolean>;
  /** Spawner (and subclasses) server_token_scopes / oauth_client_allowed_scopes ops */
  spawnerScopeOps: TraitOp[];
  /** JupyterHub.extra_user_scopes ops (6.0+) */
  extraUserScopes: TraitOp[];
}

/** A copy of the op with its string literals decoded from source (see pystr.ts). */
function decoded(model: ConfigModel, op: TraitOp): TraitOp {
  // only Python source is decoded here; values from YAML (z2jh) are already decoded by the YAML parser
  if (model.kind !== 'jupyterhub_config') return op;
  const d: TraitOp = { ...op, value: decodeValue(model.text, op.value) };
  if (op.key) d.key = decodeValue(model.text, op.key);
  return d;
}

/** The ops setting `base.trait` (or the trait on a subclass of base), strings decoded. */
export function opsOf(model: ConfigModel, traits: TraitCatalog, base: string, trait: string): TraitOp[] {
  return model.ops.filter((o) => o.trait === trait && (o.cls === base || traits.isSubclass(o.cls, base))).map((o) => decoded(model, o));
}

function isSeq(v: Value): v is Extract<Value, { kind: 'list' | 'tuple' | 'set' }> {
  return v.kind === 'list' || v.kind === 'tuple';
}

/** Applies list-trait ops in file order. */
export function listTrait(ops: TraitOp[]): ListTrait {
  const t: ListTrait = { items: [], unknown: false, conditional: false, ops };
  for (const op of ops) {
    const live: Liveness = op.conditional ? 'maybe' : 'certain';
    if (op.conditional) t.conditional = true;
    if (op.op === '=') {
      if (op.conditional) for (const it of t.items) it.live = 'maybe';
      else {
        t.items = [];
        t.unknown = false;
      }
      if (isSeq(op.value)) for (const v of op.value.items) t.items.push({ value: v, op, live });
      else t.unknown = true;
    } else if (op.op === '+=' || op.op === 'extend') {
      if (isSeq(op.value)) for (const v of op.value.items) t.items.push({ value: v, op, live });
      else t.unknown = true;
    } else if (op.op === 'append' || op.op === 'insert') {
      t.items.push({ value: op.value, op, live });
    } else if (op.op === 'item=') {
      // c.X.trait[0] = {...}: replaces an item we cannot place
      t.unknown = true;
    } else {
      t.unknown = true;
    }
  }
  return t;
}

/** Applies dict-trait ops in file order. */
export function dictTrait(ops: TraitOp[]): DictTrait {
  const t: DictTrait = { items: new Map(), unknown: false, conditional: false, ops };
  const addEntries = (d: DictValue, op: TraitOp, live: Liveness) => {
    for (const e of d.entries) {
      if (e.key.kind !== 'str') {
        t.unknown = true;
        continue;
      }
      t.items.set(e.key.value, { key: e.key.value, keyValue: e.key, value: e.value, entry: e, op, live });
    }
  };
  for (const op of ops) {
    const live: Liveness = op.conditional ? 'maybe' : 'certain';
    if (op.conditional) t.conditional = true;
    if (op.op === '=') {
      if (op.conditional) for (const it of t.items.values()) it.live = 'maybe';
      else {
        t.items = new Map();
        t.unknown = false;
      }
      if (op.value.kind === 'dict') addEntries(op.value, op, live);
      else t.unknown = true;
    } else if (op.op === 'update' || op.op === '|=') {
      if (op.value.kind === 'dict') addEntries(op.value, op, live);
      else t.unknown = true;
    } else if (op.op === 'item=' || op.op === 'setdefault') {
      if (op.key?.kind === 'str') {
        if (op.op === 'setdefault' && t.items.has(op.key.value)) continue;
        t.items.set(op.key.value, { key: op.key.value, keyValue: op.key, value: op.value, op, live });
      } else t.unknown = true;
    } else t.unknown = true;
  }
  return t;
}

/** The final value of a scalar trait: known only when the last assignment is an unconditional literal. */
function scalar<T>(ops: TraitOp[], read: (v: Value) => T | undefined): Scalar<T> {
  const s: Scalar<T> = { value: undefined, certain: false, set: false };
  for (const op of ops) {
    if (op.op !== '=') {
      s.certain = false;
      s.set = true;
      continue;
    }
    const v = read(op.value);
    s.set = true;
    s.op = op;
    if (op.conditional) {
      s.certain = false;
      if (v !== undefined && s.value === undefined) s.value = v;
      continue;
    }
    s.value = v;
    s.certain = v !== undefined;
  }
  return s;
}

function strList(v: Value): string[] | undefined {
  if (v.kind !== 'list' && v.kind !== 'tuple' && v.kind !== 'set') return undefined;
  const out: string[] = [];
  for (const i of v.items) {
    if (i.kind !== 'str') return undefined;
    out.push(i.value);
  }
  return out;
}

export function roleSpecOf(item: ListItem, index: number): RoleSpec | undefined {
  if (item.value.kind !== 'dict') return undefined;
  const keys = new Map<string, DictEntry>();
  const otherKeys: DictEntry[] = [];
  let keysKnown = true;
  for (const e of item.value.entries) {
    if (e.key.kind === 'str') keys.set(e.key.value, e);
    else if (['int', 'float', 'bool', 'none', 'tuple'].includes(e.key.kind)) otherKeys.push(e);
    else keysKnown = false;
  }
  return { dict: item.value, op: item.op, live: item.live, index, keys, otherKeys, keysKnown };
}

const cache = new WeakMap<ConfigModel, WeakMap<TraitCatalog, RbacConfig>>();

/** The RBAC view of a config model (cached per model and trait catalogue). */
export function rbacConfig(model: ConfigModel, traits: TraitCatalog): RbacConfig {
  let byCat = cache.get(model);
  if (!byCat) {
    byCat = new WeakMap();
    cache.set(model, byCat);
  }
  let cfg = byCat.get(traits);
  if (cfg) return cfg;
  const rolesTrait = listTrait(opsOf(model, traits, 'JupyterHub', 'load_roles'));
  const roles: RoleSpec[] = [];
  for (const it of rolesTrait.items) {
    const r = roleSpecOf(it, roles.length);
    if (r) roles.push(r);
  }
  const services = listTrait(opsOf(model, traits, 'JupyterHub', 'services'));
  const serviceTokens = dictTrait(opsOf(model, traits, 'JupyterHub', 'service_tokens'));
  const serviceNames = new Set<string>();
  let serviceNamesKnown = !services.unknown && !serviceTokens.unknown;
  for (const it of services.items) {
    if (it.value.kind !== 'dict') {
      serviceNamesKnown = false;
      continue;
    }
    const spec = roleSpecOf(it, 0)!;
    const name = spec.keys.get('name');
    if (name?.value.kind === 'str') serviceNames.add(name.value.value);
    else if (name || !spec.keysKnown) serviceNamesKnown = false;
  }
  for (const it of serviceTokens.items.values()) {
    if (it.value.kind === 'str') serviceNames.add(it.value.value);
    else serviceNamesKnown = false;
  }
  // the z2jh chart defines services of its own (e.g. the idle culler): the list in the values is not complete
  if (model.kind !== 'jupyterhub_config') serviceNamesKnown = false;
  const bool = (v: Value) => (v.kind === 'bool' ? v.value : v.kind === 'none' ? false : v.kind === 'int' ? v.value !== 0 : undefined);
  const str = (v: Value) => (v.kind === 'str' ? v.value : v.kind === 'none' ? '' : undefined);
  cfg = {
    roles,
    rolesTrait,
    customScopes: dictTrait(opsOf(model, traits, 'JupyterHub', 'custom_scopes')),
    services,
    serviceTokens,
    serviceNames,
    serviceNamesKnown,
    manageRoles: scalar(opsOf(model, traits, 'Authenticator', 'manage_roles'), bool),
    adminUsers: scalar(opsOf(model, traits, 'Authenticator', 'admin_users'), strList),
    allowedUsers: scalar(opsOf(model, traits, 'Authenticator', 'allowed_users'), strList),
    subdomainHost: scalar(opsOf(model, traits, 'JupyterHub', 'subdomain_host'), str),
    loadGroups: dictTrait(opsOf(model, traits, 'JupyterHub', 'load_groups')),
    manageGroups: scalar(opsOf(model, traits, 'Authenticator', 'manage_groups'), bool),
    spawnerScopeOps: [...opsOf(model, traits, 'Spawner', 'server_token_scopes'), ...opsOf(model, traits, 'Spawner', 'oauth_client_allowed_scopes')].sort((a, b) => a.span.start - b.span.start),
    extraUserScopes: opsOf(model, traits, 'JupyterHub', 'extra_user_scopes'),
  };
  byCat.set(traits, cfg);
  return cfg;
}

/** The role's name when it is a string literal. */
export function roleName(r: RoleSpec): string | undefined {
  const e = r.keys.get('name');
  return e?.value.kind === 'str' ? e.value.value : undefined;
}

/** Python truthiness of a literal value (undefined when not a literal). */
export function truthy(v: Value): boolean | undefined {
  switch (v.kind) {
    case 'str':
      return v.value.length > 0;
    case 'int':
    case 'float':
      return v.value !== 0;
    case 'bool':
      return v.value;
    case 'none':
      return false;
    case 'list':
    case 'tuple':
    case 'set':
      return v.items.length > 0;
    case 'dict':
      return v.entries.length > 0;
    default:
      return undefined;
  }
}

/** The items a Python `for x in value` would produce, when they are literal (strings iterate by character). */
export function iterItems(v: Value): { items: Value[]; fromString: boolean } | undefined {
  if (v.kind === 'list' || v.kind === 'tuple' || v.kind === 'set') return { items: v.items, fromString: false };
  if (v.kind === 'dict') return { items: v.entries.map((e) => e.key), fromString: false };
  if (v.kind === 'str') return { items: [...v.value].map((ch) => ({ kind: 'str', value: ch, span: v.span, plain: false })), fromString: true };
  return undefined;
}
