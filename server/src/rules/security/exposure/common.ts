import type { DictEntry, TraitOp, Value } from '../../../model/types';
import type { Edit, Fix, RuleContext } from '../../types';
import type { Span } from '../../../util/text';
import { compareVersions } from '../../../catalog/traits';
import { entryPointClasses } from '../../../catalog/entryPoints';
import { isPlaceholder, isTestContext, lastAssignment, opsFor } from '../util';

/** Helpers shared by the exposure rules (secrets, transport, isolation). */

/** The judged JupyterHub version is at least `v` ("4.1" means 4.1.0 and later). */
export function since(ctx: RuleContext, v: string): boolean {
  return compareVersions(ctx.jupyterhubVersion, v) >= 0;
}

const testCache = new WeakMap<TraitOp, boolean>();

/** isTestContext, remembered per op: every rule of an analysis sees the same model objects and file path. */
export function isTest(ctx: RuleContext, op: TraitOp): boolean {
  let v = testCache.get(op);
  if (v === undefined) {
    v = isTestContext(ctx, op);
    testCache.set(op, v);
  }
  return v;
}

/** Ops on a trait that apply to usable code: plain statements outside clearly-marked test blocks. */
export function liveOps(ctx: RuleContext, cls: string, trait: string): TraitOp[] {
  return opsFor(ctx, cls, trait).filter((o) => !isTest(ctx, o));
}

export function isStr(v: Value | undefined): v is Extract<Value, { kind: 'str' }> {
  return !!v && v.kind === 'str';
}

export function isDict(v: Value | undefined): v is Extract<Value, { kind: 'dict' }> {
  return !!v && v.kind === 'dict';
}

export function isSeq(v: Value | undefined): v is Extract<Value, { kind: 'list' | 'tuple' | 'set' }> {
  return !!v && (v.kind === 'list' || v.kind === 'tuple' || v.kind === 'set');
}

/** A value the file sets to something other than "nothing": a non-empty literal, or anything we cannot read. */
export function isSetToSomething(v: Value): boolean {
  if (v.kind === 'str') return v.value.trim() !== '';
  if (v.kind === 'none') return false;
  if (v.kind === 'bool') return v.value;
  if (v.kind === 'list' || v.kind === 'tuple' || v.kind === 'set') return v.items.length > 0;
  if (v.kind === 'dict') return v.entries.length > 0;
  return true;
}

/** Whether the file sets a trait to something (any branch; values it cannot read count as set). */
export function setsSomething(ctx: RuleContext, cls: string, trait: string): boolean {
  return opsFor(ctx, cls, trait).some((o) => o.op === '=' && isSetToSomething(o.value));
}

/** Whether the file enables per-user subdomains (or sets subdomain_host to something it cannot read). */
export function hasSubdomains(ctx: RuleContext): boolean {
  return setsSomething(ctx, 'JupyterHub', 'subdomain_host');
}

/** How JupyterHub's _bool_env reads an environment value: empty = unset, "0"/"false" = off, anything else = on. */
export function envBool(v: Value): boolean | undefined {
  if (v.kind === 'str') {
    if (v.value === '') return undefined;
    return !['0', 'false'].includes(v.value.toLowerCase());
  }
  if (v.kind === 'bool') return v.value;
  if (v.kind === 'int') return v.value !== 0;
  return undefined;
}

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || /^127\./.test(h) || h === '::1';
}

/** '' (traitlets' "all interfaces"), 0.0.0.0, :: and *. */
export function isAllInterfaces(host: string): boolean {
  const h = host.trim().replace(/^\[|\]$/g, '');
  return h === '' || h === '0.0.0.0' || h === '::' || h === '*';
}

