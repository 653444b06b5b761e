import * as path from 'path';
import type { ConfigModel, FileKind } from './model/types';
import { modelFromPython } from './model/fromPython';
import { modelFromYaml } from './model/fromYaml';
import { resolveChart, chartCatalog } from './catalog/z2jh';
import { detectChartVersion } from './config/chart';
import { RULES, RULES_BY_ID } from './rules';
import { applySuppressions, parseDirectives } from './suppress';
import type { Applicability, Finding, Rule, RuleContext, Severity, TrustLevel } from './rules/types';
import { traitCatalog } from './catalog/traits';
import { LineIndex, type Range } from './util/text';
import { checkFixes } from './fixcheck';
import { maskFindings } from './secrets';

export interface EngineOptions {
  /** JupyterHub version to judge against ("latest", "5.5", "3.0", ...) */
  jupyterhubVersion?: string;
  trust?: TrustLevel;
  /** per-rule severity or "off", keyed by rule id (or by category: "security/*") */
  rules?: Record<string, Severity | 'off'>;
  /** bytes (UTF-16 units); larger files are not analysed */
  maxFileSize?: number;
  /** force the kind instead of detecting it from the name and content */
  kind?: FileKind;
  /** z2jh chart version ("4.1.0", "3", "main"); default: from a Chart.yaml beside the file, else the latest */
  chartVersion?: string;
  /** the caller could not read the file as text (e.g. invalid UTF-8): report it, analyse nothing */
  skipReason?: string;
}

export interface DiagnosticEdit {
  range: Range;
  newText: string;
}

export interface DiagnosticFix {
  title: string;
  applicability: Applicability;
  edits: DiagnosticEdit[];
}

/** One finding in the CLI's JSON shape (0-based lines, UTF-16 characters, as LSP). */
export interface Diagnostic {
  rule: string;
  severity: Severity;
  message: string;
  range: Range;
  fixes: DiagnosticFix[];
}

export interface AnalysisResult {
  kind: FileKind;
  diagnostics: Diagnostic[];
  model?: ConfigModel;
  /** findings with offsets, for fix application */
  findings: Finding[];
  jupyterhubVersion: string;
  /** z2jh values: the chart version judged against */
  chartVersion?: string;
}

export const DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024;

