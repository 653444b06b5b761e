import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { GitignoreSet } from './gitignore';
import { extraGlobPatterns } from './files';

/** Most files one audit lints; the rest are reported as skipped. */
export const DEFAULT_MAX_FILES = 2000;
const BATCH = 20;
/** never worth walking */
const ALWAYS_EXCLUDED = ['**/node_modules/**', '**/.git/**'];

export interface AuditOptions {
  /** file cap (default DEFAULT_MAX_FILES) */
  maxFiles?: number;
  /** no notification at the end (tests) */
  quiet?: boolean;
}

export interface AuditSummary {
  found: number;
  linted: number;
  configs: number;
  problems: number;
  errors: number;
  ignoredByGit: number;
  capped: boolean;
  cancelled: boolean;
}

/** The candidate files of one folder, with files.exclude applied (findFiles with an explicit exclude ignores it, so it is merged in). */
async function candidates(folder: vscode.WorkspaceFolder, max: number, token: vscode.CancellationToken): Promise<vscode.Uri[]> {
  const filesExclude = vscode.workspace.getConfiguration('files', folder.uri).get<Record<string, unknown>>('exclude') ?? {};
  const excludes = [...ALWAYS_EXCLUDED, ...Object.entries(filesExclude).filter(([, v]) => v === true).map(([k]) => k)];
  const exclude = `{${excludes.map((e) => e.replace(/[{}]/g, '')).join(',')}}`;
  const patterns = ['**/jupyterhub_config*.py', '**/*.{yaml,yml}'];
  for (const p of extraGlobPatterns()) {
    if (p.startsWith('**/')) patterns.push(p);
    else if (p.startsWith(folder.uri.path.replace(/\/$/, '') + '/')) patterns.push(p.slice(folder.uri.path.replace(/\/$/, '').length + 1));
  }
  const seen = new Map<string, vscode.Uri>();
  for (const pattern of patterns) {
    if (token.isCancellationRequested) break;
    const found = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, pattern), exclude, max + 1, token);
    for (const u of found) seen.set(u.toString(), u);
  }
  return [...seen.values()].sort((a, b) => a.path.localeCompare(b.path));
}

async function gitignores(folder: vscode.WorkspaceFolder, token: vscode.CancellationToken): Promise<GitignoreSet> {
  const set = new GitignoreSet();
  const files = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/.gitignore'), `{${ALWAYS_EXCLUDED.join(',')}}`, 500, token);
  for (const f of files) {
    try {
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(f));
      const rel = f.path.slice(folder.uri.path.replace(/\/$/, '').length + 1);
      set.add(rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '', text);
    } catch {
      /* unreadable: ignore */
    }
  }
  return set;
}

/**
 * Lints every JupyterHub config and z2jh values file of the workspace into Problems: walks the
 * folders (files.exclude and .gitignore honoured, node_modules and .git skipped), stops at a file
 * cap, sends the files to the server in batches, with progress and cancellation.
 */
export async function auditWorkspace(client: () => Promise<LanguageClient>, log: vscode.LogOutputChannel, opts: AuditOptions = {}): Promise<AuditSummary> {
  const max = opts.maxFiles ?? DEFAULT_MAX_FILES;
  const summary: AuditSummary = { found: 0, linted: 0, configs: 0, problems: 0, errors: 0, ignoredByGit: 0, capped: false, cancelled: false };
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (!folders.length) {
    if (!opts.quiet) void vscode.window.showInformationMessage('hubcfg: open a folder to audit it.');
    return summary;
  }
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'hubcfg: auditing the workspace', cancellable: true }, async (progress, token) => {
    progress.report({ message: 'finding files…' });
    let files: vscode.Uri[] = [];
    for (const folder of folders) {
      const found = await candidates(folder, max, token);
      const ignore = await gitignores(folder, token);
      const base = folder.uri.path.replace(/\/$/, '') + '/';
      for (const f of found) {
        if (f.path.startsWith(base) && ignore.ignores(f.path.slice(base.length))) summary.ignoredByGit++;
        else files.push(f);
      }
    }
    summary.found = files.length;
    if (files.length > max) {
      summary.capped = true;
      files = files.slice(0, max);
    }
    const lc = await client();
    const increment = files.length ? 100 / files.length : 100;
    for (let i = 0; i < files.length; i += BATCH) {
      if (token.isCancellationRequested) {
        summary.cancelled = true;
        break;
      }
      const batch = files.slice(i, i + BATCH);
      const payload: { uri: string; text?: string; size?: number }[] = [];
      for (const uri of batch) {
        try {
          const st = await vscode.workspace.fs.stat(uri);
          const maxChars = vscode.workspace.getConfiguration('hubcfg', uri).get<number>('maxFileSize') ?? 5 * 1024 * 1024;
          if (st.size > maxChars * 4) payload.push({ uri: uri.toString(), size: st.size });
          else payload.push({ uri: uri.toString(), text: new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)) });
        } catch (e) {
          log.warn(`audit: cannot read ${uri.fsPath}: ${(e as Error).message}`);
        }
      }
      const r = await lc.sendRequest<{ files: number; configs: number; problems: number; errors: number; cancelled: boolean }>('hubcfg/audit', { files: payload }, token).catch((e: Error) => {
        if (!token.isCancellationRequested) log.error(`audit: ${e.message}`);
        return { files: 0, configs: 0, problems: 0, errors: 0, cancelled: true };
      });
      summary.linted += r.files;
      summary.configs += r.configs;
      summary.problems += r.problems;
      summary.errors += r.errors;
      if (r.cancelled) summary.cancelled = true;
      progress.report({ increment: increment * batch.length, message: `${Math.min(i + BATCH, files.length)} / ${files.length} files` });
    }
  });
  const line = `audit: ${summary.configs} config files in ${summary.linted} files checked, ${summary.problems} problems (${summary.errors} errors)${summary.ignoredByGit ? `; ${summary.ignoredByGit} files ignored by .gitignore` : ''}${summary.capped ? `; stopped at ${max} of ${summary.found} files` : ''}${summary.cancelled ? '; cancelled' : ''}`;
  log.info(line);
  if (!opts.quiet) {
    void vscode.window.showInformationMessage(`hubcfg ${line}`);
    if (summary.problems) void vscode.commands.executeCommand('workbench.actions.view.problems');
  }
  return summary;
}
