import * as vscode from 'vscode';

/** Files named like JupyterHub configs (the same test as the server's). */
export const PY_CONFIG_NAME = /(^|[\\/])jupyterhub_config[^\\/]*\.py$/;
/** Names z2jh values files usually have. */
const Z2JH_NAME = /(^|[\\/])([^\\/]*(values|config|z2jh|jupyterhub|daskhub|binderhub|basehub|hub|secrets?)[^\\/]*)\.ya?ml$/i;
const Z2JH_KEYS = /^( {0,4})(hub|proxy|singleuser|prePuller|cull|scheduling|ingress):[ \t]*(?:#.*)?$/m;
const MODELINE = /^#\s*hubcfg:\s*kind\s*=\s*([a-z0-9_-]+)/im;

export const SCHEMES = ['file', 'untitled', 'vscode-vfs'];

/** Globs from hubcfg.extraGlobs as document-filter patterns (absolute, or `**`-prefixed for bare file names). */
export function extraGlobPatterns(): string[] {
  const out = new Set<string>();
  const folders = vscode.workspace.workspaceFolders ?? [];
  const scopes: (vscode.WorkspaceFolder | undefined)[] = folders.length ? [...folders] : [undefined];
  for (const folder of scopes) {
    const globs = vscode.workspace.getConfiguration('hubcfg', folder?.uri).get<string[]>('extraGlobs') ?? [];
    for (const raw of globs) {
      if (typeof raw !== 'string' || !raw.trim()) continue;
      const g = raw.trim().replace(/\\/g, '/').replace(/^\.\//, '');
      if (!g.includes('/')) out.add(`**/${g}`);
      else if (g.startsWith('/') || /^[A-Za-z]:\//.test(g)) out.add(g);
      else if (folder) out.add(`${folder.uri.path.replace(/[[\]{}*?]/g, '[$&]').replace(/\/$/, '')}/${g}`);
      else out.add(`**/${g}`);
    }
  }
  return [...out];
}

/** A document filter with a string pattern: both a VS Code and an LSP document filter. */
export interface Filter {
  scheme: string;
  language?: string;
  pattern?: string;
}

/** The documents the language server receives: configs by name, all YAML (the server decides by name and content), extra globs. */
export function documentSelector(): Filter[] {
  const sel: Filter[] = [];
  for (const scheme of SCHEMES) {
    sel.push({ scheme, language: 'python', pattern: '**/jupyterhub_config*.py' });
    sel.push({ scheme, language: 'yaml' });
  }
  // an unsaved Python buffer may be a config (the server sniffs its content)
  sel.push({ scheme: 'untitled', language: 'python' });
  for (const pattern of extraGlobPatterns()) sel.push({ scheme: 'file', pattern });
  return sel;
}

/** Does this document look like something hubcfg checks? (Decides whether to start the server; the server has the last word.) */
export function looksRelevant(doc: vscode.TextDocument): boolean {
  if (!SCHEMES.includes(doc.uri.scheme)) return false;
  const name = doc.uri.path;
  if (doc.languageId === 'python' && PY_CONFIG_NAME.test(name)) return true;
  const extra = extraGlobPatterns();
  if (extra.length && vscode.languages.match(extra.map((pattern) => ({ scheme: 'file', pattern })), doc) > 0) return true;
  if (doc.languageId === 'yaml') {
    const head = doc.getText(new vscode.Range(0, 0, 400, 0));
    const mode = MODELINE.exec(head);
    if (mode) return !/^(none|off)$/i.test(mode[1]);
    return Z2JH_KEYS.test(head) && (Z2JH_NAME.test(name) || (head.match(new RegExp(Z2JH_KEYS.source, 'gm'))?.length ?? 0) >= 2);
  }
  return false;
}
