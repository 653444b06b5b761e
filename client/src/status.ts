import * as vscode from 'vscode';

/** What the server says about a document after each analysis (`hubcfg/status`; see server/src/lsp/server.ts). */
export interface DocStatus {
  uri: string;
  kind: 'jupyterhub_config' | 'z2jh_values' | 'unknown';
  enabled: boolean;
  forced?: boolean;
  jupyterhubVersion?: string;
  chartVersion?: string;
  limited: boolean;
  introspection: { state: string; detail: string; jupyterhub?: string; interpreter?: string };
  skipped?: string;
  error?: string;
  /** the declared deployments the file is judged in, and their files */
  deployments?: { name: string; files: string[] }[];
}

const KIND_LABEL: Record<DocStatus['kind'], string> = {
  jupyterhub_config: 'JupyterHub config',
  z2jh_values: 'z2jh values',
  unknown: 'not a hub config',
};

/**
 * The language status item: what kind of file this is, the JupyterHub (and chart) version it is
 * judged against, limited mode, and where hover docs come from (introspection state).
 */
export class StatusItem implements vscode.Disposable {
  readonly item: vscode.LanguageStatusItem;
  private readonly byUri = new Map<string, DocStatus>();
  private readonly listeners = new Set<(s: DocStatus) => void>();
  private readonly subs: vscode.Disposable[] = [];

  constructor(private limitedMode: () => boolean) {
    this.item = vscode.languages.createLanguageStatusItem('hubcfg.status', this.selector());
    this.item.name = 'hubcfg';
    this.item.text = 'hubcfg';
    this.item.command = { title: 'Show output', command: 'hubcfg.showOutput' };
    this.subs.push(vscode.window.onDidChangeActiveTextEditor(() => this.render()));
    this.render();
  }

  /** Python configs by name, plus the YAML files the server recognised (so other YAML files show nothing). */
  private selector(): vscode.DocumentSelector {
    const sel: vscode.DocumentFilter[] = [{ language: 'python', pattern: '**/jupyterhub_config*.py' }];
    for (const s of this.byUri.values()) {
      if (s.kind === 'unknown' && !s.forced) continue;
      const uri = vscode.Uri.parse(s.uri);
      sel.push({ scheme: uri.scheme, pattern: uri.path.replace(/[[\]{}*?]/g, '[$&]') });
    }
    return sel;
  }

  update(s: DocStatus): void {
    const before = this.byUri.get(s.uri);
    this.byUri.set(s.uri, s);
    if (!before || before.kind !== s.kind) this.item.selector = this.selector();
    for (const l of [...this.listeners]) l(s);
    this.render();
  }

  get(uri: string): DocStatus | undefined {
    return this.byUri.get(uri);
  }

  /** Resolves with the first status for `uri` that satisfies `pred` (already there, or arriving within the timeout). */
  waitFor(uri: string, pred: (s: DocStatus) => boolean = () => true, timeoutMs = 20000): Promise<DocStatus> {
    const cur = this.byUri.get(uri);
    if (cur && pred(cur)) return Promise.resolve(cur);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.listeners.delete(l);
        reject(new Error(`no matching hubcfg status for ${uri} within ${timeoutMs} ms (last: ${JSON.stringify(this.byUri.get(uri))})`));
      }, timeoutMs);
      const l = (s: DocStatus) => {
        if (s.uri === uri && pred(s)) {
          clearTimeout(t);
          this.listeners.delete(l);
          resolve(s);
        }
      };
      this.listeners.add(l);
    });
  }

  forget(uri: string): void {
    if (this.byUri.delete(uri)) this.item.selector = this.selector();
  }

  clear(): void {
    this.byUri.clear();
    this.item.selector = this.selector();
    this.render();
  }

  render(): void {
    const doc = vscode.window.activeTextEditor?.document;
    const s = doc ? this.byUri.get(doc.uri.toString()) : undefined;
    const limited = s?.limited ?? this.limitedMode();
    const it = this.item;
    it.busy = s?.introspection.state === 'running';
    it.severity = s?.error ? vscode.LanguageStatusSeverity.Error : limited ? vscode.LanguageStatusSeverity.Warning : vscode.LanguageStatusSeverity.Information;
    if (!s) {
      it.text = `hubcfg${limited ? ' (limited)' : ''}`;
      it.detail = 'waiting for the language server';
      return;
    }
    if (s.error) {
      it.text = '$(error) hubcfg';
      it.detail = s.error;
      return;
    }
    if (!s.enabled) {
      it.text = 'hubcfg: off';
      it.detail = 'hubcfg.enable is false for this file';
      return;
    }
    const versions = [s.jupyterhubVersion ? `JupyterHub ${s.jupyterhubVersion}` : '', s.chartVersion ? `chart ${s.chartVersion}` : ''].filter(Boolean).join(' · ');
    const deps = s.deployments ?? [];
    const inDeployment = deps.length === 1 ? ` · deployment ${deps[0].name.replace(/ \(.*\)$/, '')}` : deps.length ? ` · ${deps.length} deployments` : '';
    it.text = `${s.kind === 'unknown' ? '' : '$(check) '}${KIND_LABEL[s.kind]}${inDeployment}${versions ? ` · ${versions}` : ''}${limited ? ' · limited mode' : ''}`;
    const judgedWith = deps.map((d) => `judged in deployment ${d.name} with ${d.files.join(', ')}`);
    const detail = [...judgedWith, s.forced ? 'matched by hubcfg.extraGlobs' : '', s.skipped ? `not analysed: ${s.skipped}` : '', s.introspection.detail].filter(Boolean);
    it.detail = detail.join(' — ');
  }

  dispose(): void {
    for (const d of this.subs) d.dispose();
    this.item.dispose();
  }
}
