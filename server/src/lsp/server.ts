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
import { analyze, type AnalysisResult, type DiagnosticFix } from '../engine';
import { fixAll } from '../fixes';
import { normaliseSettings, engineOptions, type Settings, DEFAULT_SETTINGS } from './settings';
import { ruleDocUrl } from '../rules';
import { traitCatalog } from '../catalog/traits';
import { classHover, completionsAt, dottedAt, opAt, traitHover } from './features';
import type { Severity } from '../rules/types';
import { findProjectConfig, withProjectConfig } from '../config/project';
import type { EngineOptions } from '../engine';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** Files up to this size are analysed on every change; larger ones after a short pause. */
const IMMEDIATE_LIMIT = 200_000;
const DEBOUNCE_MS = 150;

interface DocState {
  version: number;
  result?: AnalysisResult;
}

export function startServer(connection: Connection = createConnection(ProposedFeatures.all)): Connection {
  const documents = new TextDocuments(TextDocument);
  const state = new Map<string, DocState>();
  const timers = new Map<string, NodeJS.Timeout>();
  let hasConfigurationPull = false;
  let workspaceRoots: string[] = [];
  const loggedProjectProblems = new Set<string>();

  /** Editor settings, then the nearest .hubcfg.yaml (file documents only): the project file wins. */
  function optionsFor(uri: string, settings: Settings): EngineOptions {
    const base = engineOptions(settings);
    if (!uri.startsWith('file:')) return base;
    const p = URI.path(uri);
    const root = workspaceRoots.find((r) => p.startsWith(r.endsWith('/') ? r : r + '/'));
    const project = findProjectConfig(p, root);
    if (project?.problems.length && !loggedProjectProblems.has(project.path)) {
      loggedProjectProblems.add(project.path);
      connection.console.warn(`hubcfg: ${project.path}: ${project.problems.join('; ')}`);
    }
    return withProjectConfig(base, project?.config);
  }
  let globalSettings: Settings = DEFAULT_SETTINGS;
  const settingsCache = new Map<string, Promise<Settings>>();

  connection.onInitialize((params: InitializeParams) => {
    hasConfigurationPull = !!params.capabilities.workspace?.configuration;
    workspaceRoots = (params.workspaceFolders ?? []).map((f) => URI.path(f.uri));
    if (!workspaceRoots.length && params.rootUri) workspaceRoots = [URI.path(params.rootUri)];
    const init = (params.initializationOptions ?? {}) as { settings?: unknown };
    if (init.settings) globalSettings = normaliseSettings(init.settings);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        completionProvider: { triggerCharacters: ['.', "'", '"'] },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.SourceFixAll, `${CodeActionKind.SourceFixAll}.hubcfg`] },
      },
      serverInfo: { name: 'hubcfg', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    if (hasConfigurationPull) {
      connection.client.register(DidChangeConfigurationNotification.type, { section: 'hubcfg' }).catch(() => undefined);
    }
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
    const s = (change.settings as { hubcfg?: unknown } | null)?.hubcfg;
    if (s) globalSettings = normaliseSettings(s);
    for (const doc of documents.all()) void validate(doc);
  });

  async function validate(doc: TextDocument): Promise<void> {
    const uri = doc.uri;
    const version = doc.version;
    const st = state.get(uri) ?? { version };
    st.version = version;
    state.set(uri, st);
    try {
      const settings = await settingsFor(uri);
      if (!settings.enable) {
        st.result = undefined;
        await connection.sendDiagnostics({ uri, version, diagnostics: [] });
        return;
      }
      const text = doc.getText();
      const result = await analyze(text, URI.path(uri), optionsFor(uri, settings));
      // a newer edit arrived while this one was analysed: its own run will publish
      if (documents.get(uri)?.version !== version) return;
      st.result = result;
      if (result.kind === 'unknown') {
        await connection.sendDiagnostics({ uri, version, diagnostics: [] });
        return;
      }
      await connection.sendDiagnostics({ uri, version, diagnostics: result.diagnostics.map(toLsp) });
    } catch (e) {
      connection.console.error(`hubcfg: could not analyse ${uri}: ${(e as Error).stack ?? e}`);
    }
  }

  function schedule(doc: TextDocument): void {
    const old = timers.get(doc.uri);
    if (old) clearTimeout(old);
    if (doc.getText().length <= IMMEDIATE_LIMIT) {
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
  documents.onDidChangeContent((e) => schedule(e.document));
  documents.onDidClose((e) => {
    state.delete(e.document.uri);
    settingsCache.delete(e.document.uri);
    const t = timers.get(e.document.uri);
    if (t) clearTimeout(t);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

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

  connection.onHover(async (params) => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return null;
    const st = state.get(doc.uri);
    if (!st?.result || st.result.kind === 'unknown') return null;
    const settings = await settingsFor(doc.uri);
    const catalog = traitCatalog(optionsFor(doc.uri, settings).jupyterhubVersion);
    const offset = doc.offsetAt(params.position);
    const hit = opAt(st.result.model, offset);
    let md: string | undefined;
    let cls: string | undefined;
    let trait: string | undefined;
    let part: 'class' | 'trait' | undefined;
    if (hit && st.version === doc.version) {
      cls = hit.op.cls;
      trait = hit.op.trait;
      part = hit.part;
    } else {
      const line = doc.getText({ start: { line: params.position.line, character: 0 }, end: { line: params.position.line + 1, character: 0 } });
      const d = dottedAt(line, params.position.character, st.result.model?.configNames ?? ['c']);
      if (d) ({ cls, trait, part } = d);
    }
    if (cls && part === 'trait' && trait) md = traitHover(catalog, cls, trait);
    else if (cls && part === 'class') md = classHover(catalog, cls);
    return md ? { contents: { kind: MarkupKind.Markdown, value: md } } : null;
  });

  connection.onCompletion(async (params) => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return null;
    const st = state.get(doc.uri);
    if (st?.result && st.result.kind === 'unknown') return null;
    if (!st?.result && !/jupyterhub_config[^/]*\.py$/.test(doc.uri)) return null;
    const settings = await settingsFor(doc.uri);
    const catalog = traitCatalog(optionsFor(doc.uri, settings).jupyterhubVersion);
    const before = doc.getText({ start: { line: params.position.line, character: 0 }, end: params.position });
    const items = completionsAt(catalog, before, st?.result?.model?.configNames ?? ['c']);
    if (!items) return null;
    return items.map((i) => ({
      label: i.label,
      kind: i.kind === 'class' ? CompletionItemKind.Class : CompletionItemKind.Property,
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
      const text = doc.getText();
      const fixed = await fixAll(text, URI.path(doc.uri), optionsFor(doc.uri, settings));
      if (fixed.text !== text) {
        actions.push({ title: 'hubcfg: fix all safe problems', kind: `${CodeActionKind.SourceFixAll}.hubcfg`, edit: { changes: { [doc.uri]: [minimalEdit(doc, text, fixed.text)] } } });
      }
    }
    return actions;
  });

  documents.listen(connection);
  connection.listen();
  return connection;
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
