import * as fs from 'fs';
import {
  createConnection,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  DiagnosticSeverity,
  CodeActionKind,
  CompletionItemKind,
  MarkupKind,
  type Connection,
  type Diagnostic as LspDiagnostic,
  type CodeAction,
  type InitializeParams,
  DidChangeConfigurationNotification,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from './uri';
import { analyze, detectKind, engineStats, type AnalysisResult, type DiagnosticFix } from '../engine';
import { fixAll } from '../fixes';
import { normaliseSettings, engineOptions, matchesExtraGlobs, type Settings, DEFAULT_SETTINGS } from './settings';
import { ruleDocUrl } from '../rules';
import { traitCatalog, withTraitOverlay, type TraitCatalog, type TraitOverlay } from '../catalog/traits';
import { resolveChart, chartCatalog } from '../catalog/z2jh';
import { chartKeyHover, chartSettingAt, classHover, completionsAt, dottedAt, opAt, ruleHoverAt, traitHover, yamlCompletions, type CompletionEntry } from './features';
import type { Severity } from '../rules/types';
import type { FileKind } from '../model/types';
import { findProjectConfig, withProjectConfig } from '../config/project';
import { isEnvironmentFile } from '../context/environment';
import type { EngineOptions } from '../engine';
import { pythonParser } from '../parse/python';
import { rbacHoverAt, scopeCompletionContext, scopeCompletions } from '../rbac/features';
import { DeploymentWorkspace, isDeclarationFile, mergedValueHover, type JudgedDeployment } from './deployments';
import * as path from 'path';
import { Introspector, describeState, interpreterOff, requestFromModel, resolveInterpreter, type IntrospectionRequest, type IntrospectionState } from '../introspect';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** Files up to this size are analysed on every change; larger ones after a short pause (on open: at once). */
const IMMEDIATE_LIMIT = 200_000;
const DEBOUNCE_MS = 150;

/** What the client may send in `initializationOptions` (all optional; other LSP clients send nothing). */
export interface InitOptions {
  /** settings for clients without workspace/configuration */
  settings?: unknown;
  /**
   * Workspace trust as the editor knows it. true: full mode (introspection may run); false (VS Code
   * Restricted Mode): limited mode, no interpreter is run, whatever the settings say; absent (any
   * client that does not know it): limited mode unless `hubcfg.introspection` is "on".
   */
  workspaceTrusted?: boolean;
  /** the Python extension's interpreter for the workspace */
  pythonInterpreter?: string;
}

/** `hubcfg/status` (server → client, after each analysis): what the language status item shows. */
export interface StatusParams {
  uri: string;
  kind: FileKind;
  enabled: boolean;
  /** forced by hubcfg.extraGlobs */
  forced?: boolean;
  jupyterhubVersion?: string;
  chartVersion?: string;
  /** limited mode: no interpreter is run, because the workspace is not trusted or nothing says it is */
  limited: boolean;
  introspection: IntrospectionState;
  /** why the file was not analysed (too large, binary) */
  skipped?: string;
  /** the analysis failed (e.g. a bad version setting) */
  error?: string;
  /** the declared deployments the file was judged in, with its sibling files ("prod (.hubcfg.yaml)") */
  deployments?: { name: string; files: string[] }[];
}

/** `hubcfg/audit` (client → server): lint files that are not open; their findings go to Problems. */
export interface AuditParams {
  files: { uri: string; text?: string; size?: number }[];
}
export interface AuditResult {
  files: number;
  configs: number;
  problems: number;
  errors: number;
  cancelled: boolean;
}

interface DocState {
  version: number;
  result?: AnalysisResult;
  /** the document version `result` is the analysis of */
  resultVersion?: number;
  /** the text after "fix all safe problems", for `result` (code actions ask again on every cursor move) */
  fixed?: { result: AnalysisResult; text: string };
  /** the introspection request this document's config needs (classes it names) */
  request?: IntrospectionRequest;
  overlay?: TraitOverlay;
  forcedKind?: FileKind;
  /** what was last published, to skip identical re-publication after introspection */
  published?: string;
  status?: StatusParams;
  /** the deployments `result` was judged in (absent: judged alone) */
  deployments?: JudgedDeployment[];
}

const NO_REQUEST: IntrospectionRequest = { classes: [], modules: [] };
const sameRequest = (a: IntrospectionRequest | undefined, b: IntrospectionRequest) => !!a && a.classes.join() === b.classes.join() && a.modules.join() === b.modules.join();

export function startServer(connection: Connection = createConnection(ProposedFeatures.all)): Connection {
  const documents = new TextDocuments(TextDocument);
  const state = new Map<string, DocState>();
  const timers = new Map<string, NodeJS.Timeout>();
  let hasConfigurationPull = false;
  let workspaceRoots: string[] = [];
  const loggedProjectProblems = new Set<string>();
  /** what the client said about workspace trust; undefined: nothing (fail closed, see trustMode) */
  let clientTrust: boolean | undefined;
  /** mode lines already logged (each once until trust or settings change) */
  const loggedModes = new Set<string>();
  let clientPython: string | undefined;
  /** files linted by an audit (not open): re-published from disk when closed */
  const audited = new Set<string>();
  /** declared deployments: discovery, sibling texts (open documents first), shared judgments */
  const deploy = new DeploymentWorkspace((file) => openText(file));
  const introspector = new Introspector((m) => connection.console.info(`hubcfg: ${m}`), Number(process.env.HUBCFG_INTROSPECT_TIMEOUT_MS) || undefined);

  /** Editor settings, then the nearest .hubcfg.yaml (file documents only): the project file wins. */
  function optionsFor(uri: string, settings: Settings): EngineOptions {
    const base = engineOptions(settings);
    if (!uri.startsWith('file:')) return { ...base, noEnvironment: true };
    const p = URI.path(uri);
    const root = workspaceRoots.find((r) => p.startsWith(r.endsWith('/') ? r : r + '/'));
    const project = findProjectConfig(p, root);
    if (project?.problems.length && !loggedProjectProblems.has(project.path)) {
      loggedProjectProblems.add(project.path);
      connection.console.warn(`hubcfg: ${project.path}: ${project.problems.join('; ')}`);
    }
    return { ...withProjectConfig(base, project?.config), readFile: openText };
  }

  /** The unsaved text of an open file document, by path (the environment beside a config is read through it). */
  function openText(file: string): string | undefined {
    for (const d of documents.all()) if (d.uri.startsWith('file:') && URI.path(d.uri) === file) return d.getText();
    return undefined;
  }
  let globalSettings: Settings = DEFAULT_SETTINGS;
  const settingsCache = new Map<string, Promise<Settings>>();

  connection.onInitialize((params: InitializeParams) => {
    hasConfigurationPull = !!params.capabilities.workspace?.configuration;
    workspaceRoots = (params.workspaceFolders ?? []).map((f) => URI.path(f.uri));
    if (!workspaceRoots.length && params.rootUri) workspaceRoots = [URI.path(params.rootUri)];
    const init = (params.initializationOptions ?? {}) as InitOptions;
    if (init.settings) globalSettings = normaliseSettings(init.settings);
    if (typeof init.workspaceTrusted === 'boolean') clientTrust = init.workspaceTrusted;
    if (typeof init.pythonInterpreter === 'string' && init.pythonInterpreter) clientPython = init.pythonInterpreter;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        hoverProvider: true,
        completionProvider: { triggerCharacters: ['.', "'", '"', ':', ' '] },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.SourceFixAll, `${CodeActionKind.SourceFixAll}.hubcfg`] },
      },
      serverInfo: { name: 'hubcfg', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    if (hasConfigurationPull) {
      connection.client.register(DidChangeConfigurationNotification.type, { section: 'hubcfg' }).catch(() => undefined);
    }
    // load the parser and the default catalogue now, so the first file opened does not wait for them
    setImmediate(() => {
      pythonParser().catch(() => undefined);
      try {
        traitCatalog();
      } catch {
        /* reported when a file is analysed */
      }
    });
    // with workspace/configuration the settings (and so the mode) are per file: logged when a file is analysed
    const mode = hasConfigurationPull
      ? clientTrust === false
        ? trustMode(DEFAULT_SETTINGS).why
        : clientTrust
          ? 'the client reports a trusted workspace: full mode unless hubcfg.introspection is "off"'
          : 'no trust information from the client: limited mode unless hubcfg.introspection is "on"'
      : trustMode(globalSettings).why;
    connection.console.info(`hubcfg: server started (node ${process.version}; ${mode})`);
  });

  function settingsFor(uri: string): Promise<Settings> {
    if (!hasConfigurationPull) return Promise.resolve(globalSettings);
    let p = settingsCache.get(uri);
    if (!p) {
      p = connection.workspace
        .getConfiguration({ scopeUri: uri, section: 'hubcfg' })
        .then((raw) => normaliseSettings(raw), () => globalSettings);
      settingsCache.set(uri, p);
    }
    return p;
  }

  connection.onDidChangeConfiguration((change) => {
    settingsCache.clear();
    loggedModes.clear();
    const s = (change.settings as { hubcfg?: unknown } | null)?.hubcfg;
    if (s) globalSettings = normaliseSettings(s);
    for (const doc of documents.all()) void validate(doc);
  });

  // the client tells us when the user trusts the workspace, and when the Python extension's interpreter changes
  connection.onNotification('hubcfg/workspaceTrust', (p: { trusted?: boolean }) => {
    if (typeof p?.trusted !== 'boolean') {
      connection.console.warn('hubcfg: hubcfg/workspaceTrust without a boolean "trusted": ignored');
      return;
    }
    const was = clientTrust;
    clientTrust = p.trusted;
    if (was !== clientTrust) {
      loggedModes.clear();
      connection.console.info(`hubcfg: the client reports the workspace as ${clientTrust ? 'trusted' : 'not trusted'}`);
      for (const doc of documents.all()) void validate(doc);
    }
  });
  connection.onNotification('hubcfg/pythonInterpreter', (p: { path?: string }) => {
    const next = typeof p?.path === 'string' && p.path ? p.path : undefined;
    if (next === clientPython) return;
    clientPython = next;
    for (const doc of documents.all()) void validate(doc);
  });

  /**
   * The kind when the name does not tell it: an unsaved buffer (by its language and content), or a
   * file matched by hubcfg.extraGlobs, unless a modeline turns it off.
   */
  function forcedKind(uri: string, text: string, settings: Settings, languageId?: string): FileKind | undefined {
    const p = URI.path(uri);
    if (uri.startsWith('untitled:')) {
      const ext = languageId === 'python' ? '.py' : languageId === 'yaml' ? '.yaml' : '';
      const k = ext ? detectKind(`${p}${ext}`, text) : 'unknown';
      return k === 'unknown' ? undefined : k;
    }
    if (!settings.extraGlobs.length) return undefined;
    if (detectKind(p, text) !== 'unknown') return undefined;
    if (/^\uFEFF?#\s*hubcfg:\s*kind\s*=\s*(none|off)\b/im.test(text.slice(0, 4000))) return undefined;
    if (!matchesExtraGlobs(p, settings.extraGlobs, workspaceRoots)) return undefined;
    return /\.ya?ml$/i.test(p) ? 'z2jh_values' : 'jupyterhub_config';
  }

  /**
   * Whether an interpreter may be run, and why (fail closed): the client's "not trusted" always wins;
   * then hubcfg.introspection "off"; then the client's "trusted"; without trust information only
   * hubcfg.introspection "on" allows it. Even then the classes the config names are imported only
   * with hubcfg.introspectConfigClasses.
   */
  function trustMode(settings: Settings): { run: boolean; limited: boolean; why: string } {
    if (clientTrust === false) {
      const ignored = settings.introspection === 'on' ? ' (hubcfg.introspection "on" does not override that)' : '';
      return { run: false, limited: true, why: `the client reports the workspace as not trusted: limited mode, no interpreter is run${ignored}` };
    }
    if (settings.introspection === 'off') return { run: false, limited: false, why: 'hubcfg.introspection is "off": no interpreter is run' };
    if (interpreterOff(settings.pythonInterpreter)) return { run: false, limited: false, why: 'hubcfg.pythonInterpreter is "off": no interpreter is run' };
    const imports = settings.introspectConfigClasses
      ? 'the classes the config names are imported too (hubcfg.introspectConfigClasses)'
      : 'the classes the config names are not imported (hubcfg.introspectConfigClasses is off)';
    if (clientTrust) return { run: true, limited: false, why: `the client reports a trusted workspace: full mode, ${imports}` };
    if (settings.introspection === 'on') return { run: true, limited: false, why: `no trust information from the client, hubcfg.introspection is "on": full mode, ${imports}` };
    return { run: false, limited: true, why: 'no trust information from the client: limited mode, no interpreter is run (hubcfg.introspection "on" or initializationOptions.workspaceTrusted true allows it)' };
  }

  /** The interpreter and overlay for a document, and the introspection state for the status item. */
  function introspectionFor(settings: Settings, request: IntrospectionRequest): { interpreter?: string; overlay?: TraitOverlay; state: IntrospectionState; needsRun: boolean } {
    const mode = trustMode(settings);
    if (!loggedModes.has(mode.why)) {
      loggedModes.add(mode.why);
      connection.console.info(`hubcfg: ${mode.why}`);
    }
    if (!mode.run) return { state: { state: mode.limited ? 'untrusted' : 'off', detail: `${mode.why}; bundled docs only` }, needsRun: false };
    const interp = resolveInterpreter(settings.pythonInterpreter, clientPython);
    if (interp.off) return { state: { state: 'off', detail: 'reading docs from an installed JupyterHub is off (hubcfg.pythonInterpreter)' }, needsRun: false };
    if (!interp.path) return { state: { state: 'unavailable', interpreter: interp.label, detail: `no Python interpreter found (${interp.label}): bundled docs only` }, needsRun: false };
    const hit = introspector.peek(interp.path, request) ?? (request.classes.length || request.modules.length ? introspector.peek(interp.path, NO_REQUEST) : undefined);
    const exact = introspector.peek(interp.path, request);
    return {
      interpreter: interp.path,
      overlay: hit?.overlay,
      state: describeState(hit, !hit && introspector.isRunning(interp.path, request), interp.label),
      needsRun: !exact,
    };
  }

  function sendStatus(st: DocState, status: StatusParams): void {
    st.status = status;
    void connection.sendNotification('hubcfg/status', status);
  }

  /**
   * Analyses a document and publishes its diagnostics. `quiet`: a re-run after introspection
   * finished; publishes only when the diagnostics changed.
   */
  async function validate(doc: TextDocument, quiet = false): Promise<void> {
    const uri = doc.uri;
    const version = doc.version;
    const st = state.get(uri) ?? { version };
    st.version = version;
    state.set(uri, st);
    const publish = async (diagnostics: LspDiagnostic[]) => {
      const key = JSON.stringify(diagnostics);
      if (quiet && key === st.published) return;
      st.published = key;
      await connection.sendDiagnostics({ uri, version, diagnostics });
    };
    let settings: Settings = globalSettings;
    try {
      settings = await settingsFor(uri);
      if (!settings.enable) {
        st.result = undefined;
        st.resultVersion = undefined;
        st.fixed = undefined;
        await publish([]);
        sendStatus(st, { uri, kind: 'unknown', enabled: false, limited: trustMode(settings).limited, introspection: { state: 'off', detail: 'hubcfg is turned off for this file (hubcfg.enable)' } });
        return;
      }
      const text = doc.getText();
      const kind = forcedKind(uri, text, settings, doc.languageId);
      const intro = introspectionFor(settings, settings.introspectConfigClasses ? st.request ?? NO_REQUEST : NO_REQUEST);
      const opts = { ...optionsFor(uri, settings), ...(kind ? { kind } : {}) };
      // a values file that belongs to a declared deployment is judged with the deployment's other files
      const judged = uri.startsWith('file:') && /\.ya?ml$/i.test(URI.path(uri)) && (!kind || kind === 'z2jh_values') ? await judgeInDeployments(URI.path(uri), opts, intro.overlay) : undefined;
      const result = judged?.result ?? (await withTraitOverlay(intro.overlay, () => analyze(text, URI.path(uri), opts)));
      // a newer edit arrived while this one was analysed: its own run will publish
      if (documents.get(uri)?.version !== version) return;
      st.result = result;
      st.deployments = judged?.deployments;
      st.resultVersion = version;
      // the fix-all of the old analysis would keep that analysis in memory
      st.fixed = undefined;
      st.overlay = intro.overlay;
      st.forcedKind = kind;
      await publish(result.kind === 'unknown' ? [] : result.diagnostics.map(toLsp));
      sendStatus(st, {
        uri,
        kind: result.kind,
        enabled: true,
        forced: !!kind && !uri.startsWith('untitled:'),
        jupyterhubVersion: result.kind === 'unknown' ? undefined : result.jupyterhubVersion,
        chartVersion: result.chartVersion,
        limited: trustMode(settings).limited,
        introspection: intro.state,
        skipped: result.model?.skipped,
        deployments: judged?.deployments.map((d) => ({ name: d.label, files: d.inputs.map((x) => relativeName(URI.path(uri), x.path)) })),
      });
      if (result.kind === 'unknown' || !intro.interpreter) return;
      // the classes this config names that the bundled catalogue lacks (plugins, own classes) are what
      // the helper imports beyond JupyterHub and its entry points (bundled only: the request stays
      // stable), and only with hubcfg.introspectConfigClasses: importing them runs their code
      const bundled = traitCatalog(result.jupyterhubVersion, undefined);
      const named = settings.introspectConfigClasses ? requestFromModel(result.model, (c) => !!bundled.getClass(c)) : NO_REQUEST;
      const request: IntrospectionRequest = named.classes.length || named.modules.length ? { ...named, importConfigNamed: true } : NO_REQUEST;
      const changed = !sameRequest(st.request, request);
      st.request = request;
      if (changed || intro.needsRun) {
        const interpreter = intro.interpreter;
        void introspector.ensure(interpreter, request).then(() => {
          const cur = documents.get(uri);
          if (cur && state.get(uri) === st) void validate(cur, true);
        });
      }
    } catch (e) {
      const msg = (e as Error).message ?? String(e);
      connection.console.error(`hubcfg: could not analyse ${uri}: ${(e as Error).stack ?? e}`);
      // the old findings would stay on screen at stale positions: say instead that this version was not analysed
      if (documents.get(uri)?.version === version) {
        st.result = undefined;
        st.resultVersion = undefined;
        st.fixed = undefined;
        st.deployments = undefined;
        await publish([notAnalysed(`hubcfg could not analyse this file (${msg.split('\n')[0]})`)]).catch(() => undefined);
      }
      sendStatus(st, { uri, kind: st.result?.kind ?? 'unknown', enabled: settings.enable, limited: trustMode(settings).limited, introspection: { state: 'off', detail: '' }, error: msg.split('\n')[0] });
    }
  }

  /** The judgment of a file in its deployments (undefined: it belongs to none); problems with declarations are logged once. */
  async function judgeInDeployments(file: string, opts: EngineOptions, overlay: TraitOverlay | undefined) {
    const found = deploy.discover(file);
    for (const p of found.problems) {
      const key = `${p.file ?? ''}|${p.message}`;
      if (loggedProjectProblems.has(key)) continue;
      loggedProjectProblems.add(key);
      connection.console.warn(`hubcfg: ${p.file ? `${p.file}: ` : ''}${p.message}`);
    }
    if (!found.deployments.length) return undefined;
    try {
      return await deploy.judge(file, opts, (f) => openText(f) !== undefined, (f) => withTraitOverlay(overlay, f), overlay);
    } catch (e) {
      // judged alone rather than not at all
      connection.console.error(`hubcfg: could not judge ${file} with its deployment: ${(e as Error).stack ?? e}`);
      return undefined;
    }
  }

  /** A path for people: relative to the workspace folder that holds it, else to the file's folder. */
  function relativeName(from: string, file: string): string {
    const root = workspaceRoots.find((r) => file.startsWith(r.endsWith('/') ? r : r + '/'));
    return path.relative(root ?? path.dirname(from), file).replace(/\\/g, '/') || path.basename(file);
  }

  /**
   * `file` changed (edited, opened, closed): the open files judged in a deployment with it are judged
   * again after a short pause; a declaration file changes which deployments exist: every open file is.
   */
  const siblingTimers = new Map<string, NodeJS.Timeout>();
  function recheckDeployment(uri: string, text: string | undefined): void {
    if (!uri.startsWith('file:')) return;
    const file = URI.path(uri);
    if (!/\.ya?ml$/i.test(file)) return;
    const declaration = isDeclarationFile(file, text);
    if (declaration) deploy.invalidate();
    for (const d of documents.all()) {
      if (d.uri === uri) continue;
      const st = state.get(d.uri);
      if (!st) continue;
      if (!(declaration ? st.result?.kind === 'z2jh_values' || st.deployments : st.deployments?.some((x) => x.watched.includes(file)))) continue;
      const old = siblingTimers.get(d.uri);
      if (old) clearTimeout(old);
      siblingTimers.set(
        d.uri,
        setTimeout(() => {
          siblingTimers.delete(d.uri);
          const cur = documents.get(d.uri);
          if (cur && state.has(d.uri)) void validate(cur, true);
        }, DEBOUNCE_MS),
      );
    }
  }

  function schedule(doc: TextDocument): void {
    const old = timers.get(doc.uri);
    if (old) clearTimeout(old);
    // a document just opened has no burst of edits to wait out: analyse it at once, whatever its size
    if (doc.getText().length <= IMMEDIATE_LIMIT || !state.has(doc.uri)) {
      timers.delete(doc.uri);
      void validate(doc);
      return;
    }
    timers.set(
      doc.uri,
      setTimeout(() => {
        timers.delete(doc.uri);
        const cur = documents.get(doc.uri);
        if (cur) void validate(cur);
      }, DEBOUNCE_MS),
    );
  }

  // onDidChangeContent also fires when a document is opened
  documents.onDidChangeContent((e) => {
    schedule(e.document);
    // the open files of the same deployment see this unsaved text
    recheckDeployment(e.document.uri, e.document.getText());
    // a compose file, .env, Dockerfile or unit being edited changes what the open configs beside it are supplied
    recheckBeside(e.document.uri);
  });
  let envTimer: NodeJS.Timeout | undefined;
  function recheckBeside(uri: string): void {
    if (!uri.startsWith('file:') || !isEnvironmentFile(URI.path(uri))) return;
    if (envTimer) clearTimeout(envTimer);
    envTimer = setTimeout(() => {
      envTimer = undefined;
      for (const d of documents.all()) if (d.uri !== uri && state.has(d.uri)) void validate(d, true);
    }, DEBOUNCE_MS);
  }
  // a saved declaration (.hubcfg.yaml, helmfile.yaml, ...) may declare other deployments
  documents.onDidSave((e) => {
    if (e.document.uri.startsWith('file:') && isDeclarationFile(URI.path(e.document.uri), e.document.getText())) recheckDeployment(e.document.uri, e.document.getText());
  });
  documents.onDidClose((e) => {
    const uri = e.document.uri;
    recheckBeside(uri); // its unsaved text no longer counts: the disk does
    state.delete(uri);
    recheckDeployment(uri, e.document.getText());
    const st = siblingTimers.get(uri);
    if (st) clearTimeout(st);
    siblingTimers.delete(uri);
    settingsCache.delete(uri);
    const t = timers.get(uri);
    if (t) clearTimeout(t);
    // a file the audit linted keeps its findings in Problems (as saved on disk)
    if (audited.has(uri) && uri.startsWith('file:')) {
      void auditOne({ uri }).catch(() => connection.sendDiagnostics({ uri, diagnostics: [] }));
      return;
    }
    void connection.sendDiagnostics({ uri, diagnostics: [] });
  });

  /** A `syntax/not-analysed` diagnostic at the start of the file, for an analysis that failed. */
  function notAnalysed(reason: string): LspDiagnostic {
    const at = { line: 0, character: 0 };
    return { range: { start: at, end: at }, severity: DiagnosticSeverity.Information, code: 'syntax/not-analysed', codeDescription: { href: ruleDocUrl('syntax/not-analysed') }, source: 'hubcfg', message: `Not analysed: ${reason}`, data: { fixes: [] } };
  }

  function toLsp(d: AnalysisResult['diagnostics'][number]): LspDiagnostic {
    return {
      range: d.range,
      severity: SEVERITY[d.severity],
      code: d.rule,
      codeDescription: { href: ruleDocUrl(d.rule) },
      source: 'hubcfg',
      message: d.message,
      data: { fixes: d.fixes },
    };
  }

  /** The catalogue a document was judged with (its JupyterHub version, and the introspected classes). */
  function catalogOf(st: DocState): TraitCatalog {
    return traitCatalog(st.result!.jupyterhubVersion, st.overlay, st.result!.pluginVersions);
  }

  function chartOf(st: DocState) {
    if (st.result?.kind !== 'z2jh_values') return undefined;
    const r = resolveChart(st.result.chartVersion);
    return { version: r.chart, catalog: chartCatalog(r.catalog) };
  }

  /** Upstream help from the user's installed JupyterHub (introspection), below our hover. */
  function upstreamHelp(catalog: TraitCatalog, cls: string, trait?: string): string | undefined {
    const help = trait ? catalog.getTrait(cls, trait)?.entry.help : catalog.getClass(cls)?.entry.help;
    if (!help || !catalog.overlaySource) return undefined;
    return `---\n\n**Help from ${catalog.overlaySource}:**\n\n${helpToMarkdown(help)}`;
  }

  connection.onHover(async (params) => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return null;
    const st = state.get(doc.uri);
    if (!st?.result || st.result.kind === 'unknown') return null;
    const catalog = catalogOf(st);
    const offset = doc.offsetAt(params.position);
    const model = st.result.model;
    const fresh = st.version === doc.version;
    let md = fresh ? ruleHoverAt(model, offset) : undefined;
    // a scope string or a role name: what it grants, expanded, for the judged JupyterHub version
    if (!md && fresh && model) md = rbacHoverAt(model, catalog, st.result.jupyterhubVersion, offset)?.markdown;
    if (md) return { contents: { kind: MarkupKind.Markdown, value: md } };
    // a chart key (not under hub.config, where keys are classes and traits): the chart's docs first
    let mergedMd: string | undefined;
    if (!md && fresh && st.result.kind === 'z2jh_values') {
      const s = chartSettingAt(model, offset);
      const chart = chartOf(st);
      if (s && chart && !(s.path[0] === 'hub' && s.path[1] === 'config' && s.path.length > 2)) md = chartKeyHover(chart, s.path);
      // in a deployment: the value in effect after the merge, and which file set it
      if (s && st.deployments?.length && doc.uri.startsWith('file:')) {
        const file = URI.path(doc.uri);
        const root = workspaceRoots.find((r) => file.startsWith(r.endsWith('/') ? r : r + '/'));
        mergedMd = await mergedValueHover(file, s, st.deployments, root ?? path.dirname(file)).catch(() => undefined);
      }
    }
    let cls: string | undefined;
    let trait: string | undefined;
    let part: 'class' | 'trait' | undefined;
    const hit = fresh ? opAt(model, offset) : undefined;
    if (hit && (!md || hit.op.origin === 'chart')) {
      // a chart value the chart turns into a trait (hub.cookieSecret → JupyterHub.cookie_secret): both hovers
      cls = hit.op.cls;
      trait = hit.op.trait;
      part = hit.part;
    } else if (!md && st.result.kind === 'jupyterhub_config') {
      const line = doc.getText({ start: { line: params.position.line, character: 0 }, end: { line: params.position.line + 1, character: 0 } });
      const d = dottedAt(line, params.position.character, model?.configNames ?? ['c']);
      if (d) ({ cls, trait, part } = d);
    }
    const chartMd = md;
    if (cls && part === 'trait' && trait) md = joinMd(traitHover(catalog, cls, trait), upstreamHelp(catalog, cls, trait));
    else if (cls && part === 'class') md = joinMd(classHover(catalog, cls), upstreamHelp(catalog, cls));
    if (chartMd && md !== chartMd) md = md ? `${chartMd}\n\n---\n\nThe chart sets \`${cls}.${trait}\`:\n\n${md}` : chartMd;
    if (mergedMd) md = md ? `${mergedMd}\n\n---\n\n${md}` : mergedMd;
    return md ? { contents: { kind: MarkupKind.Markdown, value: md } } : null;
  });

  connection.onCompletion(async (params) => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return null;
    const st = state.get(doc.uri);
    if (st?.result && st.result.kind === 'unknown') return null;
    if (!st?.result && !/jupyterhub_config[^/]*\.py$/.test(doc.uri)) return null;
    const settings = await settingsFor(doc.uri);
    const opts = optionsFor(doc.uri, settings);
    const catalog = st?.result ? catalogOf(st) : traitCatalog(opts.jupyterhubVersion, undefined, opts.pluginVersions);
    let items: CompletionEntry[] | undefined;
    // inside a scope string (load_roles, server_token_scopes, ...): scope names, then filters
    const model = st?.result?.model;
    if (model && st?.version === doc.version) {
      const sc = scopeCompletionContext(model, catalog, doc.offsetAt(params.position));
      if (sc) {
        return scopeCompletions(st.result!.jupyterhubVersion, sc.prefix, sc.customScopes).map((c) => ({
          label: c.label,
          kind: c.kind === 'filter' ? CompletionItemKind.Operator : c.kind === 'metascope' ? CompletionItemKind.Constant : CompletionItemKind.EnumMember,
          detail: c.detail,
          documentation: c.documentation ? { kind: MarkupKind.Markdown, value: c.documentation } : undefined,
          textEdit: { range: { start: doc.positionAt(sc.contentStart + c.replaceFrom), end: params.position }, newText: c.insertText },
          filterText: sc.prefix.slice(0, c.replaceFrom) + c.label,
          sortText: c.label,
        }));
      }
    }
    if (st?.result?.kind === 'z2jh_values') {
      items = yamlCompletions(catalog, chartOf(st), doc.getText(), params.position.line, params.position.character, st.result.model?.valuesRoots?.[0] ?? []);
    } else {
      const before = doc.getText({ start: { line: params.position.line, character: 0 }, end: params.position });
      items = completionsAt(catalog, before, st?.result?.model?.configNames ?? ['c']);
    }
    if (!items) return null;
    const KIND = { class: CompletionItemKind.Class, trait: CompletionItemKind.Property, key: CompletionItemKind.Field, value: CompletionItemKind.Value } as const;
    return items.map((i) => ({
      label: i.label,
      kind: KIND[i.kind],
      detail: i.detail,
      documentation: i.documentation ? { kind: MarkupKind.Markdown, value: i.documentation } : undefined,
      tags: i.deprecated ? [1] : undefined,
      sortText: (i.deprecated ? '1' : '0') + i.label,
    }));
  });

  connection.onCodeAction(async (params) => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return null;
    const actions: CodeAction[] = [];
    const only = params.context.only;
    const wantQuick = !only || only.some((k) => CodeActionKind.QuickFix.startsWith(k) || k.startsWith(CodeActionKind.QuickFix));
    const wantFixAll = !!only && only.some((k) => k === CodeActionKind.Source || k === CodeActionKind.SourceFixAll || k.startsWith(CodeActionKind.SourceFixAll));
    if (wantQuick) {
      for (const d of params.context.diagnostics) {
        if (d.source !== 'hubcfg') continue;
        const fixes = ((d.data as { fixes?: DiagnosticFix[] } | undefined)?.fixes ?? []);
        for (const f of fixes) {
          actions.push({
            title: `${f.title}${f.applicability === 'safe' ? '' : ` (${f.applicability})`}`,
            kind: CodeActionKind.QuickFix,
            diagnostics: [d],
            isPreferred: f.applicability === 'safe',
            edit: { changes: { [doc.uri]: f.edits.map((e) => ({ range: e.range, newText: e.newText })) } },
          });
        }
        if (typeof d.code === 'string' && d.code !== 'suppression/unused') actions.push(disableForLine(doc, d.range.start.line, d.code, d));
      }
    }
    if (wantFixAll || (!only && params.context.diagnostics.some((d) => d.source === 'hubcfg'))) {
      const settings = await settingsFor(doc.uri);
      if (!settings.enable) return actions;
      const st = state.get(doc.uri);
      const text = doc.getText();
      // the analysis of this very version is reused (a large file takes seconds to analyse), and so is its fix-all
      const current = st?.result && st.resultVersion === doc.version ? st.result : undefined;
      let fixedText: string;
      if (current && st?.fixed?.result === current) fixedText = st.fixed.text;
      else {
        const opts = { ...optionsFor(doc.uri, settings), ...(st?.forcedKind ? { kind: st.forcedKind } : {}) };
        fixedText = (await withTraitOverlay(st?.overlay, () => fixAll(text, URI.path(doc.uri), opts, ['safe'], current))).text;
        if (current && st && st.result === current) st.fixed = { result: current, text: fixedText };
      }
      if (fixedText !== text) {
        actions.push({ title: 'hubcfg: fix all safe problems', kind: `${CodeActionKind.SourceFixAll}.hubcfg`, edit: { changes: { [doc.uri]: [minimalEdit(doc, text, fixedText)] } } });
      }
    }
    return actions;
  });

  /** Lints one file that is not open (audit): from the text the client read, or from disk. */
  async function auditOne(f: AuditParams['files'][number]): Promise<{ kind: FileKind; problems: number; errors: number }> {
    const settings = await settingsFor(f.uri);
    if (!settings.enable) return { kind: 'unknown', problems: 0, errors: 0 };
    // an open document is analysed as the user types: count what it has
    const live = documents.get(f.uri) && state.get(f.uri)?.result;
    if (live) return { kind: live.kind, problems: live.kind === 'unknown' ? 0 : live.diagnostics.length, errors: live.kind === 'unknown' ? 0 : live.diagnostics.filter((d) => d.severity === 'error').length };
    if (documents.get(f.uri)) return { kind: 'unknown', problems: 0, errors: 0 };
    const p = URI.path(f.uri);
    let text = f.text;
    let skipReason: string | undefined;
    if (f.size !== undefined && f.size > settings.maxFileSize * 4) {
      text = '';
      skipReason = `the file is larger than the limit of ${settings.maxFileSize} characters`;
    } else if (text === undefined) {
      if (!f.uri.startsWith('file:')) return { kind: 'unknown', problems: 0, errors: 0 };
      text = await fs.promises.readFile(p, 'utf8');
    }
    const kind = forcedKind(f.uri, text, settings);
    // a skipped file is only reported when its name says it is a config
    const detected = kind ?? detectKind(p, text);
    if (skipReason && detected === 'unknown' && !/(^|\/)jupyterhub_config[^/]*\.py$/.test(p)) return { kind: 'unknown', problems: 0, errors: 0 };
    const opts = { ...optionsFor(f.uri, settings), ...(kind ? { kind } : {}), ...(skipReason ? { skipReason, kind: kind ?? (/\.ya?ml$/i.test(p) ? 'z2jh_values' : 'jupyterhub_config') } : {}) } as EngineOptions;
    const intro = introspectionFor(settings, NO_REQUEST);
    const result = await withTraitOverlay(intro.overlay, () => analyze(text!, p, opts));
    if (result.kind === 'unknown') {
      if (audited.delete(f.uri)) await connection.sendDiagnostics({ uri: f.uri, diagnostics: [] });
      return { kind: 'unknown', problems: 0, errors: 0 };
    }
    if (documents.get(f.uri)) return { kind: result.kind, problems: 0, errors: 0 };
    audited.add(f.uri);
    await connection.sendDiagnostics({ uri: f.uri, diagnostics: result.diagnostics.map(toLsp) });
    return { kind: result.kind, problems: result.diagnostics.length, errors: result.diagnostics.filter((d) => d.severity === 'error').length };
  }

  connection.onRequest('hubcfg/audit', async (params: AuditParams, token): Promise<AuditResult> => {
    const out: AuditResult = { files: 0, configs: 0, problems: 0, errors: 0, cancelled: false };
    for (const f of params?.files ?? []) {
      if (token.isCancellationRequested) {
        out.cancelled = true;
        break;
      }
      out.files++;
      try {
        const r = await auditOne(f);
        if (r.kind !== 'unknown') out.configs++;
        out.problems += r.problems;
        out.errors += r.errors;
      } catch (e) {
        connection.console.warn(`hubcfg: audit: cannot lint ${f.uri}: ${(e as Error).message}`);
      }
    }
    return out;
  });

  // how many analyses this server ran (tests check that code actions reuse the current one)
  connection.onRequest('hubcfg/stats', () => ({ analyses: engineStats.analyses }));

  documents.listen(connection);
  connection.listen();
  return connection;
}

