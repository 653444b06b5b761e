/**
 * Finding the deployments a values file belongs to, from what lies beside it and above it (up to the
 * repository's top): a `.hubcfg.yaml` `deployments:` list, `helmfile.yaml` releases, Argo CD
 * `Application` manifests, a 2i2c-style `cluster.yaml`; in that order, the first kind that names the
 * file wins. A local wrapper chart's own `values.yaml` (basehub, daskhub, ...) comes first as a layer:
 * Helm reads it under the user's files. Nothing is run; files are read through `read`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseDocument } from 'yaml';
import { findProjectConfig, loadProjectConfig } from '../config/project';
import { chartInfo, fromArgoApplication, fromClusterYaml, fromHelmfile, fromHubploy, fromProjectDecls, readFromDisk, type Deployment, type ReadFile, type SourceKind, type SourceProblem } from './sources';

const ORDER: SourceKind[] = ['project', 'helmfile', 'argocd', 'cluster-yaml', 'hubploy'];
const MAX_UP = 8;

/** Folders from the file's up to the repository top (a folder with `.git`), nearest first. */
function ancestors(file: string): string[] {
  const out: string[] = [];
  let dir = path.dirname(path.resolve(file));
  for (let i = 0; i < MAX_UP; i++) {
    out.push(dir);
    if (fs.existsSync(path.join(dir, '.git'))) break;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return out;
}

function listYaml(dir: string): string[] {
  try {
    return fs.readdirSync(dir).filter((n) => /\.ya?ml$/i.test(n)).slice(0, 200).map((n) => path.join(dir, n));
  } catch {
    return [];
  }
}

const dirCache = new Map<string, { at: number; deployments: Deployment[]; problems: SourceProblem[] }>();

/** Every deployment declared in one folder (cached for a few seconds: a CLI run or an editing burst reads it once). */
function declaredIn(dir: string, top: string, read: ReadFile): { deployments: Deployment[]; problems: SourceProblem[] } {
  const hit = dirCache.get(dir);
  if (hit && Date.now() - hit.at < 2000 && read === readFromDisk) return hit;
  const deployments: Deployment[] = [];
  const problems: SourceProblem[] = [];
  const add = (r: { deployments: Deployment[]; problems: SourceProblem[] }) => {
    deployments.push(...r.deployments);
    problems.push(...r.problems);
  };
  const project = path.join(dir, '.hubcfg.yaml');
  const projectText = read(project);
  if (projectText !== undefined) {
    // an editor's reader gives the unsaved text of an open project file
    const loaded = read === readFromDisk ? findProjectConfig(path.join(dir, 'x'), dir) : loadProjectConfig(project, projectText);
    if (loaded?.path === project && loaded.config.deployments?.length) add(fromProjectDecls(loaded.config.deployments, project, read));
  }
  // Argo CD Applications usually sit in a folder of their own (apps/, argocd/) beside the values
  const argoOnly = new Set<string>();
  try {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).slice(0, 100)) {
      if (e.isDirectory() && /^(apps?|applications?|argo(cd)?|argo-?apps?|manifests?|deploy)$/i.test(e.name)) for (const f of listYaml(path.join(dir, e.name))) argoOnly.add(f);
    }
  } catch {
    /* unreadable folder: nothing declared here */
  }
  for (const f of [...listYaml(dir), ...argoOnly]) {
    const base = path.basename(f);
    if (argoOnly.has(f)) {
      const text = read(f);
      if (text !== undefined && text.length < 256 * 1024 && /argoproj\.io/.test(text) && /^kind:\s*Application\s*$/m.test(text)) add(argo(text, f, top, read));
      continue;
    }
    const text = /^(helmfile|cluster)\.ya?ml$/i.test(base) || base.length < 80 ? read(f) : undefined;
    if (text === undefined || text.length > 256 * 1024) continue;
    try {
      if (/^helmfile\.ya?ml$/i.test(base)) add(fromHelmfile(text, f, read));
      else if (/^cluster\.ya?ml$/i.test(base) && /^hubs:/m.test(text)) add(fromClusterYaml(text, f, chartsDir(dir, top), read));
      else if (/argoproj\.io/.test(text) && /^kind:\s*Application\s*$/m.test(text)) add(argo(text, f, top, read));
    } catch (e) {
      problems.push({ file: f, message: `cannot read the deployments it declares: ${(e as Error).message}` });
    }
  }
  const hubploy = path.join(dir, 'hubploy.yaml');
  if (read(hubploy) !== undefined) add(fromHubploy(hubploy, hubployChart(dir, top, read), read, listYaml));
  const r = { at: Date.now(), deployments, problems };
  if (read === readFromDisk) dirCache.set(dir, r);
  return r;
}

