import * as fs from 'fs';
import * as path from 'path';
import { AsyncLocalStorage } from 'async_hooks';
import { findAsset } from '../util/assets';

export interface TraitEntry {
  type: string;
  default?: unknown;
  defaultRepr?: string;
  dynamicDefault?: boolean;
  allowNone?: boolean;
  values?: (string | number | boolean | null)[];
  item?: string;
  key?: string;
  union?: string[];
  klass?: string;
  entryPointGroup?: string;
  minLen?: number;
  added?: string;
  changed?: { version: string; what: 'type' | 'default'; from: string; to: string }[];
  deprecated?: { since?: string; renamedTo?: string; effect?: 'copied' | 'ignored' | 'warns' | 'error'; exact?: false };
  helpSaysDeprecated?: boolean;
  doc?: string;
  /** upstream help text: only from introspection of the user's installed JupyterHub, never in catalogue files */
  help?: string;
}

export interface RemovedTrait {
  since: string;
  renamedTo?: string;
  /** ignored: nothing happens; error: start-up fails; copied: not a trait, but the class moves the value to renamedTo */
  effect: 'ignored' | 'error' | 'copied';
  exact?: false;
}

export interface ClassEntry {
  module: string;
  bases: string[];
  doc?: string;
  traits: Record<string, TraitEntry>;
  removed?: Record<string, RemovedTrait>;
  /** inherited traits this class hides (not config here) */
  shadowed?: string[];
  /** inherited traits whose default this class computes itself */
  dynamicDefaults?: string[];
  /** upstream class docstring: only from introspection, never in catalogue files */
  help?: string;
}

export interface CatalogFile {
  schema: 1;
  package: string;
  version: string;
  source: string;
  classes: Record<string, ClassEntry>;
}

interface IndexEntry {
  file: string;
  package: string;
  version: string;
  key?: string;
  prerelease?: boolean;
  /** 2: a multi-version file (CompactFile) holding `versions` */
  schema?: number;
  versions?: string[];
}

/** One value of a class / trait / removed entry and the catalogued versions it holds for ("a..b,c"). */
type Variant<T> = T & { in: string };

/**
 * A multi-version catalogue (docs/dev/catalog-format.md, schema 2): every class, trait and removed
 * name carries the version ranges it exists in, with one variant per distinct value.
 */
interface CompactFile {
  schema: 2;
  package: string;
  source: string;
  default: string;
  versions: string[];
  refs: string[];
  classes: Record<string, {
    meta: Variant<Omit<ClassEntry, 'traits' | 'removed'>>[];
    traits: Record<string, Variant<TraitEntry>[]>;
    removed?: Record<string, Variant<RemovedTrait>[]>;
  }>;
}

interface CatalogIndex {
  files: IndexEntry[];
  default?: string;
  packages?: Record<string, { default: string; latest: string; versions: Record<string, string> }>;
}

export interface ResolvedTrait {
  name: string;
  entry: TraitEntry;
  /** class that declares it */
  definedIn: string;
  package: string;
  packageVersion: string;
}

export interface ResolvedClass {
  name: string;
  entry: ClassEntry;
  package: string;
  packageVersion: string;
}

