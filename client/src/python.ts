import * as vscode from 'vscode';

/** The subset of the Python extension's API we use (ms-python.python, `environments`). */
interface PythonApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { path: string } | undefined;
    resolveEnvironment?(env: { path: string } | string): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
    onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
  };
}

/**
 * The interpreter the Python extension selected for the workspace, if that extension is installed.
 * Never called in an untrusted workspace. Gives up after `timeoutMs`.
 */
export async function pythonExtensionInterpreter(log: vscode.LogOutputChannel, onChange?: () => void, timeoutMs = 5000): Promise<string | undefined> {
  const ext = vscode.extensions.getExtension<PythonApi>('ms-python.python');
  if (!ext) return undefined;
  try {
    const api = await Promise.race([ext.isActive ? Promise.resolve(ext.exports) : ext.activate(), new Promise<undefined>((r) => setTimeout(() => r(undefined), timeoutMs))]);
    const envs = api?.environments;
    if (!envs) return undefined;
    if (onChange && envs.onDidChangeActiveEnvironmentPath) envs.onDidChangeActiveEnvironmentPath(() => onChange());
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const env = envs.getActiveEnvironmentPath(folder);
    if (!env?.path) return undefined;
    const resolved = envs.resolveEnvironment ? await envs.resolveEnvironment(env) : undefined;
    const exe = resolved?.executable?.uri?.fsPath ?? env.path;
    log.info(`Python extension interpreter: ${exe}`);
    return exe;
  } catch (e) {
    log.warn(`cannot ask the Python extension for its interpreter: ${(e as Error).message}`);
    return undefined;
  }
}