function joinMd(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  return b ? `${a}\n\n${b}` : a;
}

/**
 * Upstream help (Python docstring style, often reStructuredText) as Markdown: common indentation
 * removed, paragraphs kept, literal blocks kept as code, roles such as :class:`x` shown as code.
 */
export function helpToMarkdown(help: string): string {
  const lines = help.replace(/\r\n?/g, '\n').split('\n');
  const rest = lines.slice(1).filter((l) => l.trim());
  const indent = rest.length ? Math.min(...rest.map((l) => /^[ \t]*/.exec(l)![0].length)) : 0;
  const body = [lines[0].trim(), ...lines.slice(1).map((l) => l.slice(Math.min(indent, /^[ \t]*/.exec(l)![0].length)))];
  return body
    .join('\n')
    .replace(/:(?:class|meth|func|attr|mod|obj|data|exc|ref|py:\w+):`~?([^`]+)`/g, '`$1`')
    .replace(/``([^`]+)``/g, '`$1`')
    .replace(/^\.\. (versionadded|versionchanged|deprecated)::\s*(.*)$/gm, (_m, what: string, v: string) => `*${what === 'versionadded' ? 'Added' : what === 'versionchanged' ? 'Changed' : 'Deprecated'} in ${v.trim()}*`)
    .trim();
}

