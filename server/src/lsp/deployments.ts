/**
 * The language server's view of deployments: which declared deployments an open values file belongs
 * to (discovery cached per file for a few seconds, dropped when a declaration file changes), the text
 * of each of their files (an open document's unsaved text first, else the disk, cached by mtime), the
 * judgment of the deployment (shared by the open files of one deployment while nothing changed), and
 * the merged values for hovers.
 */
import * as fs from 'fs';
import * as path from 'path';
import { analyzeDeployment, combineResults, type DeploymentFileInput, type DeploymentFileResult } from '../deploy/analyze';
import { deploymentLabel, discoverDeployments, wrapperLayers, type FoundDeployments } from '../deploy/discover';
import { fileAt, mergeModels, type DeploymentPart, type MergedDeployment } from '../deploy/mergedModel';
import type { ReadFile } from '../deploy/sources';
import { detectKind, DEFAULT_MAX_FILE_SIZE, type EngineOptions } from '../engine';
import { modelFromYaml } from '../model/fromYaml';
import type { ChartSetting } from '../model/types';

const DISCOVERY_TTL_MS = 3000;

/** One deployment an open file was judged in. */
export interface JudgedDeployment {
  label: string;
  /** its files as judged (wrapper layers first; files that are not open are layers) */
  inputs: DeploymentFileInput[];
  /** every file it reads, including the declaration: a change to any of them re-judges it */
  watched: string[];
  merged?: Promise<MergedDeployment | undefined>;
}

export interface FileJudgment {
  result: DeploymentFileResult;
  deployments: JudgedDeployment[];
}

/** Files whose change can change which deployments exist (a declaration, a wrapper chart). */
export function isDeclarationFile(file: string, text?: string): boolean {
  const base = path.basename(file);
  if (/^(\.hubcfg|helmfile|cluster|Chart)\.ya?ml$/i.test(base)) return true;
  return !!text && /\.ya?ml$/i.test(base) && /argoproj\.io/.test(text.slice(0, 4096)) && /^kind:\s*Application\s*$/m.test(text.slice(0, 4096));
}

export class DeploymentWorkspace {
  private disk = new Map<string, { mtimeMs: number; size: number; text: string }>();
  private discovered = new Map<string, { at: number; found: FoundDeployments }>();
  private memo = new Map<string, { inputs: DeploymentFileInput[]; optsKey: string; overlay: unknown; results: Promise<DeploymentFileResult[]> }>();

  /** `openText`: the unsaved text of an open file document by path (undefined: not open). */
  constructor(private openText: (file: string) => string | undefined) {}

  /** A file's text from disk, re-read only when its mtime or size changed. */
  diskText(file: string): string | undefined {
    try {
      const st = fs.statSync(file, { throwIfNoEntry: false });
      if (!st?.isFile()) {
        this.disk.delete(file);
        return undefined;
      }
      const hit = this.disk.get(file);
      if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.text;
      const text = fs.readFileSync(file, 'utf8');
      this.disk.set(file, { mtimeMs: st.mtimeMs, size: st.size, text });
      if (this.disk.size > 500) this.disk.delete(this.disk.keys().next().value as string);
      return text;
    } catch {
      return undefined;
    }
  }

  /** Open documents first, then the disk. */
  readonly read: ReadFile = (file) => this.openText(file) ?? this.diskText(file);

  /** The deployments that name `file` (cached for a few seconds). */
  discover(file: string): FoundDeployments {
    const hit = this.discovered.get(file);
    if (hit && Date.now() - hit.at < DISCOVERY_TTL_MS) return hit.found;
    let found: FoundDeployments;
    try {
      found = discoverDeployments(file, this.read);
    } catch (e) {
      found = { deployments: [], problems: [{ file, message: `cannot find the deployments it belongs to: ${(e as Error).message}` }] };
    }
    this.discovered.set(file, { at: Date.now(), found });
    return found;
  }

  /** A declaration changed: discover again. */
  invalidate(): void {
    this.discovered.clear();
    this.memo.clear();
  }

  forget(file: string): void {
    this.discovered.delete(file);
  }