const PY_CONFIG_NAME = /(^|[\\/])jupyterhub_config[^\\/]*\.py$/;
const YAML_NAME = /\.ya?ml$/i;
/** names z2jh values files usually have */
const Z2JH_NAME = /(^|[\\/])([^\\/]*(values|config|z2jh|jupyterhub|daskhub|binderhub|basehub|hub|secrets?)[^\\/]*)\.ya?ml$/i;
const MODELINE = /^#\s*hubcfg:\s*kind\s*=\s*([a-z0-9_-]+)/im;
const PY_CONFIG_SNIFF = /^[ \t]*(c\.[A-Z][A-Za-z0-9_]*\.[A-Za-z_]|c\[['"][A-Z]|c\s*=\s*get_config\(\))/m;

/** Decides what a file is from its name and (cheaply) its content. */
export function detectKind(filePath: string, text: string): FileKind {
  const base = path.basename(filePath);
  const head = text.slice(0, 4000);
  const mode = MODELINE.exec(head);
  if (mode) {
    const k = mode[1].toLowerCase();
    if (k === 'z2jh' || k === 'z2jh_values' || k === 'z2jh-values') return 'z2jh_values';
    if (k === 'jupyterhub_config' || k === 'jupyterhub-config' || k === 'python') return 'jupyterhub_config';
    if (k === 'none' || k === 'off') return 'unknown';
  }
  // a JSON schema written in YAML (the chart's own values.schema.yaml) describes values, it holds none
  if (YAML_NAME.test(base) && (/[._-]schema\.ya?ml$/i.test(base) || /^\$schema:/m.test(head))) return 'unknown';
  if (YAML_NAME.test(base)) return z2jhScore(text.slice(0, 400_000)) >= (Z2JH_NAME.test(filePath) ? 1 : 2) ? 'z2jh_values' : 'unknown';
  if (PY_CONFIG_NAME.test(filePath)) return 'jupyterhub_config';
  if (/\.py$/i.test(base) && PY_CONFIG_SNIFF.test(text.slice(0, 200_000))) return 'jupyterhub_config';
  return 'unknown';
}

/**
 * A cheap content sniff for z2jh values: how many z2jh top-level keys appear at the values root
 * (column 0, or one level under a wrapper key such as `jupyterhub:`). hub.config / extraConfig count double.
 */
export function z2jhScore(text: string): number {
  const keys = new Set<string>();
  const re = /^( {0,4})(hub|proxy|singleuser|prePuller|cull|scheduling|ingress):[ \t]*(?:#.*)?$/gm;
  let indent: number | undefined;
  for (const m of text.matchAll(re)) {
    const ind = m[1].length;
    if (indent === undefined) indent = ind;
    if (ind === indent) keys.add(m[2]);
  }
  let score = keys.size;
  if (keys.has('hub') && /^\s+(config|extraConfig|loadRoles|cookieSecret|db|image):/m.test(text)) score++;
  // nested under a parent chart: only the usual wrapper names count fully
  if (indent && indent > 0 && !/^(jupyterhub|basehub|daskhub|binderhub):|^\s{2,4}jupyterhub:/m.test(text)) score = Math.min(score, 1);
  return score;
}

function looksBinary(text: string): boolean {
  const head = text.slice(0, 8192);
  return head.includes('\u0000');
}

function ruleSetting(rules: EngineOptions['rules'], rule: Rule): Severity | 'off' | undefined {
  if (!rules) return undefined;
  if (rules[rule.id]) return rules[rule.id];
  const cat = rule.id.split('/')[0];
  return rules[`${cat}/*`] ?? rules['*'];
}

/** Runs every enabled rule over a file's text. The CLI and the language server both call this. */
export async function analyze(text: string, filePath: string, opts: EngineOptions = {}): Promise<AnalysisResult> {
  const kind = opts.kind ?? detectKind(filePath, text);
  // for z2jh values the chart version decides the JupyterHub version, unless one is given
  let chart: ReturnType<typeof resolveChart> | undefined;
  if (kind === 'z2jh_values') {
    const requested = opts.chartVersion ?? (filePath ? detectChartVersion(filePath)?.version : undefined);
    chart = resolveChart(requested);
  }
  const hubVersion = opts.jupyterhubVersion && opts.jupyterhubVersion !== 'latest' ? opts.jupyterhubVersion : chart?.jupyterhub ?? opts.jupyterhubVersion;
  const traits = traitCatalog(hubVersion);
  const result: AnalysisResult = { kind, diagnostics: [], findings: [], jupyterhubVersion: traits.version, chartVersion: chart?.chart };
  if (kind === 'unknown') return result;
  const max = opts.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  let model: ConfigModel;
  const empty = (skipped: string): ConfigModel => ({ kind, text, ops: [], configNames: ['c'], imports: { os: false, insertAt: 0 }, syntaxErrors: [], definedClasses: [], comments: [], chart: [], skipped });
  if (opts.skipReason) model = empty(opts.skipReason);
  else if (text.length > max) model = empty(`the file is larger than the limit of ${max} characters`);
  else if (looksBinary(text)) model = empty('the file contains NUL bytes: it is binary, not a config');
  else if (kind === 'z2jh_values') model = await modelFromYaml(text);
  else model = await modelFromPython(text, { kind });
  result.model = model;
  result.findings = runRules(model, {
    traits,
    chart: chart ? { version: chart.chart, catalog: chartCatalog(chart.catalog) } : undefined,
    jupyterhubVersion: traits.version,
    trust: opts.trust ?? 'untrusted-users',
    rules: opts.rules,
    filePath,
  });
  await checkFixes(model, result.findings);
  const idx = LineIndex.of(text);
  result.diagnostics = result.findings.map((f) => toDiagnostic(f, idx));
  return result;
}

interface RunOptions {
  traits: ReturnType<typeof traitCatalog>;
  chart?: RuleContext['chart'];
  jupyterhubVersion: string;
  trust: TrustLevel;
  rules?: EngineOptions['rules'];
  filePath?: string;
}

export function runRules(model: ConfigModel, o: RunOptions): Finding[] {
  const findings: Finding[] = [];
  for (const rule of RULES) {
    if (rule.appliesTo && !rule.appliesTo.includes(model.kind)) continue;
    const setting = ruleSetting(o.rules, rule);
    if (setting === 'off') continue;
    if (model.skipped && rule.id !== 'syntax/not-analysed') continue;
    const ctx: RuleContext = {
      model,
      traits: o.traits,
      chart: o.chart,
      jupyterhubVersion: o.jupyterhubVersion,
      trust: o.trust,
      filePath: o.filePath,
      report: (f) => {
        const fixes = (f.fixes ?? []).filter((x) => x.edits.length && x.edits.every((e) => editAllowed(model, e.span)));
        findings.push({ rule: rule.id, severity: setting ?? f.severity ?? rule.severity, message: f.message, span: f.span, fixes });
      },
    };
    try {
      rule.check(ctx);
    } catch (e) {
      // a broken rule must not take the others down
      findings.push({ rule: rule.id, severity: 'information', message: `Internal error in rule ${rule.id}: ${(e as Error).message}`, span: { start: 0, end: 0 }, fixes: [] });
    }
  }
  const unusedSetting = ruleSetting(o.rules, RULES_BY_ID.get('suppression/unused')!);
  const kept = applySuppressions(findings, parseDirectives(model.comments, model.text), model.text, new Set(RULES_BY_ID.keys()), unusedSetting !== 'off');
  if (unusedSetting && unusedSetting !== 'off') for (const f of kept) if (f.rule === 'suppression/unused') f.severity = unusedSetting;
  kept.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end || a.rule.localeCompare(b.rule));
  // no message or fix title shows a secret of the file, whichever rule wrote it
  maskFindings(model, kept);
  return kept;
}

/** An edit inside embedded Python is allowed only where positions map exactly into a block scalar. */
function editAllowed(model: ConfigModel, span: { start: number; end: number }): boolean {
  for (const r of model.embedded ?? []) {
    if (span.start >= r.span.start && span.end <= r.span.end) return r.exact && r.fixable;
    if (span.start < r.span.end && r.span.start < span.end) return false;
  }
  return true;
}

export function toDiagnostic(f: Finding, idx: LineIndex): Diagnostic {
  return {
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    range: idx.range(f.span),
    fixes: f.fixes.map((x) => ({ title: x.title, applicability: x.applicability, edits: x.edits.map((e) => ({ range: idx.range(e.span), newText: e.newText })) })),
  };
}
