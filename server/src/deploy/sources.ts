/**
 * Where deployments are declared: the ordered values files Helm gets for one release, and the chart they are for.
 *
 * Sources read: a helm command line (`-f`/`--values`), a `.hubcfg.yaml` `deployments:` list, `helmfile.yaml`
 * releases, Argo CD `Application` manifests, 2i2c-style `cluster.yaml` hub lists, and a wrapper chart's
 * `Chart.yaml` (for the chart version and where the z2jh values sit: the values root). Pure parsing: files are
 * read through a `ReadFile` function (the default one reads the disk); nothing is run.
 */
import * as fs from 'fs';
import * as path from 'path';
import { isMap, isSeq, parseAllDocuments, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import type { ChartSpec } from './helmMerge';

export type ReadFile = (absPath: string) => string | undefined;

export const readFromDisk: ReadFile = (p) => {
  try {
    return fs.statSync(p, { throwIfNoEntry: false })?.isFile() ? fs.readFileSync(p, 'utf8') : undefined;
  } catch {
    return undefined;
  }
};

export type SourceKind = 'cli' | 'project' | 'helmfile' | 'argocd' | 'cluster-yaml' | 'hubploy';

export interface DeploymentSource {
  kind: SourceKind;
  /** the file that declares the deployment (absent for a command line) */
  file?: string;
  /** offsets of the declaring node in that file */
  range?: [number, number];
}

export interface Deployment {
  name: string;
  /** the z2jh chart version, when the declaration says it */
  chartVersion?: string;
  /** the chart as declared (`jupyterhub/jupyterhub`, `./hub`, `basehub`, an Argo CD chart name) */
  chart?: string;
  /** absolute paths, in Helm's order (later files win) */
  files: string[];
  /** per file: the keys above the z2jh values (`['jupyterhub']` in a wrapper chart); undefined: unknown */
  valuesRoot: (string[] | undefined)[];
  /** files among `files` that are sops-encrypted (decrypted before Helm reads them: keys real, values ENC[...]) */
  encrypted?: string[];
  source: DeploymentSource;
  /** a local chart directory the files are for (a wrapper chart's own values.yaml is a layer under them) */
  chartDir?: string;
}

export interface SourceProblem {
  file?: string;
  range?: [number, number];
  message: string;
}

export interface SourceResult {
  deployments: Deployment[];
  problems: SourceProblem[];
}

// ---------------------------------------------------------------------------------------------------------------
// Charts: version and values root

/** Charts known to wrap z2jh, by chart name, with the keys down to the z2jh values. */
const KNOWN_WRAPPERS: Record<string, string[]> = {
  binderhub: ['jupyterhub'],
  daskhub: ['jupyterhub'], // dask/helm-chart's daskhub; 2i2c's daskhub is a local chart (read from its Chart.yaml)
  basehub: ['jupyterhub'],
};

export interface ChartInfo {
  /** keys from the chart's values down to the z2jh values; [] for z2jh itself */
  valuesRoot?: string[];
  /** the z2jh version (the `jupyterhub` dependency's version, or the chart's own version for z2jh itself) */
  chartVersion?: string;
  /** the Chart.yaml read */
  from?: string;
  /** the chart directory asked about (a local chart) */
  dir?: string;
}

function versionOf(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  const m = /(\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?|\d+\.\d+|\d+)/.exec(String(v));
  return m ? m[1] : undefined;
}

/**
 * A chart directory's Chart.yaml: z2jh itself, a chart depending on `jupyterhub`, or a chart depending on a local
 * (`file://`) chart that does, to any depth.
 */
export function chartInfo(chartDir: string, read: ReadFile = readFromDisk, seen = new Set<string>()): ChartInfo {
  const dir = path.resolve(chartDir);
  if (seen.has(dir) || seen.size > 16) return {};
  seen.add(dir);
  const file = path.join(dir, 'Chart.yaml');
  const text = read(file);
  if (text === undefined) return {};
  const found = chartInfoOf(dir, file, text, read, seen);
  return found.valuesRoot ? { ...found, dir } : found;
}

function chartInfoOf(dir: string, file: string, text: string, read: ReadFile, seen: Set<string>): ChartInfo {
  let doc: { name?: unknown; version?: unknown; dependencies?: unknown } | null;
  try {
    doc = parseDocument(text).toJS() as typeof doc;
  } catch {
    return {};
  }
  if (!doc || typeof doc !== 'object') return {};
  if (doc.name === 'jupyterhub') {
    const v = String(doc.version ?? '');
    return { valuesRoot: [], chartVersion: /set\.by\.chartpress/.test(v) ? 'main' : versionOf(v), from: file };
  }
  let deps = Array.isArray(doc.dependencies) ? (doc.dependencies as Record<string, unknown>[]) : [];
  // Helm 2 charts (apiVersion v1) list them in requirements.yaml beside Chart.yaml
  if (!deps.length) {
    const req = read(path.join(dir, 'requirements.yaml'));
    try {
      const r = req === undefined ? undefined : (parseDocument(req).toJS() as { dependencies?: unknown } | null);
      if (r && Array.isArray(r.dependencies)) deps = r.dependencies as Record<string, unknown>[];
    } catch {
      /* unreadable requirements: no dependencies */
    }
  }
  for (const d of deps) {
    if (d && d.name === 'jupyterhub') return { valuesRoot: [String(d.alias ?? d.name)], chartVersion: versionOf(d.version), from: file };
  }
  for (const d of deps) {
    if (!d || typeof d.name !== 'string') continue;
    const key = String(d.alias ?? d.name);
    const repo = typeof d.repository === 'string' ? d.repository : '';
    if (repo.startsWith('file://')) {
      const sub = chartInfo(path.resolve(dir, repo.slice('file://'.length)), read, seen);
      if (sub.valuesRoot) return { valuesRoot: [key, ...sub.valuesRoot], chartVersion: sub.chartVersion, from: sub.from };
    } else if (KNOWN_WRAPPERS[d.name]) {
      return { valuesRoot: [key, ...KNOWN_WRAPPERS[d.name]], from: file };
    }
  }
  return { from: file };
}

/**
 * The chart chain Helm merges for a local chart directory, for `mergeDeployment`: the chart's own `values.yaml`
 * (parsed, so defaults carry ranges), its `file://` subcharts that lead to z2jh, and z2jh with `z2jhDefaults`.
 * Other subcharts (dask-gateway, ...) are left out: they do not change the z2jh values. Undefined when the
 * directory does not lead to z2jh.
 */
export function chartSpecFromDir(chartDir: string, z2jhDefaults: ChartSpec['values'], read: ReadFile = readFromDisk, depth = 0): ChartSpec | undefined {
  const dir = path.resolve(chartDir);
  const text = read(path.join(dir, 'Chart.yaml'));
  if (text === undefined || depth > 16) return undefined;
  let doc: { name?: unknown; dependencies?: unknown } | null;
  try {
    doc = parseDocument(text).toJS() as typeof doc;
  } catch {
    return undefined;
  }
  if (!doc || typeof doc.name !== 'string') return undefined;
  if (doc.name === 'jupyterhub') return { name: 'jupyterhub', values: z2jhDefaults };
  const valuesFile = path.join(dir, 'values.yaml');
  const valuesText = read(valuesFile);
  const values = valuesText === undefined ? {} : parseDocument(valuesText);
  const deps = Array.isArray(doc.dependencies) ? (doc.dependencies as Record<string, unknown>[]) : [];
  for (const d of deps) {
    if (!d || typeof d.name !== 'string') continue;
    const key = String(d.alias ?? d.name);
    const repo = typeof d.repository === 'string' ? d.repository : '';
    let sub: ChartSpec | undefined;
    if (d.name === 'jupyterhub') sub = { name: key, values: z2jhDefaults };
    else if (repo.startsWith('file://')) {
      const found = chartSpecFromDir(path.resolve(dir, repo.slice('file://'.length)), z2jhDefaults, read, depth + 1);
      if (found) sub = { ...found, name: key };
    }
    if (sub) return { name: doc.name, values, valuesFile: valuesText === undefined ? undefined : valuesFile, dependencies: [sub] };
  }
  return undefined;
}

/** What a chart reference says: z2jh from a repository, a known wrapper, or a local chart directory. */
function resolveChart(chart: string | undefined, baseDir: string, read: ReadFile): ChartInfo {
  if (!chart) return {};
  const last = chart.replace(/\/+$/, '').split('/').pop() ?? chart;
  if (chart.startsWith('.') || chart.startsWith('/') || read(path.join(path.resolve(baseDir, chart), 'Chart.yaml')) !== undefined) {
    const info = chartInfo(path.resolve(baseDir, chart), read);
    if (info.from) return info;
  }
  if (last === 'jupyterhub') return { valuesRoot: [] };
  if (KNOWN_WRAPPERS[last]) return { valuesRoot: KNOWN_WRAPPERS[last] };
  return {};
}

/** A sops-encrypted YAML file: a top-level `sops:` key holding the encryption metadata. */
export function isSopsEncrypted(file: string, read: ReadFile = readFromDisk): boolean {
  const text = read(file);
  return text !== undefined && /^sops:[ \t]*(#.*)?\r?$/m.test(text) && /ENC\[/.test(text);
}

function deployment(
  name: string,
  files: string[],
  info: ChartInfo,
  source: DeploymentSource,
  chart?: string,
  version?: string,
  read: ReadFile = readFromDisk,
): Deployment {
  const encrypted = files.filter((f) => isSopsEncrypted(f, read));
  return {
    ...(encrypted.length ? { encrypted } : {}),
    name,
    chart,
    chartVersion: info.valuesRoot && info.valuesRoot.length === 0 && version ? versionOf(version) ?? version : info.chartVersion,
    files,
    valuesRoot: files.map(() => info.valuesRoot),
    source,
    ...(info.dir ? { chartDir: info.dir } : {}),
  };
}

function nodeRange(n: unknown): [number, number] | undefined {
  const r = (n as { range?: [number, number, number] } | null)?.range;
  return r ? [r[0], r[1]] : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// (a) a helm command line

const VALUE_FLAGS = new Set(['--set', '--set-string', '--set-file', '--set-json', '--set-literal']);
/** flags of install/upgrade/template that take a value (so the value is not a positional argument) */
const FLAGS_WITH_VALUE = new Set([
  '-n', '--namespace', '--version', '--kube-context', '--kubeconfig', '--timeout', '--repo', '--username', '--password',
  '--post-renderer', '--description', '--output', '-o', '--api-versions', '-a', '--kube-version', '--show-only', '-s',
  '--output-dir', '--ca-file', '--cert-file', '--key-file', '--keyring', '--history-max', '--name-template',
  '--post-renderer-args', '--registry-config', '--repository-cache', '--repository-config', '--labels', '-l',
]);

/**
 * `helm upgrade --install NAME CHART -f a.yaml --values=b.yaml,c.yaml --version 4.1.0` (or just a list of `-f`
 * options). As in Helm, `-f` takes a comma-separated list and may be repeated; files are relative to `cwd`.
 */
export function fromCommandLine(args: string[], cwd: string, read: ReadFile = readFromDisk): SourceResult {
  const problems: SourceProblem[] = [];
  const files: string[] = [];
  const positional: string[] = [];
  let version: string | undefined;
  const addFiles = (v: string) => {
    for (const f of v.split(',')) {
      if (f === '') continue;
      if (f === '-') problems.push({ message: 'values from standard input are not read' });
      else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(f)) problems.push({ message: `values from a URL are not read: ${f}` });
      else files.push(path.resolve(cwd, f));
    }
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    let m: RegExpExecArray | null;
    if (a === '-f' || a === '--values') {
      if (i + 1 < args.length) addFiles(args[++i]);
      else problems.push({ message: `${a} needs a file` });
    } else if ((m = /^(?:--values=|-f=?)(.+)$/.exec(a))) addFiles(m[1]);
    else if (a === '--version') version = args[++i];
    else if (a.startsWith('--version=')) version = a.slice('--version='.length);
    else if (VALUE_FLAGS.has(a) || [...VALUE_FLAGS].some((f) => a.startsWith(f + '='))) {
      problems.push({ message: `${a.split('=')[0]} values are applied after the files and are not modelled` });
      if (!a.includes('=')) i++;
    } else if (FLAGS_WITH_VALUE.has(a)) i++;
    else if (a.startsWith('-')) continue;
    else positional.push(a);
  }
  // helm [upgrade|install|template|lint] ...
  const words = positional[0] === 'helm' ? positional.slice(1) : positional;
  const sub = ['upgrade', 'install', 'template', 'lint'].includes(words[0] ?? '') ? words[0] : undefined;
  const rest = sub ? words.slice(1) : words;
  // template and lint may omit the release name; install/upgrade have NAME CHART
  const [name, chart] = rest.length >= 2 ? [rest[0], rest[1]] : sub === 'lint' ? ['lint', rest[0]] : ['release', rest[0]];
  const info = resolveChart(chart, cwd, read);
  return { deployments: files.length ? [deployment(name, files, info, { kind: 'cli' }, chart, version, read)] : [], problems };
}

// ---------------------------------------------------------------------------------------------------------------
// (b) `.hubcfg.yaml`: deployments:

export interface DeploymentDecl {
  name: string;
  chartVersion?: string;
  /** a chart directory (relative to the project file), or a chart name */
  chart?: string;
  files: string[];
  valuesRoot?: string[];
}

/** Validates a `deployments:` value of `.hubcfg.yaml` (used by the project file parser). */
export function parseDeploymentDecls(v: unknown, problems: string[]): DeploymentDecl[] {
  const out: DeploymentDecl[] = [];
  if (!Array.isArray(v)) {
    problems.push('deployments must be a list of {name, files, chartVersion?, chart?, valuesRoot?}');
    return out;
  }
  v.forEach((d, i) => {
    const where = `deployments[${i}]`;
    if (!d || typeof d !== 'object' || Array.isArray(d)) return problems.push(`${where} must be a mapping`);
    const r = d as Record<string, unknown>;
    const files = r.files ?? r.values;
    if (!Array.isArray(files) || files.length === 0 || !files.every((f) => typeof f === 'string' && f !== '')) {
      return problems.push(`${where}.files must be a non-empty list of values files, in Helm's order`);
    }
    const decl: DeploymentDecl = { name: typeof r.name === 'string' && r.name ? r.name : `deployment-${i + 1}`, files: files as string[] };
    if (r.name !== undefined && typeof r.name !== 'string') problems.push(`${where}.name must be a string`);
    const cv = r.chartVersion ?? r['chart-version'];
    if (cv !== undefined) {
      if (typeof cv === 'string' || typeof cv === 'number') decl.chartVersion = String(cv);
      else problems.push(`${where}.chartVersion must be a version such as "4.1.0"`);
    }
    if (r.chart !== undefined) {
      if (typeof r.chart === 'string') decl.chart = r.chart;
      else problems.push(`${where}.chart must be a chart directory or name`);
    }
    if (r.valuesRoot !== undefined) {
      const vr = typeof r.valuesRoot === 'string' ? r.valuesRoot.split('.').filter(Boolean) : r.valuesRoot;
      if (Array.isArray(vr) && vr.every((k) => typeof k === 'string')) decl.valuesRoot = vr as string[];
      else problems.push(`${where}.valuesRoot must be a key path such as jupyterhub or basehub.jupyterhub`);
    }
    const known = new Set(['name', 'files', 'values', 'chartVersion', 'chart-version', 'chart', 'valuesRoot']);
    for (const k of Object.keys(r)) if (!known.has(k)) problems.push(`${where}: unknown setting "${k}"`);
    out.push(decl);
  });
  return out;
}

/** Deployments of a project file; paths are relative to its folder. */
export function fromProjectDecls(decls: DeploymentDecl[], projectFile: string, read: ReadFile = readFromDisk): SourceResult {
  const dir = path.dirname(path.resolve(projectFile));
  const deployments = decls.map((d) => {
    const info = resolveChart(d.chart, dir, read);
    const merged: ChartInfo = { ...info, valuesRoot: d.valuesRoot ?? info.valuesRoot ?? (d.chart ? undefined : []) };
    const dep = deployment(d.name, d.files.map((f) => path.resolve(dir, f)), merged, { kind: 'project', file: projectFile }, d.chart, undefined, read);
    if (d.chartVersion) dep.chartVersion = d.chartVersion;
    return dep;
  });
  return { deployments, problems: [] };
}

// ---------------------------------------------------------------------------------------------------------------
// (c) helmfile.yaml

const TEMPLATE = /\{\{/;

/**
 * `releases:` of a helmfile: `name`, `chart`, `version`, `values:` (files, relative to the helmfile). Templated
 * paths, `.gotmpl` files, inline values, `set:` and environment values are reported, not followed.
 */
export function fromHelmfile(text: string, file: string, read: ReadFile = readFromDisk): SourceResult {
  const dir = path.dirname(path.resolve(file));
  const problems: SourceProblem[] = [];
  const deployments: Deployment[] = [];
  // helmfile.yaml is itself a Go template: the plain parts parse as YAML, the rest is reported
  let docs: Document[];
  try {
    docs = parseAllDocuments(text, { merge: true }) as Document[];
  } catch (e) {
    return { deployments, problems: [{ file, message: `cannot parse: ${(e as Error).message.split('\n')[0]}` }] };
  }
  if (!Array.isArray(docs)) docs = [docs];
  if (TEMPLATE.test(text)) problems.push({ file, message: 'the helmfile uses templates ({{ }}): only its plain parts are read' });
  const repos = new Map<string, string>();
  for (const doc of docs) {
    if (doc.errors.length) {
      problems.push({ file, message: `cannot parse a part: ${doc.errors[0].message.split('\n')[0]}` });
      continue;
    }
    const js = doc.toJS({ maxAliasCount: 1000 }) as Record<string, unknown> | null;
    if (!js || typeof js !== 'object') continue;
    for (const r of Array.isArray(js.repositories) ? (js.repositories as Record<string, unknown>[]) : []) {
      if (r && typeof r.name === 'string' && typeof r.url === 'string') repos.set(r.name, r.url);
    }
    if (js.environments) problems.push({ file, message: 'environment values are not modelled (they feed templates, not the chart)' });
    if (js.bases) problems.push({ file, message: 'bases: are not followed' });
    const relNodes = doc.getIn(['releases']);
    const releases = Array.isArray(js.releases) ? (js.releases as Record<string, unknown>[]) : [];
    releases.forEach((rel, i) => {
      const range = isSeq(relNodes) ? nodeRange(relNodes.items[i]) : undefined;
      if (!rel || typeof rel !== 'object') return;
      const name = typeof rel.name === 'string' ? rel.name : `release-${i + 1}`;
      const chart = typeof rel.chart === 'string' ? rel.chart : undefined;
      const files: string[] = [];
      for (const v of Array.isArray(rel.values) ? rel.values : []) {
        if (typeof v === 'string') {
          if (TEMPLATE.test(v)) problems.push({ file, range, message: `${name}: templated values path "${v}" is not followed` });
          else if (v.endsWith('.gotmpl')) problems.push({ file, range, message: `${name}: ${v} is a template rendered by helmfile, not read` });
          else files.push(path.resolve(dir, v));
        } else if (v && typeof v === 'object') problems.push({ file, range, message: `${name}: inline values are not modelled` });
      }
      if (rel.set || rel.setString) problems.push({ file, range, message: `${name}: set: values are not modelled` });
      if (rel.valuesTemplate) problems.push({ file, range, message: `${name}: valuesTemplate is not modelled` });
      if (rel.secrets) problems.push({ file, range, message: `${name}: secrets files (decrypted by helmfile) are not read` });
      let info = resolveChart(chart, dir, read);
      // `repo/jupyterhub` from the z2jh repository
      if (!info.valuesRoot && chart && /\/jupyterhub$/.test(chart) && /jupyter/.test(repos.get(chart.split('/')[0]) ?? '')) info = { valuesRoot: [] };
      const version = typeof rel.version === 'string' || typeof rel.version === 'number' ? String(rel.version) : undefined;
      if (files.length) deployments.push(deployment(name, files, info, { kind: 'helmfile', file, range }, chart, version, read));
    });
  }
  return { deployments, problems };
}

// ---------------------------------------------------------------------------------------------------------------
// (d) Argo CD Application

/**
 * An Argo CD `Application` (one or several per file): `spec.source` or `spec.sources[]`. `helm.valueFiles` are
 * relative to the source's `path` in the repository; `$ref/...` names a file of the source with `ref: ref`.
 * The repositories are taken to be checked out at `repoRoot` (the folder holding the manifests' repository).
 */
export function fromArgoApplication(text: string, file: string, repoRoot: string, read: ReadFile = readFromDisk): SourceResult {
  const problems: SourceProblem[] = [];
  const deployments: Deployment[] = [];
  const docs = parseAllDocuments(text) as Document[];
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    if (doc.errors.length) {
      problems.push({ file, message: `cannot parse: ${doc.errors[0].message.split('\n')[0]}` });
      continue;
    }
    const js = doc.toJS() as Record<string, unknown> | null;
    if (!js || typeof js !== 'object' || typeof js.kind !== 'string') continue;
    const range = nodeRange(doc.contents);
    if (js.kind === 'ApplicationSet') {
      problems.push({ file, range, message: 'ApplicationSet templates are not expanded' });
      continue;
    }
    if (js.kind !== 'Application') continue;
    const meta = (js.metadata ?? {}) as Record<string, unknown>;
    const spec = (js.spec ?? {}) as Record<string, unknown>;
    const name = typeof meta.name === 'string' ? meta.name : 'application';
    const sources = (Array.isArray(spec.sources) ? spec.sources : spec.source ? [spec.source] : []) as Record<string, unknown>[];
    const refs = new Map<string, string>();
    for (const s of sources) if (s && typeof s.ref === 'string') refs.set(s.ref, path.resolve(repoRoot, typeof s.path === 'string' ? s.path : '.'));
    for (const s of sources) {
      if (!s || typeof s !== 'object' || !s.helm && !s.chart) continue;
      const helm = (s.helm ?? {}) as Record<string, unknown>;
      const base = path.resolve(repoRoot, typeof s.path === 'string' ? s.path : '.');
      const files: string[] = [];
      for (const f of Array.isArray(helm.valueFiles) ? helm.valueFiles : []) {
        if (typeof f !== 'string') continue;
        const m = /^\$([A-Za-z0-9_-]+)\/(.*)$/.exec(f);
        if (m) {
          const root = refs.get(m[1]);
          if (root) files.push(path.resolve(root, m[2]));
          else problems.push({ file, range, message: `${name}: no source with ref "${m[1]}" for ${f}` });
        } else if (/^[a-z]+:\/\//i.test(f)) problems.push({ file, range, message: `${name}: remote values file ${f} is not read` });
        else files.push(path.resolve(base, f));
      }
      if (helm.values || helm.valuesObject) problems.push({ file, range, message: `${name}: inline helm values (applied after the files) are not modelled` });
      if (helm.parameters) problems.push({ file, range, message: `${name}: helm parameters (like --set) are not modelled` });
      let info: ChartInfo;
      let chart: string | undefined;
      let version: string | undefined;
      if (typeof s.chart === 'string') {
        chart = s.chart;
        version = typeof s.targetRevision === 'string' || typeof s.targetRevision === 'number' ? String(s.targetRevision) : undefined;
        info = resolveChart(chart, repoRoot, () => undefined);
      } else {
        chart = typeof s.path === 'string' ? s.path : undefined;
        info = chartInfo(base, read);
      }
      if (files.length) deployments.push(deployment(name, files, info, { kind: 'argocd', file, range }, chart, version, read));
    }
  }
  return { deployments, problems };
}

// ---------------------------------------------------------------------------------------------------------------
// (f) a 2i2c-style cluster.yaml: hubs with helm_chart and helm_chart_values_files

/**
 * `hubs: [{name, helm_chart, helm_chart_values_files}]` beside the values files; `helm_chart` names a chart
 * directory of the repository (`helmChartsDir`, default `<repo>/helm-charts`). Files are relative to cluster.yaml.
 */
export function fromClusterYaml(text: string, file: string, helmChartsDir: string, read: ReadFile = readFromDisk): SourceResult {
  const dir = path.dirname(path.resolve(file));
  const doc = parseDocument(text);
  if (doc.errors.length) return { deployments: [], problems: [{ file, message: `cannot parse: ${doc.errors[0].message.split('\n')[0]}` }] };
  const js = doc.toJS() as { hubs?: unknown; support?: unknown } | null;
  const hubsNode = doc.get('hubs');
  const deployments: Deployment[] = [];
  const problems: SourceProblem[] = [];
  const hubs = Array.isArray(js?.hubs) ? (js!.hubs as Record<string, unknown>[]) : [];
  hubs.forEach((h, i) => {
    if (!h || typeof h !== 'object') return;
    const range = isSeq(hubsNode) ? nodeRange(hubsNode.items[i]) : undefined;
    const name = typeof h.name === 'string' ? h.name : `hub-${i + 1}`;
    const list = Array.isArray(h.helm_chart_values_files) ? h.helm_chart_values_files.filter((f): f is string => typeof f === 'string') : [];
    const chart = typeof h.helm_chart === 'string' ? h.helm_chart : undefined;
    const info = chart ? chartInfo(path.join(helmChartsDir, chart), read) : {};
    if (chart && !info.valuesRoot) {
      const known = KNOWN_WRAPPERS[chart];
      if (known) info.valuesRoot = known;
      else problems.push({ file, range, message: `${name}: chart ${chart} not found under the charts folder` });
    }
    if (list.length) deployments.push(deployment(name, list.map((f) => path.resolve(dir, f)), info, { kind: 'cluster-yaml', file, range }, chart, undefined, read));
  });
  if (!isMap(doc.contents)) problems.push({ file, message: 'expected a mapping' });
  return { deployments, problems };
}

/**
 * A hubploy deployment folder (`hubploy.yaml` beside `config/` and `secrets/`): one deployment per
 * environment file `config/<env>.yaml`, judged as hubploy passes them to Helm, `config/common.yaml`
 * first, then `config/<env>.yaml`, then `secrets/<env>.yaml`. The chart is `chartDir` (hubploy's
 * command line names it; the repository's `hub/` chart by convention).
 */
export function fromHubploy(file: string, chartDir: string | undefined, read: ReadFile = readFromDisk, list: (dir: string) => string[]): SourceResult {
  const dir = path.dirname(path.resolve(file));
  const info = chartDir ? chartInfo(chartDir, read) : {};
  const deployments: Deployment[] = [];
  const envs = list(path.join(dir, 'config')).map((f) => path.basename(f)).filter((n) => /\.ya?ml$/i.test(n) && !/^common\.ya?ml$/i.test(n)).sort();
  for (const env of envs) {
    const name = env.replace(/\.ya?ml$/i, '');
    const files = [path.join(dir, 'config', 'common.yaml'), path.join(dir, 'config', env), path.join(dir, 'secrets', env)].filter((f) => read(f) !== undefined);
    deployments.push(deployment(`${path.basename(dir)}/${name}`, files, info, { kind: 'hubploy', file }, chartDir, undefined, read));
  }
  return { deployments, problems: [] };
}

/** Every deployment a file takes part in (a file may be in several). */
export function deploymentsOf(file: string, all: Deployment[]): Deployment[] {
  const f = path.resolve(file);
  return all.filter((d) => d.files.includes(f));
}