  /**
   * Judges `file` in each deployment that names it; undefined when it belongs to none. Files of the
   * deployment that are open are judged as the user's files, the others (and a wrapper chart's values)
   * as layers, as the CLI does for files it was not asked to check. `run` wraps the engine call (the
   * introspection overlay); `overlay` is its identity, for reuse.
   */
  async judge(file: string, opts: EngineOptions, isOpen: (file: string) => boolean, run: <T>(f: () => Promise<T>) => Promise<T>, overlay: unknown): Promise<FileJudgment | undefined> {
    const found = this.discover(file);
    if (!found.deployments.length) return undefined;
    const results: DeploymentFileResult[] = [];
    const deployments: JudgedDeployment[] = [];
    const { readFile: _r, ...plain } = opts;
    const optsKey = JSON.stringify(plain);
    for (const d of found.deployments) {
      const label = deploymentLabel(d);
      let layers: string[] = [];
      try {
        layers = d.chartDir ? wrapperLayers(d.chartDir, this.read).filter((l) => !d.files.includes(l)) : [];
      } catch {
        layers = [];
      }
      const inputs: DeploymentFileInput[] = [];
      for (const f of [...layers, ...d.files]) {
        const text = this.read(f);
        // a file the deployment names that is not there (not decrypted, not checked out): judged without it
        if (text === undefined) continue;
        inputs.push({ path: f, text, layer: layers.includes(f) || (f !== file && !isOpen(f)) });
      }
      const key = `${d.source.file ?? ''}|${d.name}`;
      const old = this.memo.get(key);
      let res: Promise<DeploymentFileResult[]>;
      const same = old && old.optsKey === optsKey && old.overlay === overlay && old.inputs.length === inputs.length && old.inputs.every((x, i) => x.path === inputs[i].path && x.layer === inputs[i].layer && x.text === inputs[i].text);
      if (same) res = old!.results;
      else {
        res = run(() => analyzeDeployment({ name: label, chartVersion: d.chartVersion, files: inputs }, { ...opts, skipReason: undefined }));
        this.memo.set(key, { inputs, optsKey, overlay, results: res });
        res.catch(() => this.memo.delete(key));
        if (this.memo.size > 50) this.memo.delete(this.memo.keys().next().value as string);
      }
      const mine = (await res).find((r) => r.path === file);
      if (mine) results.push(mine);
      deployments.push({ label, inputs, watched: [...new Set([...inputs.map((x) => x.path), ...d.files, ...(d.source.file ? [d.source.file] : []), ...(d.chartDir ? [path.join(d.chartDir, 'Chart.yaml')] : [])])] });
    }
    if (!results.length) return undefined;
    return { result: combineResults(results), deployments };
  }
}

async function mergedOf(file: string, dep: JudgedDeployment, maxFileSize = DEFAULT_MAX_FILE_SIZE): Promise<MergedDeployment | undefined> {
  const parts: DeploymentPart[] = [];
  for (const f of dep.inputs) {
    if (f.text.length > maxFileSize || (f.path !== file && detectKind(f.path, f.text) !== 'z2jh_values')) continue;
    try {
      const model = await modelFromYaml(f.text);
      if (!model.skipped && model.valuesRoots?.length) parts.push({ path: f.path, text: f.text, model });
    } catch {
      /* not part of the merge, as in the judgment */
    }
  }
  return parts.some((p) => p.path === file) ? mergeModels(parts) : undefined;
}

function lineOf(text: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

function short(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 60 ? `${one.slice(0, 57)}…` : one;
}

/**
 * Hover lines for a chart key of `file`: per deployment, the value in effect after the merge and the
 * file (relative to `relativeTo`) and line that set it, when another file sets it or its value differs.
 */
export async function mergedValueHover(file: string, setting: ChartSetting, deployments: JudgedDeployment[], relativeTo: string, maxFileSize?: number): Promise<string | undefined> {
  if (setting.doc !== 0) return undefined;
  const lines: string[] = [];
  const key = setting.path.join('\u0000');
  for (const dep of deployments) {
    dep.merged ??= mergedOf(file, dep, maxFileSize).catch(() => undefined);
    const m = await dep.merged;
    if (!m) continue;
    const me = m.files.indexOf(file);
    const where = (offset: number) => {
      const k = fileAt(m, offset);
      if (k < 0) return undefined;
      const rel = path.relative(relativeTo, m.files[k]).replace(/\\/g, '/') || path.basename(m.files[k]);
      return { k, label: `\`${rel}\` line ${lineOf(m.model.text.slice(m.bases[k]), offset - m.bases[k])}` };
    };
    const s = m.model.chart.find((x) => x.path.join('\u0000') === key);
    if (!s) {
      lines.push(`**${dep.label}**: removed by a later file (not in the merged values)`);
      continue;
    }
    if (s.value.kind === 'dict') {
      // a mapping: the files whose keys it merges
      const prefix = key + '\u0000';
      const from = new Map<number, string>();
      for (const x of m.model.chart) {
        if (x.path.join('\u0000') !== key && !x.path.join('\u0000').startsWith(prefix)) continue;
        const w = where(x.keySpan.start);
        if (w && !from.has(w.k)) from.set(w.k, w.label);
      }
      if ([...from.keys()].some((k) => k !== me)) lines.push(`**${dep.label}**: a mapping merged from ${[...from.entries()].sort((a, b) => a[0] - b[0]).map(([, l]) => l).join(', ')}`);
      continue;
    }
    const w = where(s.keySpan.start);
    if (!w) continue;
    const value = short(m.model.text.slice(s.value.span.start, s.value.span.end)) || 'null';
    if (w.k !== me) lines.push(`**${dep.label}**: \`${value.replace(/`/g, "'")}\`, set in ${w.label}`);
  }
  return lines.length ? `Merged value${deployments.length > 1 ? 's' : ''} (deployment${deployments.length > 1 ? 's' : ''}):\n\n${lines.join('  \n')}` : undefined;
}
