/**
 * Judging a deployment: the values files of one Helm release, in Helm's order, merged (see
 * mergedModel.ts). Rules run once on the merged model; rules whose findings are about a file's own
 * text (`scope: 'file'`: literal secrets, misspelt keys, syntax) run on each file alone. Every finding
 * goes back to the file and range that wrote the value; one about something no file sets (a chart
 * default still in effect) goes to the deployment's first file. Messages name the deployment.
 */
import { analyze, collectFindings, pluginPins, detectKind, finishFindings, toDiagnostic, DEFAULT_MAX_FILE_SIZE, type AnalysisResult, type EngineOptions, type RunOptions } from '../engine';
import { modelFromYaml } from '../model/fromYaml';
import type { ConfigModel } from '../model/types';
import { resolveChart, chartCatalog } from '../catalog/z2jh';
import { detectChartVersion } from '../config/chart';
import { traitCatalog } from '../catalog/traits';
import { foreignClassNames } from '../context/classIdentity';
import { environmentFor, overlayIO } from '../context/environment';
import type { Finding } from '../rules/types';
import { LineIndex } from '../util/text';
import { checkFixes } from '../fixcheck';
import * as path from 'path';
import { fileAt, mergeModels, type DeploymentPart } from './mergedModel';

export interface DeploymentFileInput {
  path: string;
  text: string;
  /** the caller could not read the file as text */
  skipReason?: string;
  /** a wrapper chart's own values.yaml: merged under the user's files, its findings not reported as such */
  layer?: boolean;
}

export interface DeploymentRequest {
  /** how findings name it: "prod", "staging (helmfile.yaml)", "command line" */
  name: string;
  chartVersion?: string;
  /** in Helm's order: later files win */
  files: DeploymentFileInput[];
}

export interface DeploymentFileResult extends AnalysisResult {
  path: string;
  /** the deployment it was judged in (absent: judged alone, e.g. not a values file) */
  deployment?: string;
}

function shiftFinding(f: Finding, delta: number): Finding {
  const sh = (s: { start: number; end: number }) => ({ start: s.start + delta, end: s.end + delta });
  return { ...f, span: sh(f.span), fixes: f.fixes.map((x) => ({ ...x, edits: x.edits.map((e) => ({ ...e, span: sh(e.span) })) })) };
}