/**
 * An Argo CD Application's paths are relative to its repository's root, which need not be the folder
 * with `.git` (a fixture, a monorepo's sub-tree): the nearest folder above the manifest where its
 * values files exist is taken as the root.
 */
function argo(text: string, file: string, top: string, read: ReadFile): { deployments: Deployment[]; problems: SourceProblem[] } {
  let dir = path.dirname(file);
  let first: ReturnType<typeof fromArgoApplication> | undefined;
  for (let i = 0; i < MAX_UP; i++) {
    const r = fromArgoApplication(text, file, dir, read);
    first ??= r;
    if (r.deployments.length && r.deployments.every((d) => d.files.every((f) => read(f) !== undefined))) return r;
    if (dir === top) break;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return first ?? { deployments: [], problems: [] };
}

/** The chart of a hubploy deployment: the nearest `hub/` chart above its folder that leads to z2jh. */
function hubployChart(from: string, top: string, read: ReadFile): string | undefined {
  let dir = path.dirname(from);
  for (let i = 0; i < MAX_UP; i++) {
    const c = path.join(dir, 'hub');
    if (chartInfo(c, read).valuesRoot) return c;
    if (dir === top) break;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}

/** Where a repository keeps its charts, for cluster.yaml's `helm_chart` names. */
function chartsDir(from: string, top: string): string {
  let dir = from;
  for (let i = 0; i < MAX_UP; i++) {
    for (const n of ['helm-charts', 'charts']) if (fs.existsSync(path.join(dir, n))) return path.join(dir, n);
    if (dir === top) break;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return path.join(top, 'helm-charts');
}

/**
 * The values.yaml files of a local wrapper chart and the local charts it wraps on the way to z2jh,
 * deepest first (z2jh's own values.yaml is the chart's defaults, not a layer).
 */
export function wrapperLayers(chartDir: string, read: ReadFile = readFromDisk, depth = 0): string[] {
  if (depth > 8) return [];
  const text = read(path.join(chartDir, 'Chart.yaml'));
  if (text === undefined) return [];
  const doc = (() => {
    try {
      return parseDocument(text).toJS() as { name?: unknown; dependencies?: unknown } | null;
    } catch {
      return null;
    }
  })();
  if (!doc || doc.name === 'jupyterhub') return [];
  const out: string[] = [];
  for (const d of Array.isArray(doc.dependencies) ? (doc.dependencies as Record<string, unknown>[]) : []) {
    const repo = typeof d?.repository === 'string' ? d.repository : '';
    if (!repo.startsWith('file://')) continue;
    const sub = path.resolve(chartDir, repo.slice('file://'.length));
    if (chartInfo(sub, read).valuesRoot) out.push(...wrapperLayers(sub, read, depth + 1));
  }
  const own = path.join(chartDir, 'values.yaml');
  if (read(own) !== undefined) out.push(own);
  return out;
}

export interface FoundDeployments {
  deployments: Deployment[];
  problems: SourceProblem[];
}

/** The deployments that name `file` (absolute or relative to the working folder). */
export function discoverDeployments(file: string, read: ReadFile = readFromDisk): FoundDeployments {
  const abs = path.resolve(file);
  const dirs = ancestors(abs);
  const top = dirs[dirs.length - 1];
  const all: Deployment[] = [];
  const problems: SourceProblem[] = [];
  for (const d of dirs) {
    const r = declaredIn(d, top, read);
    all.push(...r.deployments);
    problems.push(...r.problems);
  }
  const mine = all.filter((d) => d.files.includes(abs));
  for (const kind of ORDER) {
    const of = mine.filter((d) => d.source.kind === kind);
    if (of.length) return { deployments: of, problems };
  }
  return { deployments: [], problems };
}

/** A short name for messages: the declared name, and where it was declared. */
export function deploymentLabel(d: Deployment): string {
  return d.source.file ? `${d.name} (${path.basename(d.source.file)})` : d.name;
}