/** Compares dotted versions numerically ("5.10" > "5.9"); pre-release suffixes sort before the release. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.]/);
  const pb = b.split(/[.]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '0';
    const y = pb[i] ?? '0';
    const nx = parseInt(x, 10);
    const ny = parseInt(y, 10);
    if (nx !== ny) return (isNaN(nx) ? 0 : nx) - (isNaN(ny) ? 0 : ny);
    const sx = x.replace(/^\d+/, '');
    const sy = y.replace(/^\d+/, '');
    if (sx !== sy) {
      if (!sx) return 1;
      if (!sy) return -1;
      return sx < sy ? -1 : 1;
    }
  }
  return 0;
}

let indexCache: { dir: string; index: CatalogIndex } | undefined;

function catalogIndex(): { dir: string; index: CatalogIndex } {
  if (!indexCache) {
    // HUBCFG_CATALOG_DIR points at another generated catalogue directory (e.g. a fresh run of scripts/gen-traits.py)
    const override = process.env.HUBCFG_CATALOG_DIR;
    const file = override ? path.join(override, 'index.json') : findAsset(path.join('catalog', 'traits', 'index.json'));
    indexCache = { dir: path.dirname(file), index: JSON.parse(fs.readFileSync(file, 'utf8')) };
  }
  return indexCache;
}

const fileCache = new Map<string, CatalogFile>();
function loadFile(name: string): CatalogFile {
  let f = fileCache.get(name);
  if (!f) {
    f = JSON.parse(fs.readFileSync(path.join(catalogIndex().dir, name), 'utf8')) as CatalogFile;
    fileCache.set(name, f);
  }
  return f;
}

const compactCache = new Map<string, CompactFile>();
/** The catalogue of one catalogued version of a multi-version file, decoded on first use and cached. */
function loadVersion(name: string, version: string): CatalogFile {
  const id = `${name}@${version}`;
  let f = fileCache.get(id);
  if (f) return f;
  let c = compactCache.get(name);
  if (!c) {
    c = JSON.parse(fs.readFileSync(path.join(catalogIndex().dir, name), 'utf8')) as CompactFile;
    compactCache.set(name, c);
  }
  f = decodeCompact(c, version);
  fileCache.set(id, f);
  return f;
}

/** Decodes one version of a schema-2 file (scripts/gen-traits.py `decode_compact` is the reference). */
export function decodeCompact(c: CompactFile, version: string): CatalogFile {
  const i = c.versions.indexOf(version);
  if (i < 0) throw new Error(`${c.package} ${version} is not catalogued`);
  const ref = c.refs[i];
  const pos = new Map(c.versions.map((v, n) => [v, n]));
  const holds = (spec: string): boolean =>
    spec.split(',').some((part) => {
      const [a, b] = part.split('..');
      return (pos.get(a) ?? Infinity) <= i && i <= (pos.get(b ?? a) ?? -Infinity);
    });
  const pick = <T extends { doc?: string }>(variants: Variant<T>[] | undefined): T | undefined => {
    const v = variants?.find((x) => holds(x.in));
    if (!v) return undefined;
    const { in: _in, ...rest } = v;
    void _in;
    const e = rest as unknown as T;
    if (typeof e.doc === 'string' && e.doc.includes('{ref}')) e.doc = e.doc.replace('{ref}', ref);
    return e;
  };
  const classes: Record<string, ClassEntry> = {};
  for (const [name, ce] of Object.entries(c.classes)) {
    const meta = pick(ce.meta);
    if (!meta) continue;
    const traits: Record<string, TraitEntry> = {};
    for (const [t, vs] of Object.entries(ce.traits)) {
      const e = pick(vs);
      if (e) traits[t] = e;
    }
    const entry: ClassEntry = { ...meta, traits };
    for (const [t, vs] of Object.entries(ce.removed ?? {})) {
      const r = pick<RemovedTrait & { doc?: string }>(vs);
      if (r) (entry.removed ??= {})[t] = r;
    }
    classes[name] = entry;
  }
  return { schema: 1, package: c.package, version, source: `${c.source}@${ref} (AST scan)`, classes };
}

/** "jupyterhub-kubespawner", "KubeSpawner", "oauthenticator" -> the catalogue's package name, if any. */
export function pluginPackage(name: string): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/^jupyterhub[-_]/, '').replace(/[-_]/g, '');
  const want = norm(name.trim());
  return Object.keys(catalogIndex().index.packages ?? {}).find((p) => p !== 'jupyterhub' && p !== 'traitlets' && norm(p) === want);
}

/** The catalogued versions of a plugin package (oldest first) and the one used when none is asked for. */
export function pluginVersions(pkg: string): { versions: string[]; default: string } | undefined {
  const f = catalogIndex().index.files.find((x) => x.package === pkg);
  if (!f) return undefined;
  const versions = [...(f.versions ?? [f.version])].sort(compareVersions);
  return { versions, default: f.version };
}

/**
 * The catalogued version that judges a requested plugin version: the nearest one not later than it
 * ("17.3" -> 17.3.0, "16.2" -> 16.2.0, "16.2.5" -> 16.2.1); a bare major ("16") is its newest
 * release; "latest" or nothing is the current release. Older than every catalogued version: the
 * oldest. Throws on an unknown package or a version that is not a release number.
 */
