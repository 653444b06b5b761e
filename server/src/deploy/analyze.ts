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
import type { Finding } from '../rules/types';
import { LineIndex } from '../util/text';
import { fileAt, mergeModels, type DeploymentPart } from './mergedModel';

export interface DeploymentFileInput {
  path: string;
  text: string;
  /** the caller could not read the file as text */
  skipReason?: string;
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
      results[i] = { ...(await analyze(f.text, f.path, { ...single, skipReason: f.skipReason })), path: f.path };
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
  };
  const findings = collectFindings(merged.model, run, (r) => r.scope !== 'file');
  parts.forEach((p, k) => {
    const own = collectFindings(p.model, { ...run, traits: traits.hiding(foreignClassNames(p.model, traits)), filePath: p.path }, (r) => r.scope === 'file');
    for (const f of own) findings.push(shiftFinding(f, merged.bases[k]));
  });
  const kept = finishFindings(findings, merged.model, run);

  const perPart: Finding[][] = parts.map(() => []);
  for (const f of kept) {
    let k = fileAt(merged, f.span.start);
    if (k < 0) k = 0;
    const base = merged.bases[k];
    const end = base + merged.lengths[k];
    const local = shiftFinding(
      { ...f, span: { start: Math.max(f.span.start, base), end: Math.min(f.span.end, end) }, fixes: f.fixes.filter((x) => x.edits.every((e) => e.span.start >= base && e.span.end <= end)) },
      -base,
    );
    local.message = `${local.message} (deployment ${dep.name})`;
    perPart[k].push(local);
  }
  parts.forEach((p, k) => {
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
  return results as DeploymentFileResult[];
}
