import * as path from 'path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

/** Minimal client: starts the bundled server over node IPC for JupyterHub config files. */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6010'] } },
  };
  const output = vscode.window.createOutputChannel('hubcfg', { log: true });
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'python', pattern: '**/jupyterhub_config*.py' },
      { scheme: 'untitled', language: 'python' },
    ],
    synchronize: { configurationSection: 'hubcfg' },
    outputChannel: output,
  };
  client = new LanguageClient('hubcfg', 'hubcfg', serverOptions, clientOptions);
  context.subscriptions.push(output);
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