export function resolvePluginVersion(name: string, requested: string | undefined): { package: string; version: string } {
  const pkg = pluginPackage(name);
  const info = pkg ? pluginVersions(pkg) : undefined;
  if (!pkg || !info) {
    const known = Object.keys(catalogIndex().index.packages ?? {}).filter((p) => p !== 'jupyterhub' && p !== 'traitlets');
    throw new Error(`unknown plugin "${name}" (known: ${known.join(', ')})`);
  }
  const r = (requested ?? '').trim().replace(/^v(?=\d)/, '');
  if (!r || r === 'latest') return { package: pkg, version: info.default };
  const m = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(r);
  if (!m) throw new Error(`unknown ${pkg} version "${requested}" (expected a release number such as ${info.default}, or latest)`);
  if (m[2] === undefined) {
    const major = info.versions.filter((v) => v.split('.')[0] === m[1]);
    if (major.length) return { package: pkg, version: major[major.length - 1] };
  }
  const notLater = info.versions.filter((v) => compareVersions(v, r) <= 0);
  return { package: pkg, version: notLater.length ? notLater[notLater.length - 1] : info.versions[0] };
}

/** Plugin versions as given by a user (package names as written) -> catalogued versions; bad entries are skipped. */
function resolvePluginVersions(requested: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(requested ?? {})) {
    try {
      const r = resolvePluginVersion(name, v);
      out[r.package] = r.version;
    } catch {
      // validated where the user gives it (CLI, .hubcfg.yaml); the engine never throws on it
    }
  }
  return out;
}

/** The JupyterHub versions we have catalogues for, e.g. ["2.3", "3.0", "4.1", "5.5", "6.0"], and the default. */
export function jupyterhubVersions(): { keys: string[]; default: string } {
  const { index } = catalogIndex();
  const keys = index.files.filter((f) => f.package === 'jupyterhub').map((f) => f.key ?? f.version);
  keys.sort(compareVersions);
  return { keys, default: index.packages?.jupyterhub?.default ?? index.default ?? keys.filter((k) => !index.files.find((f) => f.key === k)?.prerelease).pop()! };
}

/**
 * Resolves a requested JupyterHub version ("latest", "5", "5.2", "5.2.1") to the requested
 * version (for `added` filtering) and the catalogue that best describes it.
 */
export function resolveVersion(requested: string | undefined): { version: string; key: string } {
  const { keys, default: def } = jupyterhubVersions();
  if (!requested || requested === 'latest') return { version: def, key: def };
  const m = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(requested.trim());
  if (!m) throw new Error(`unknown JupyterHub version "${requested}" (expected e.g. ${keys.join(', ')} or latest)`);
  const major = m[1];
  const version = m[2] === undefined ? keys.filter((k) => k.startsWith(major + '.')).pop() ?? `${major}.0` : `${major}.${m[2]}${m[3] ? '.' + m[3] : ''}`;
  const sameMajor = keys.filter((k) => k.split('.')[0] === major);
  let key = sameMajor.find((k) => compareVersions(k, version) >= 0) ?? sameMajor[sameMajor.length - 1];
  if (!key) {
    const lower = keys.filter((k) => compareVersions(k, version) <= 0);
    key = lower.length ? lower[lower.length - 1] : keys[0];
  }
  return { version, key };
}

/**
 * Classes described at run time by the introspection helper from the user's installed JupyterHub
 * and plugins (server/src/introspect). Merged over the bundled catalogues by `TraitCatalog`:
 * classes the bundle lacks are added; bundled classes keep their facts, gain the upstream help and,
 * where the installed package is the one being judged (plugins; JupyterHub of the same major.minor),
 * the traits the bundle lacks.
 */
export interface TraitOverlay {
  /** identity (interpreter and installed versions): catalogues are cached per overlay id */
  id: string;
  /** where it comes from, for hover: e.g. "JupyterHub 3.0.0 in /usr/bin/python3" */
  source: string;
  /** the installed JupyterHub version */
  jupyterhub?: string;
  classes: Record<string, { entry: ClassEntry; package: string; packageVersion: string }>;
}

const overlayScope = new AsyncLocalStorage<TraitOverlay | undefined>();

