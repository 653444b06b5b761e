import * as path from 'path';
import type { ConfigModel, FileKind } from './model/types';
import { modelFromPython } from './model/fromPython';
import { modelFromYaml } from './model/fromYaml';
import { resolveChart, chartCatalog, chartPins } from './catalog/z2jh';
import { detectChartVersion, isChartDefaults } from './config/chart';
import { RULES, RULES_BY_ID } from './rules';
import { SECURITY_RULES } from './rules/security';
import { RBAC_RULES } from './rules/rbac';
import { CHART_SECURITY_RULES } from './rules/z2jh/security';
import { applySuppressions, parseDirectives } from './suppress';
import type { Applicability, Finding, Rule, RuleContext, Severity, TrustLevel } from './rules/types';
import { traitCatalog } from './catalog/traits';
import { LineIndex, type Range } from './util/text';
import { foreignClassNames } from './context/classIdentity';
import { environmentFor, overlayIO } from './context/environment';
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
  /** plugin versions to judge against ({oauthenticator: "17.3", kubespawner: "6.2"}); win over a chart's pins */
  pluginVersions?: Record<string, string>;
  /** text of files not yet saved (open documents), read before the disk when looking beside the file for its environment */
  readFile?: (file: string) => string | undefined;
  /** the path names no file on disk (an untitled editor buffer): look for no environment beside it */
  noEnvironment?: boolean;
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
  /** the plugin versions judged against (catalogued versions, e.g. {oauthenticator: "17.3.0"}) */
  pluginVersions?: Record<string, string>;
}

export const DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024;