/** Judges the files of a deployment together. One result per file, in the order given. */
export async function analyzeDeployment(dep: DeploymentRequest, opts: EngineOptions = {}): Promise<DeploymentFileResult[]> {
  const first = dep.files[0]?.path ?? '';
  const chart = resolveChart(dep.chartVersion ?? opts.chartVersion ?? (first ? detectChartVersion(first)?.version : undefined));
  const hubVersion = opts.jupyterhubVersion && opts.jupyterhubVersion !== 'latest' ? opts.jupyterhubVersion : chart.jupyterhub ?? opts.jupyterhubVersion;
  const pins = pluginPins(chart.chart);
  const traits = traitCatalog(hubVersion, undefined, pins || opts.pluginVersions ? { ...pins, ...opts.pluginVersions } : undefined);
  const single = { ...opts, chartVersion: chart.chart };
  const max = opts.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;

  const results: (DeploymentFileResult | undefined)[] = dep.files.map(() => undefined);
  const parts: (DeploymentPart & { index: number })[] = [];
  for (let i = 0; i < dep.files.length; i++) {
    const f = dep.files[i];
    const kind = opts.kind ?? detectKind(f.path, f.text);
    let model: ConfigModel | undefined;
    // only analysable values files take part in the merge; anything else is judged alone, as before
    if (kind === 'z2jh_values' && !f.skipReason && f.text.length <= max && !f.text.slice(0, 8192).includes('\u0000')) {
      try {
        model = await modelFromYaml(f.text);
      } catch {
        model = undefined;
      }
    }
    if (!model || model.skipped || !model.valuesRoots?.length) {
      if (!f.layer) results[i] = { ...(await analyze(f.text, f.path, { ...single, skipReason: f.skipReason })), path: f.path };
      continue;
    }
    parts.push({ path: f.path, text: f.text, model, index: i });
  }
  if (!parts.length) return results as DeploymentFileResult[];

  const merged = mergeModels(parts);
  const run: RunOptions = {
    traits: traits.hiding(foreignClassNames(merged.model, traits)),
    chart: { version: chart.chart, catalog: chartCatalog(chart.catalog) },
    jupyterhubVersion: traits.version,
    trust: opts.trust ?? 'untrusted-users',
    rules: opts.rules,
    filePath: parts[0].path,
    // what the merged values supply (hub.extraEnv from Secrets, the chart's own variables)
    environment: opts.noEnvironment ? undefined : environmentFor(parts[0].path, merged.model, opts.readFile ? overlayIO(opts.readFile) : undefined),
  };
  const findings = collectFindings(merged.model, run, (r) => r.scope !== 'file');
  parts.forEach((p, k) => {
    if (dep.files[p.index].layer) return;
    const own = collectFindings(p.model, { ...run, traits: traits.hiding(foreignClassNames(p.model, traits)), filePath: p.path }, (r) => r.scope === 'file');
    for (const f of own) findings.push(shiftFinding(f, merged.bases[k]));
  });
  const kept = finishFindings(findings, merged.model, run);

  const perPart: Finding[][] = parts.map(() => []);
  const firstReported = parts.findIndex((p) => !dep.files[p.index].layer);
  const own = new Map<DeploymentPart, Set<string>>();
  /** what a layer's rules find in it alone (rule and local span) */
  const layerOwn = (p: DeploymentPart): Set<string> => {
    let set = own.get(p);
    if (!set) {
      set = new Set(collectFindings(p.model, { ...run, traits: traits.hiding(foreignClassNames(p.model, traits)), filePath: p.path }).map((x) => `${x.rule}|${x.span.start}|${x.span.end}`));
      own.set(p, set);
    }
    return set;
  };
  for (const f of kept) {
    let k = fileAt(merged, f.span.start);
    if (k < 0) k = 0;
    if (dep.files[parts[k].index].layer) {
      // what the wrapper chart's values say by themselves is said when that file is checked, not once per hub
      const local = `${f.rule}|${f.span.start - merged.bases[k]}|${f.span.end - merged.bases[k]}`;
      if (firstReported < 0 || layerOwn(parts[k]).has(local)) continue;
      // a verdict on the deployment that the layer's position only stands for: at the top of its first file
      perPart[firstReported].push({ ...f, span: { start: 0, end: 0 }, fixes: [], message: `${f.message} (as merged with the chart's ${path.basename(path.dirname(parts[k].path))}/${path.basename(parts[k].path)})` });
      continue;
    }
    const base = merged.bases[k];
    const end = base + merged.lengths[k];
    const local = shiftFinding({ ...f, span: { start: Math.max(f.span.start, base), end: Math.min(f.span.end, end) }, fixes: f.fixes.filter((x) => x.edits.every((e) => e.span.start >= base && e.span.end <= end)) }, -base);
    perPart[k].push(local);
  }
  for (let k = 0; k < parts.length; k++) if (!dep.files[parts[k].index].layer) await checkFixes(parts[k].model, perPart[k]);
  parts.forEach((p, k) => {
    if (dep.files[p.index].layer) return;
    const idx = LineIndex.of(p.text);
    results[p.index] = {
      path: p.path,
      kind: 'z2jh_values',
      model: p.model,
      findings: perPart[k],
      diagnostics: perPart[k].map((f) => toDiagnostic(f, idx)),
      jupyterhubVersion: traits.version,
      chartVersion: chart.chart,
      pluginVersions: traits.pluginVersions,
      deployment: dep.name,
    };
  });
  return results.filter((r, i) => !dep.files[i].layer) as DeploymentFileResult[];
}

/**
 * One file's results from each deployment it is judged in, as one result: a finding that several
 * deployments share is said once; every message names the deployments it comes from.
 */
export function combineResults(results: DeploymentFileResult[]): DeploymentFileResult {
  if (results.length === 1 && !results[0].deployment) return results[0];
  const byKey = new Map<string, { f: Finding; deps: string[] }>();
  for (const r of results) {
    for (const f of r.findings) {
      const key = `${f.rule}|${f.span.start}|${f.span.end}|${f.message}`;
      const hit = byKey.get(key);
      if (hit) {
        if (r.deployment && !hit.deps.includes(r.deployment)) hit.deps.push(r.deployment);
      } else byKey.set(key, { f, deps: r.deployment ? [r.deployment] : [] });
    }
  }
  const findings = [...byKey.values()].map(({ f, deps }) => (deps.length ? { ...f, message: `${f.message} (deployment${deps.length > 1 ? 's' : ''} ${deps.join(', ')})` } : f));
  findings.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end || a.rule.localeCompare(b.rule));
  const first = results[0];
  const idx = LineIndex.of(first.model?.text ?? '');
  return { ...first, findings, diagnostics: findings.map((f) => toDiagnostic(f, idx)), deployment: results.map((r) => r.deployment).filter(Boolean).join(', ') || undefined };
}