/**
 * Runs `fn` (e.g. the engine's `analyze`) with an overlay: every `traitCatalog()` call made inside,
 * across awaits, includes the overlay's classes. Outside such a scope catalogues are the bundled ones.
 */
export function withTraitOverlay<T>(overlay: TraitOverlay | undefined, fn: () => T): T {
  return overlayScope.run(overlay, fn);
}

const catalogs = new Map<string, TraitCatalog>();

/**
 * The trait catalogue for a JupyterHub version (plugin catalogues included, and the overlay in scope), cached.
 * `pluginVersions` ({oauthenticator: "17.3", kubespawner: "6.2"}) picks, per plugin, the catalogued version
 * nearest not later than the one given (see `resolvePluginVersion`); other plugins are judged at their
 * current release.
 */
export function traitCatalog(requested?: string, overlay: TraitOverlay | undefined = overlayScope.getStore(), pluginVersions?: Record<string, string>): TraitCatalog {
  const { version, key } = resolveVersion(requested);
  const plugins = resolvePluginVersions(pluginVersions);
  const pv = Object.keys(plugins).sort().map((p) => `${p}=${plugins[p]}`).join(',');
  const id = `${version}|${key}|${pv}|${overlay?.id ?? ''}`;
  let c = catalogs.get(id);
  if (!c) {
    if (catalogs.size > 64) for (const k of catalogs.keys()) if (overlay ? !k.endsWith('|') : k.split('|')[2] !== '') catalogs.delete(k);
    c = new TraitCatalog(version, key, overlay, plugins);
    catalogs.set(id, c);
  }
  return c;
}

export class TraitCatalog {
  private readonly classes = new Map<string, ResolvedClass>();
  private readonly traitCache = new Map<string, Map<string, ResolvedTrait>>();
  /** JupyterHub version being judged (e.g. "5.2") and the catalogue key used ("5.5"); the overlay's source, if any */
  readonly overlaySource?: string;
  /** the catalogued version judged for each plugin package (e.g. {oauthenticator: "17.3.0", ...}) */
  readonly pluginVersions: Record<string, string> = {};
  /** the plugin versions that were asked for (a chart's pins, the user's settings), not defaulted */
  readonly pinnedPlugins: Readonly<Record<string, string>>;
  constructor(readonly version: string, readonly key: string, overlay?: TraitOverlay, plugins: Record<string, string> = {}) {
    this.pinnedPlugins = { ...plugins };
    const { index } = catalogIndex();
    const files = index.files.filter((f) => f.package !== 'jupyterhub' || (f.key ?? f.version) === key);
    // JupyterHub's own classes win over same-named plugin classes
    files.sort((a, b) => (a.package === 'jupyterhub' ? -1 : 0) - (b.package === 'jupyterhub' ? -1 : 0));
    for (const f of files) {
      let data: CatalogFile;
      if (f.schema === 2) {
        const v = plugins[f.package] && f.versions?.includes(plugins[f.package]) ? plugins[f.package] : f.version;
        this.pluginVersions[f.package] = v;
        data = loadVersion(f.file, v);
      } else data = loadFile(f.file);
      for (const [name, entry] of Object.entries(data.classes)) {
        if (!this.classes.has(name)) this.classes.set(name, { name, entry, package: data.package, packageVersion: data.version });
      }
    }
    if (overlay) {
      this.overlaySource = overlay.source;
      this.mergeOverlay(overlay, plugins);
    }
  }