const PY_CONFIG_NAME = /(^|[\\/])jupyterhub_config[^\\/]*\.py$/;
const YAML_NAME = /\.ya?ml$/i;
/** names z2jh values files usually have */
const Z2JH_NAME = /(^|[\\/])([^\\/]*(values|config|z2jh|jupyterhub|daskhub|binderhub|basehub|hub|secrets?)[^\\/]*)\.ya?ml$/i;
const CONFIG_DIR = /(^|[\\/])config[\\/][^\\/]+\.ya?ml$/i;
const MODELINE = /^#\s*hubcfg:\s*kind\s*=\s*([a-z0-9_-]+)/im;
const PY_CONFIG_SNIFF = /^[ \t]*(c\.[A-Z][A-Za-z0-9_]*\.[A-Za-z_]|c\[['"][A-Z]|c\s*=\s*get_config\(\))/m;

/** Decides what a file is from its name and (cheaply) its content. */
export function detectKind(filePath: string, text: string): FileKind {
  const base = path.basename(filePath);
  // a leading byte order mark (an editor keeps it in the document) is not part of the first line
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
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
  if (YAML_NAME.test(base)) {
    const t = text.slice(0, 400_000);
    if (z2jhScore(t) >= (Z2JH_NAME.test(filePath) ? 1 : 2)) return 'z2jh_values';
    // a deployment's values under config/ (mybinder's config/prod.yaml) setting one chart key in its jupyterhub: block
    return CONFIG_DIR.test(filePath) && wrappedScore(t) >= 1 ? 'z2jh_values' : 'unknown';
  }
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
  return Math.max(score, wrappedScore(text));
}

/**
 * The z2jh keys directly inside a `jupyterhub:` block (at the root or under a parent chart key such as
 * `binderhub:`), wherever other keys of the parent chart come first: mybinder-style `config/prod.yaml`
 * sets `binderhub.ingress` before `binderhub.jupyterhub.hub`, which the first-indent count above misses.
 */
function wrappedScore(text: string): number {
  let best = 0;
  const lines = text.split(/\r?\n|\r/);
  for (let i = 0; i < lines.length; i++) {
    const w = /^( {0,4})jupyterhub:[ \t]*(?:#.*)?$/.exec(lines[i]);
    if (!w) continue;
    const own = w[1].length;
    let child: number | undefined;
    const keys = new Set<string>();
    let config = false;
    for (let j = i + 1; j < lines.length; j++) {
      const l = lines[j];
      if (!l.trim() || /^\s*#/.test(l)) continue;
      const ind = l.length - l.trimStart().length;
      if (ind <= own) break;
      child ??= ind;
      if (ind === child) {
        const k = /^\s*(hub|proxy|singleuser|prePuller|cull|scheduling|ingress):[ \t]*(?:#.*)?$/.exec(l);
        if (k) keys.add(k[1]);
      } else if (keys.has('hub') && ind > child && /^\s+(config|extraConfig|loadRoles|cookieSecret|db|image):/.test(l)) config = true;
    }
    best = Math.max(best, keys.size + (config ? 1 : 0));
  }
  return best;
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

/** How many analyses ran in this process (the language server reports it on `hubcfg/stats`, for tests). */
export const engineStats = { analyses: 0 };

/** Runs every enabled rule over a file's text. The CLI and the language server both call this. */
export async function analyze(text: string, filePath: string, opts: EngineOptions = {}): Promise<AnalysisResult> {
  engineStats.analyses++;
  const kind = opts.kind ?? detectKind(filePath, text);
  // for z2jh values the chart version decides the JupyterHub version, unless one is given
  let chart: ReturnType<typeof resolveChart> | undefined;
  if (kind === 'z2jh_values') {
    const requested = opts.chartVersion ?? (filePath ? detectChartVersion(filePath)?.version : undefined);
    chart = resolveChart(requested);
  }
  const hubVersion = opts.jupyterhubVersion && opts.jupyterhubVersion !== 'latest' ? opts.jupyterhubVersion : chart?.jupyterhub ?? opts.jupyterhubVersion;
  // a chart release's plugin pins (when the chart catalogue provides them), then the user's choice
  const pins = chart ? pluginPins(chart.chart) : undefined;
  const traits = traitCatalog(hubVersion, undefined, pins || opts.pluginVersions ? { ...pins, ...opts.pluginVersions } : undefined);
  const result: AnalysisResult = { kind, diagnostics: [], findings: [], jupyterhubVersion: traits.version, chartVersion: chart?.chart, pluginVersions: traits.pluginVersions };
  if (kind === 'unknown') return result;
  const max = opts.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  let model: ConfigModel;
  const empty = (skipped: string): ConfigModel => ({ kind, text, ops: [], configNames: ['c'], imports: { os: false, insertAt: 0 }, syntaxErrors: [], definedClasses: [], comments: [], chart: [], skipped });
  if (opts.skipReason) model = empty(opts.skipReason);
  else if (text.length > max) model = empty(`the file is larger than the limit of ${max} characters`);
  else if (looksBinary(text)) model = empty('the file contains NUL bytes: it is binary, not a config');
  else {
    // whatever the parser or the model builder does with this input, the file gets a finding, never a crash
    try {
      model = kind === 'z2jh_values' ? await modelFromYaml(text) : await modelFromPython(text, { kind });
    } catch (e) {
      model = empty(failureReason(e));
    }
  }
  const run = (m: ConfigModel) =>
    runRules(m, {
      // a class the config imports from another package is not judged by a catalogued namesake
      traits: traits.hiding(foreignClassNames(m, traits)),
      chart: chart ? { version: chart.chart, catalog: chartCatalog(chart.catalog) } : undefined,
      jupyterhubVersion: traits.version,
      trust: opts.trust ?? 'untrusted-users',
      rules: opts.rules,
      filePath,
      environment: filePath && !opts.noEnvironment && !m.skipped ? environmentFor(filePath, m, opts.readFile ? overlayIO(opts.readFile) : undefined) : undefined,
      chartDefaults: kind === 'z2jh_values' && isChartDefaults(filePath, text),
    });
  const idx = LineIndex.of(text);
  try {
    result.findings = run(model);
    // a fix is safe only if applying it changes nothing else (values files read as YAML 1.1 and 1.2)
    await checkFixes(model, result.findings);
    result.diagnostics = result.findings.map((f) => toDiagnostic(f, idx));
  } catch (e) {
    // rules are guarded one by one; this is what runs around them (suppressions, positions)
    model = empty(failureReason(e));
    result.findings = run(model);
    result.diagnostics = result.findings.map((f) => toDiagnostic(f, idx));
  }
  // a fresh object: the rules' caches keyed by the model they ran on (indexes of every setting, ~20x the
  // text of a large values file) are garbage now, while the model itself is kept for hover and completion
  result.model = { ...model };
  return result;
}

/** Why an analysis that threw was given up, for the `syntax/not-analysed` finding. */
export function failureReason(e: unknown): string {
  if (e instanceof RangeError && /call stack/i.test(e.message)) return 'the file is too deeply nested to analyse';
  const msg = (e instanceof Error ? e.message : String(e)).split('\n')[0];
  return `hubcfg could not analyse it (internal error: ${msg})`;
}

export interface RunOptions {
  traits: ReturnType<typeof traitCatalog>;
  chart?: RuleContext['chart'];
  jupyterhubVersion: string;
  trust: TrustLevel;
  rules?: EngineOptions['rules'];
  filePath?: string;
  environment?: RuleContext['environment'];
  /** the z2jh chart's own values.yaml: its defaults, not a deployment (no security or RBAC findings) */
  chartDefaults?: boolean;
}

/** The plugin versions a chart release's hub image installs (JupyterHub itself follows the chart separately). */
export function pluginPins(chart: string): Record<string, string> | undefined {
  const pins = chartPins(chart);
  if (!pins) return undefined;
  const { jupyterhub: _hub, traitlets: _traitlets, ...plugins } = pins;
  return plugins;
}

/** What a deployment's settings decide (security, RBAC): the chart's own defaults are judged without them. */
const DEPLOYMENT_RULES = new Set([...SECURITY_RULES, ...RBAC_RULES, ...CHART_SECURITY_RULES].map((r) => r.id));

export function runRules(model: ConfigModel, o: RunOptions): Finding[] {
  return finishFindings(collectFindings(model, o), model, o);
}

/** Runs the rules (those `only` accepts) over a model; suppressions are not applied yet. */
export function collectFindings(model: ConfigModel, o: RunOptions, only?: (r: Rule) => boolean): Finding[] {
  const findings: Finding[] = [];
  for (const rule of RULES) {
    if (only && !only(rule)) continue;
    if (o.chartDefaults && DEPLOYMENT_RULES.has(rule.id)) continue;
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
      environment: o.environment,
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
  return findings;
}

/** Applies the model's suppression comments (reporting unused ones) and sorts the findings. */
export function finishFindings(findings: Finding[], model: ConfigModel, o: RunOptions): Finding[] {
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
