import * as vscode from 'vscode';
import { LanguageClient, TransportKind, State, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { documentSelector, looksRelevant } from './files';
import { StatusItem, type DocStatus } from './status';
import { auditWorkspace, type AuditOptions, type AuditSummary } from './audit';
import { pythonExtensionInterpreter } from './python';

/** What `activate` returns: used by the extension tests (and by other extensions, if they want). */
export interface HubcfgApi {
  /** starts the language server if it is not running, and resolves when it is */
  ready(): Promise<LanguageClient>;
  /** the running client, if any */
  readonly client: LanguageClient | undefined;
  /** the last `hubcfg/status` for a document; waitForStatus resolves when a matching one arrives */
  status(uri: vscode.Uri): DocStatus | undefined;
  waitForStatus(uri: vscode.Uri, pred?: (s: DocStatus) => boolean, timeoutMs?: number): Promise<DocStatus>;
  /** the language status item (text and detail as shown) */
  readonly languageStatus: vscode.LanguageStatusItem;
  audit(opts?: AuditOptions): Promise<AuditSummary>;
}

const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('hubcfg');

class Controller implements vscode.Disposable {
  client: LanguageClient | undefined;
  private starting: Promise<LanguageClient> | undefined;
  private pythonPath: string | undefined;
  private pythonAsked = false;
  readonly status: StatusItem;

  constructor(private readonly context: vscode.ExtensionContext, readonly log: vscode.LogOutputChannel) {
    this.status = new StatusItem(() => !vscode.workspace.isTrusted);
  }

  /** Start, stop and restart run one at a time, in order (a restart must not race a start). */
  private lifecycle: Promise<unknown> = Promise.resolve();
  private enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.lifecycle.then(fn, fn);
    this.lifecycle = p.catch(() => undefined);
    return p;
  }

  /** Starts the server (once); concurrent callers share the start. */
  start(): Promise<LanguageClient> {
    if (this.client && this.client.state === State.Running) return Promise.resolve(this.client);
    if (!this.starting) {
      this.starting = this.enqueue(() => (this.client && this.client.state === State.Running ? Promise.resolve(this.client) : this.create())).finally(() => (this.starting = undefined));
    }
    return this.starting;
  }

  private async create(): Promise<LanguageClient> {
    if (vscode.workspace.isTrusted && !this.pythonAsked) {
      this.pythonAsked = true;
      this.pythonPath = await pythonExtensionInterpreter(this.log, () => void this.refreshPython());
    }
    const serverModule = this.context.asAbsolutePath('dist/server.js');
    const serverOptions: ServerOptions = {
      run: { module: serverModule, transport: TransportKind.ipc },
      debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6010'] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: documentSelector(),
      synchronize: { configurationSection: 'hubcfg' },
      outputChannel: this.log,
      diagnosticCollectionName: 'hubcfg',
      initializationOptions: { workspaceTrusted: vscode.workspace.isTrusted, pythonInterpreter: this.pythonPath },
    };
    const client = new LanguageClient('hubcfg', 'hubcfg', serverOptions, clientOptions);
    client.onNotification('hubcfg/status', (s: DocStatus) => this.status.update(s));
    this.log.info(`starting the language server (${serverModule}, node IPC)${vscode.workspace.isTrusted ? '' : ' in limited mode (untrusted workspace)'}`);
    await client.start();
    this.client = client;
    return client;
  }

  async refreshPython(): Promise<void> {
    if (!vscode.workspace.isTrusted) return;
    this.pythonPath = await pythonExtensionInterpreter(this.log);
    await this.client?.sendNotification('hubcfg/pythonInterpreter', { path: this.pythonPath ?? '' });
  }

  stop(): Promise<void> {
    return this.enqueue(() => this.stopNow());
  }

  private async stopNow(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    if (c) {
      try {
        await c.stop();
      } catch (e) {
        this.log.warn(`stopping the server: ${(e as Error).message}`);
      }
      await c.dispose().catch(() => undefined);
    }
    this.status.clear();
  }

  restart(): Promise<LanguageClient> {
    return this.enqueue(async () => {
      this.log.info('restarting the language server');
      await this.stopNow();
      return this.create();
    });
  }

  dispose(): void {
    void this.stop();
    this.status.dispose();
  }
}

let controller: Controller | undefined;