  /** See `TraitOverlay`. Bundled entries are copied, never changed (they are shared between catalogues). */
  private mergeOverlay(o: TraitOverlay, plugins: Record<string, string>): void {
    const major = (v: string | undefined) => (v ?? '').split('.').slice(0, 2).join('.');
    // a plugin judged at a chosen version takes no traits from another installed version
    const samePlugin = (pkg: string, installed: string) => !plugins[pkg] || major(installed) === major(plugins[pkg]);
    const sameHub = !!o.jupyterhub && major(o.jupyterhub) === major(this.version);
    /** the help of a trait as the installed class resolves it (own traits, then its bases) */
    const helpOf = (cls: string, trait: string): string | undefined => {
      const c = o.classes[cls];
      if (!c) return undefined;
      for (const n of [cls, ...c.entry.bases]) {
        const h = o.classes[n]?.entry.traits[trait]?.help;
        if (h) return h;
      }
      return undefined;
    };
    for (const [name, oc] of Object.entries(o.classes)) {
      const mine = this.classes.get(name);
      const isHub = oc.package === 'jupyterhub';
      if (!mine) {
        // JupyterHub's own classes only when the installed JupyterHub is the judged one
        if (!isHub || sameHub) this.classes.set(name, { name, entry: oc.entry, package: oc.package, packageVersion: oc.packageVersion });
        continue;
      }
      const traits: Record<string, TraitEntry> = {};
      for (const [t, e] of Object.entries(mine.entry.traits)) {
        const help = helpOf(name, t);
        traits[t] = help ? { ...e, help } : e;
      }
      const addTraits = mine.package === oc.package && (isHub ? sameHub : samePlugin(mine.package, oc.packageVersion));
      if (addTraits) for (const [t, e] of Object.entries(oc.entry.traits)) if (!(t in traits) && !mine.entry.removed?.[t]) traits[t] = e;
      this.classes.set(name, { ...mine, entry: { ...mine.entry, traits, help: oc.entry.help ?? mine.entry.help } });
    }
  }

  get jupyterhubRelease(): string {
    return this.classes.get('JupyterHub')?.packageVersion ?? this.key;
  }

  classNames(): string[] {
    return [...this.classes.keys()];
  }

  getClass(name: string): ResolvedClass | undefined {
    return this.classes.get(name);
  }

  /**
   * The same catalogue without some classes: for a config that selects another package's class of
   * the same name (see context/classIdentity.ts), whose settings the namesake must not judge.
   */
  hiding(names: Iterable<string>): TraitCatalog {
    const hidden = new Set(names);
    if (![...hidden].some((n) => this.classes.has(n))) return this;
    const view = Object.create(TraitCatalog.prototype) as TraitCatalog;
    const classes = new Map([...this.classes].filter(([n]) => !hidden.has(n)));
    Object.assign(view, this, { classes, traitCache: new Map() });
    return view;
  }

  /** Whether a trait exists at the judged version (catalogue `added` filter for JupyterHub's own traits). */
  private existsAt(t: TraitEntry, pkg: string): boolean {
    if (pkg !== 'jupyterhub' || !t.added) return true;
    return compareVersions(t.added, this.version) <= 0 || compareVersions(t.added, this.key) > 0;
  }

  /** All config traits of a class, inherited ones included (nearest definition wins). */
  traitsOf(name: string): Map<string, ResolvedTrait> {
    let m = this.traitCache.get(name);
    if (m) return m;
    m = new Map();
    const cls = this.classes.get(name);
    if (cls) {
      const hidden = new Set<string>();
      for (const cname of [name, ...cls.entry.bases]) {
        const c = this.classes.get(cname);
        if (!c) continue;
        for (const [tname, t] of Object.entries(c.entry.traits)) {
          if (!m.has(tname) && !hidden.has(tname) && this.existsAt(t, c.package)) {
            m.set(tname, { name: tname, entry: t, definedIn: cname, package: c.package, packageVersion: c.packageVersion });
          }
        }
        for (const h of c.entry.shadowed ?? []) hidden.add(h);
      }
    }
    this.traitCache.set(name, m);
    return m;
  }

  getTrait(cls: string, trait: string): ResolvedTrait | undefined {
    return this.traitsOf(cls).get(trait);
  }

  /** A name that used to be a trait (or a documented alias) of the class or one of its bases. */
  removedTrait(cls: string, trait: string): (RemovedTrait & { definedIn: string }) | undefined {
    const c = this.classes.get(cls);
    if (!c) return undefined;
    for (const cname of [cls, ...c.entry.bases]) {
      const r = this.classes.get(cname)?.entry.removed?.[trait];
      if (r) return { ...r, definedIn: cname };
    }
    return undefined;
  }

  /** Classes that inherit (directly or not) from `base`, including itself. */
  isSubclass(cls: string, base: string): boolean {
    if (cls === base) return true;
    return this.classes.get(cls)?.entry.bases.includes(base) ?? false;
  }
}