/** scheme and host of a URL like http://:8000/ or https://[::1]:443 */
export function parseUrl(url: string): { scheme: string; host: string; port?: number } | undefined {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/(\[[^\]]*\]|[^/:?#]*)(?::(\d+))?/.exec(url.trim());
  if (!m) return undefined;
  return { scheme: m[1].toLowerCase(), host: m[2], port: m[3] ? Number(m[3]) : undefined };
}

/** A Python string literal for `s` using the quote style of an existing literal where possible. */
export function pyString(ctx: RuleContext, like: Value | undefined, s: string): string | undefined {
  const quote = like ? /^[rRuUbBfF]*(['"])/.exec(ctx.model.text.slice(like.span.start, like.span.end))?.[1] ?? '"' : '"';
  if (/[\\\n\r]/.test(s)) return undefined;
  if (!s.includes(quote)) return `${quote}${s}${quote}`;
  const other = quote === '"' ? "'" : '"';
  if (!s.includes(other)) return `${other}${s}${other}`;
  return undefined;
}

/** Adds `import os` once where the file lacks it. */
export function withOsImport(ctx: RuleContext, edits: Edit[]): Edit[] {
  if (ctx.model.imports.os) return edits;
  const at = ctx.model.imports.insertAt;
  return [...edits, { span: { start: at, end: at }, newText: at === 0 ? 'import os\n' : '\nimport os' }];
}

/** The text of a bytes literal (b"..."), when it spells its content plainly. */
export function bytesText(ctx: RuleContext, v: Value): string | undefined {
  if (v.kind !== 'expr' || v.nodeType !== 'bytes') return undefined;
  const m = /^[bBrR]{1,2}("""|'''|"|')([\s\S]*)\1$/.exec(ctx.model.text.slice(v.span.start, v.span.end));
  if (!m || m[2].includes('\\')) return undefined;
  return m[2];
}

/** A secret written literally as a str or bytes literal: its text, or undefined. */
export function literalSecretText(ctx: RuleContext, v: Value): string | undefined {
  const s = v.kind === 'str' ? v.value : bytesText(ctx, v);
  if (s === undefined || s.trim() === '' || isPlaceholder(s)) return undefined;
  return s;
}

/** An environment variable name derived from a user, service or provider name: "cull-idle" → "CULL_IDLE". */
export function envName(base: string, suffix: string, fallback: string): string {
  const b = base.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  return b && /^[A-Z_]/.test(b) ? `${b}_${suffix}` : fallback;
}

/** Length of the line break at `at` (0 when there is none). */
function lineBreakAt(text: string, at: number): number {
  if (text[at] === '\r') return text[at + 1] === '\n' ? 2 : 1;
  return text[at] === '\n' ? 1 : 0;
}

/**
 * Removes one item of a dict or list literal: its whole line when it stands alone on it,
 * otherwise the item with the comma that separates it from a neighbour.
 */
export function removeItemEdit(ctx: RuleContext, spans: Span[], index: number): Edit {
  const text = ctx.model.text;
  const item = spans[index];
  let ls = item.start;
  while (ls > 0 && text[ls - 1] !== '\n' && text[ls - 1] !== '\r') ls--;
  let le = item.end;
  while (le < text.length && text[le] !== '\n' && text[le] !== '\r') le++;
  const before = text.slice(ls, item.start);
  const after = text.slice(item.end, le);
  if (!before.trim() && /^\s*,?\s*(#.*)?$/.test(after)) {
    return { span: { start: ls, end: le + lineBreakAt(text, le) }, newText: '' };
  }
  if (index + 1 < spans.length) return { span: { start: item.start, end: spans[index + 1].start }, newText: '' };
  if (index > 0) return { span: { start: spans[index - 1].end, end: item.end }, newText: '' };
  // the only item: drop it and a trailing comma
  const trailing = /^\s*,/.exec(text.slice(item.end, item.end + 200));
  return { span: { start: item.start, end: item.end + (trailing ? trailing[0].length : 0) }, newText: '' };
}

/** A fix that removes an item of a dict or list literal. */
export function removeItemFix(ctx: RuleContext, spans: Span[], index: number, title: string, applicability: Fix['applicability'] = 'unsafe'): Fix {
  return { title, applicability, edits: [removeItemEdit(ctx, spans, index)] };
}

/** The statement's indentation-free start, when it begins its line (for fixes that insert or replace whole statements). */
export function statementAlone(ctx: RuleContext, op: TraitOp): boolean {
  const text = ctx.model.text;
  let ls = op.span.start;
  while (ls > 0 && text[ls - 1] !== '\n' && text[ls - 1] !== '\r') ls--;
  let le = op.span.end;
  while (le < text.length && text[le] !== '\n' && text[le] !== '\r') le++;
  return !text.slice(ls, op.span.start).trim() && !text.slice(op.span.end, le).replace(/#.*$/, '').trim();
}

/** The `c.` (or `cfg.`) prefix of an attribute-form op, to write new statements in the file's own style. */
export function configPrefix(ctx: RuleContext, op: TraitOp): string | undefined {
  if (op.form !== 'attr') return undefined;
  const p = ctx.model.text.slice(op.span.start, op.clsSpan.start);
  return /^[A-Za-z_]\w*\.$/.test(p) ? p : undefined;
}

/** One entry of a `Spawner.environment` (or other dict trait) as the file builds it. */
export interface DictItem {
  op: TraitOp;
  key: string;
  keySpan: Span;
  keyValue: Extract<Value, { kind: 'str' }>;
  value: Value;
  /** a fix-ready edit that removes exactly this entry */
  remove: Edit;
}

/** The entries a file puts into a dict trait: `= {...}`, `.update({...})`, `[k] = v`, `.setdefault(k, v)`. */
export function dictItems(ctx: RuleContext, ops: TraitOp[]): DictItem[] {
  const out: DictItem[] = [];
  for (const op of ops) {
    if ((op.op === '=' || op.op === 'update') && isDict(op.value)) {
      const spans = op.value.entries.map((e) => e.span);
      op.value.entries.forEach((e: DictEntry, i) => {
        if (e.key.kind === 'str') out.push({ op, key: e.key.value, keySpan: e.key.span, keyValue: e.key, value: e.value, remove: removeItemEdit(ctx, spans, i) });
      });
    } else if ((op.op === 'item=' || op.op === 'setdefault') && op.key?.kind === 'str') {
      out.push({ op, key: op.key.value, keySpan: op.key.span, keyValue: op.key, value: op.value, remove: removeStatementEdit(ctx, op) });
    }
  }
  return out;
}

/** One item a file puts into a list trait: `= [...]`, `+= [...]`, `.extend([...])`, `.append(x)`, `.insert(i, x)`. */
export interface ListItem {
  op: TraitOp;
  value: Value;
  remove: Edit;
}

export function listItems(ctx: RuleContext, ops: TraitOp[]): ListItem[] {
  const out: ListItem[] = [];
  for (const op of ops) {
    if ((op.op === '=' || op.op === '+=' || op.op === 'extend' || op.op === '|=' || op.op === 'update') && isSeq(op.value)) {
      const spans = op.value.items.map((v) => v.span);
      op.value.items.forEach((v, i) => out.push({ op, value: v, remove: removeItemEdit(ctx, spans, i) }));
    } else if (op.op === 'append' || op.op === 'insert' || op.op === 'add') {
      out.push({ op, value: op.value, remove: removeStatementEdit(ctx, op) });
    }
  }
  return out;
}

/** Removes an op's statement: its whole line when alone on it, else replaces it with `pass`. */
export function removeStatementEdit(ctx: RuleContext, op: TraitOp): Edit {
  const text = ctx.model.text;
  if (!statementAlone(ctx, op)) return { span: op.span, newText: 'pass' };
  let ls = op.span.start;
  while (ls > 0 && text[ls - 1] !== '\n' && text[ls - 1] !== '\r') ls--;
  let le = op.span.end;
  while (le < text.length && text[le] !== '\n' && text[le] !== '\r') le++;
  // keep a block non-empty: an indented statement alone in its block becomes `pass`
  const indent = text.slice(ls, op.span.start);
  if (indent) return { span: op.span, newText: 'pass' };
  return { span: { start: ls, end: le + lineBreakAt(text, le) }, newText: '' };
}

/** The dict values of a list trait (services, load_roles, profile_list). */
export function dictsOf(ops: TraitOp[]): { op: TraitOp; dict: Extract<Value, { kind: 'dict' }> }[] {
  const out: { op: TraitOp; dict: Extract<Value, { kind: 'dict' }> }[] = [];
  for (const op of ops) {
    if ((op.op === '=' || op.op === '+=' || op.op === 'extend') && isSeq(op.value)) {
      for (const v of op.value.items) if (isDict(v)) out.push({ op, dict: v });
    } else if ((op.op === 'append' || op.op === 'insert') && isDict(op.value)) out.push({ op, dict: op.value });
  }
  return out;
}

/** The spawner class the config selects (LocalProcessSpawner when none), or undefined when not a literal. */
export function spawnerClass(ctx: RuleContext): string | undefined {
  const op = lastAssignment(ctx, 'JupyterHub', 'spawner_class');
  if (!op) return 'LocalProcessSpawner';
  return spawnerName(op.value);
}

/** The class name a spawner_class value stands for (entry-point name, import string or class name). */
export function spawnerName(v: Value): string | undefined {
  let raw: string | undefined;
  if (v.kind === 'str') raw = v.value;
  else if (v.kind === 'name') raw = v.name;
  if (!raw) return undefined;
  const last = raw.split('.').pop()!;
  const eps = spawnerEntryPoints();
  return eps[raw.toLowerCase()] ?? eps[last.toLowerCase()] ?? last;
}

/**
 * Spawner entry points: the ones JupyterHub and the catalogued plugins register in some release
 * (generated, catalog/entrypoints.json), then names of uncatalogued plugins and names people write
 * that no release registers (judged as the class they mean).
 */
const WRITTEN_SPAWNER_NAMES: Record<string, string> = {
  dockerspawner: 'DockerSpawner', kubespawner: 'KubeSpawner', kubernetes: 'KubeSpawner',
  sudo: 'SudoSpawner', sudospawner: 'SudoSpawner',
  slurm: 'SlurmSpawner', torque: 'TorqueSpawner', pbs: 'PBSSpawner', lsf: 'LsfSpawner', condor: 'CondorSpawner', sge: 'GridengineSpawner',
  profiles: 'ProfilesSpawner', wrap: 'WrapSpawner',
};
let spawnerTable: Record<string, string> | undefined;
function spawnerEntryPoints(): Record<string, string> {
  return (spawnerTable ??= { ...WRITTEN_SPAWNER_NAMES, ...entryPointClasses('jupyterhub.spawners') });
}

/** Spawners that run single-user servers as processes on the hub's own host. */
export function isLocalProcessSpawner(ctx: RuleContext, cls: string): boolean {
  if (ctx.traits.isSubclass(cls, 'LocalProcessSpawner')) return true;
  return /^(LocalProcess|SimpleLocalProcess|Systemd|Sudo)Spawner$/.test(cls);
}

/** Spawners whose servers run elsewhere (containers, pods, batch nodes): they must listen beyond loopback. */
export function isRemoteSpawner(ctx: RuleContext, cls: string): boolean {
  for (const base of ['DockerSpawner', 'KubeSpawner', 'BatchSpawnerBase']) if (ctx.traits.isSubclass(cls, base)) return true;
  return /(Docker|Swarm|SystemUser|Kube|Batch|Slurm|Torque|PBS|Moab|Lsf|Condor|Gridengine|Yarn|Ecs|Fargate|Nomad|Ssh|Remote|Wrap|Profiles)Spawner$/i.test(cls);
}

/** Whether an op configures a spawner class (Spawner or a subclass, by catalogue or by name). */
export function isSpawnerClass(ctx: RuleContext, cls: string): boolean {
  return ctx.traits.isSubclass(cls, 'Spawner') || /Spawner$/.test(cls);
}

/** Variables that only the hub uses: whatever value they carry in a user server is the hub's business. */
const HUB_OWN_ENV: Record<string, string> = {
  CONFIGPROXY_AUTH_TOKEN: 'the proxy API token',
  JPY_COOKIE_SECRET: 'the cookie secret',
  JUPYTERHUB_CRYPT_KEY: 'the auth-state encryption key',
};

/** Variables that hold a hub secret when taken from the hub's environment (database, OAuth, LDAP credentials). */
const HUB_CREDENTIAL_ENV: Record<string, string> = {
  PGPASSWORD: 'the hub database password', MYSQL_PWD: 'the hub database password',
  POSTGRES_PASSWORD: 'the hub database password', MYSQL_PASSWORD: 'the hub database password', MYSQL_ROOT_PASSWORD: 'the hub database password',
  JUPYTERHUB_DB_URL: 'the hub database URL (with its password)', JUPYTERHUB_DB_PASSWORD: 'the hub database password',
  OAUTH_CLIENT_SECRET: 'the OAuth client secret', GITHUB_CLIENT_SECRET: 'the OAuth client secret', GITLAB_CLIENT_SECRET: 'the OAuth client secret',
  BITBUCKET_CLIENT_SECRET: 'the OAuth client secret', CILOGON_CLIENT_SECRET: 'the OAuth client secret',
  LDAP_BIND_PASSWORD: 'the LDAP bind password',
};

/**
 * What hub secret an environment variable of the hub process holds, for messages; undefined when none.
 * `own` restricts it to variables only the hub uses (a user server may legitimately get its own PGPASSWORD).
 */
export function hubSecretKind(name: string, scope: 'own' | 'any' = 'any'): string | undefined {
  const n = name.toUpperCase();
  if (HUB_OWN_ENV[n]) return HUB_OWN_ENV[n];
  if (scope === 'own') return undefined;
  if (HUB_CREDENTIAL_ENV[n]) return HUB_CREDENTIAL_ENV[n];
  if (/_CLIENT_SECRET$/.test(n)) return 'an OAuth client secret';
  return undefined;
}

/** Reads the literal content span of a plain string literal (inside the quotes). */
export function contentStart(ctx: RuleContext, v: Extract<Value, { kind: 'str' }>): number | undefined {
  if (!v.plain) return undefined;
  const m = /^[rRuU]*("""|'''|"|')/.exec(ctx.model.text.slice(v.span.start, v.span.end));
  return m ? v.span.start + m[0].length : undefined;
}