/** Rule ids and titles from the shipped docs/rules/README.md table. */
async function ruleList(extensionUri: vscode.Uri): Promise<{ id: string; title: string; severity: string }[]> {
  try {
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extensionUri, 'docs', 'rules', 'README.md')));
    const out: { id: string; title: string; severity: string }[] = [];
    for (const m of text.matchAll(/^\|\s*\[`([^`]+)`\]\([^)]*\)\s*\|\s*([a-z]+)\s*\|[^|]*\|\s*([^|]+?)\s*\|/gm)) out.push({ id: m[1], severity: m[2], title: m[3] });
    return out;
  } catch {
    return [];
  }
}

function ruleOf(d: vscode.Diagnostic): string | undefined {
  const c = d.code;
  if (typeof c === 'string') return c;
  if (c && typeof c === 'object' && typeof c.value === 'string') return c.value;
  return undefined;
}

export async function activate(context: vscode.ExtensionContext): Promise<HubcfgApi> {
  const log = vscode.window.createOutputChannel('hubcfg', { log: true });
  const ctl = new Controller(context, log);
  controller = ctl;
  context.subscriptions.push(log, ctl);

  // cheap activation: the server starts only when a document it would check is open (or a command needs it)
  const maybeStart = (doc: vscode.TextDocument) => {
    if (!ctl.client && looksRelevant(doc)) void ctl.start().catch((e: Error) => log.error(`cannot start the language server: ${e.message}`));
  };
  vscode.workspace.textDocuments.forEach(maybeStart);
  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument(maybeStart),
    vscode.workspace.onDidCloseTextDocument((d) => ctl.status.forget(d.uri.toString())),
    vscode.workspace.onDidChangeConfiguration((e) => {
      // the document selector depends on the extra globs: a new client picks them up
      if (e.affectsConfiguration('hubcfg.extraGlobs') && ctl.client) void ctl.restart();
      else if (e.affectsConfiguration('hubcfg.extraGlobs')) vscode.workspace.textDocuments.forEach(maybeStart);
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(async () => {
      log.info('workspace trusted: leaving limited mode');
      await ctl.client?.sendNotification('hubcfg/workspaceTrust', { trusted: true });
      await ctl.refreshPython();
      ctl.status.render();
    }),
  );

  const explainRule = async (arg?: string | { rule?: string }): Promise<vscode.Uri | undefined> => {
    let id = typeof arg === 'string' ? arg : arg?.rule;
    const ed = vscode.window.activeTextEditor;
    if (!id && ed) {
      const here = vscode.languages.getDiagnostics(ed.document.uri).filter((d) => d.source === 'hubcfg' && d.range.contains(ed.selection.active));
      id = here.map(ruleOf).find((x) => x);
    }
    if (!id) {
      const rules = await ruleList(context.extensionUri);
      const pick = await vscode.window.showQuickPick(
        rules.map((r) => ({ label: r.id, description: r.severity, detail: r.title })),
        { title: 'hubcfg: explain a rule', matchOnDetail: true, placeHolder: 'rule id or words from its title' },
      );
      id = pick?.label;
    }
    if (!id) return undefined;
    const file = vscode.Uri.joinPath(context.extensionUri, 'docs', 'rules', `${id.replace('/', '-')}.md`);
    try {
      await vscode.workspace.fs.stat(file);
    } catch {
      void vscode.window.showWarningMessage(`hubcfg: no documentation for rule "${id}"`);
      return undefined;
    }
    try {
      await vscode.commands.executeCommand('markdown.showPreview', file);
    } catch {
      await vscode.window.showTextDocument(file, { preview: true });
    }
    return file;
  };

  const fixAll = async (uri?: vscode.Uri): Promise<number> => {
    const doc = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
    if (!doc) return 0;
    await ctl.start();
    const whole = new vscode.Range(0, 0, doc.lineCount, 0);
    const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, whole, FIX_ALL_KIND.value)) ?? [];
    const action = actions.find((a) => a.kind && FIX_ALL_KIND.contains(a.kind) && a.edit);
    if (!action?.edit) {
      void vscode.window.setStatusBarMessage('hubcfg: no safe fixes in this file', 3000);
      return 0;
    }
    await vscode.workspace.applyEdit(action.edit);
    return action.edit.size;
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('hubcfg.restartServer', () => ctl.restart()),
    vscode.commands.registerCommand('hubcfg.showOutput', () => log.show(true)),
    vscode.commands.registerCommand('hubcfg.explainRule', explainRule),
    vscode.commands.registerCommand('hubcfg.fixAll', fixAll),
    vscode.commands.registerCommand('hubcfg.auditWorkspace', (opts?: AuditOptions) => auditWorkspace(() => ctl.start(), log, opts)),
    // "Explain rule" next to the server's quick fixes
    vscode.languages.registerCodeActionsProvider(
      documentSelector(),
      {
        provideCodeActions(_doc, _range, ctx) {
          const ids = [...new Set(ctx.diagnostics.filter((d) => d.source === 'hubcfg').map(ruleOf).filter((x): x is string => !!x))];
          return ids.map((id) => {
            const a = new vscode.CodeAction(`Explain ${id}`, vscode.CodeActionKind.Empty);
            a.command = { title: `Explain ${id}`, command: 'hubcfg.explainRule', arguments: [id] };
            return a;
          });
        },
      },
      { providedCodeActionKinds: [vscode.CodeActionKind.Empty] },
    ),
  );

  return {
    ready: () => ctl.start(),
    get client() {
      return ctl.client;
    },
    status: (uri) => ctl.status.get(uri.toString()),
    waitForStatus: (uri, pred, timeoutMs) => ctl.status.waitFor(uri.toString(), pred, timeoutMs),
    languageStatus: ctl.status.item,
    audit: (opts) => auditWorkspace(() => ctl.start(), log, { quiet: true, ...opts }),
  };
}

export async function deactivate(): Promise<void> {
  await controller?.stop();
}