/** "Disable RULE for this line": a `# hubcfg: disable-next-line=RULE` comment above it, indented like it. */
export function disableForLine(doc: TextDocument, line: number, rule: string, diagnostic?: LspDiagnostic): CodeAction {
  const text = doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
  const indent = /^[ \t]*/.exec(text)![0];
  const prev = line > 0 ? doc.getText({ start: { line: line - 1, character: 0 }, end: { line, character: 0 } }).replace(/\r?\n$/, '') : '';
  const m = /^([ \t]*#\s*hubcfg:\s*disable-next-line\s*=\s*)([A-Za-z0-9_*/,\s-]*?)\s*$/.exec(prev);
  const edit = m
    ? { range: { start: { line: line - 1, character: 0 }, end: { line: line - 1, character: prev.length } }, newText: `${m[1]}${m[2]},${rule}` }
    : { range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: `${indent}# hubcfg: disable-next-line=${rule}\n` };
  return { title: `Disable ${rule} for this line`, kind: CodeActionKind.QuickFix, diagnostics: diagnostic ? [diagnostic] : undefined, edit: { changes: { [doc.uri]: [edit] } } };
}

/** One edit that covers only the changed middle of the text, so nothing else is touched. */
export function minimalEdit(doc: TextDocument, oldText: string, newText: string) {
  let start = 0;
  while (start < oldText.length && start < newText.length && oldText[start] === newText[start]) start++;
  let endOld = oldText.length;
  let endNew = newText.length;
  while (endOld > start && endNew > start && oldText[endOld - 1] === newText[endNew - 1]) {
    endOld--;
    endNew--;
  }
  return { range: { start: doc.positionAt(start), end: doc.positionAt(endOld) }, newText: newText.slice(start, endNew) };
}
