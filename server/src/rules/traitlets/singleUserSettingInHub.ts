import { defineRule } from '../types';

/** Configurable classes of the single-user server (Jupyter Server, Notebook, JupyterLab, kernels). */
export const SINGLE_USER_CLASSES = new Set([
  'ServerApp', 'NotebookApp', 'LabApp', 'LabServerApp', 'ExtensionApp', 'SingleUserNotebookApp', 'JupyterHubSingleUser',
  'ContentsManager', 'FileContentsManager', 'AsyncFileContentsManager', 'LargeFileManager', 'AsyncLargeFileManager',
  'MappingKernelManager', 'AsyncMappingKernelManager', 'MultiKernelManager', 'KernelManager', 'AsyncKernelManager',
  'KernelSpecManager', 'SessionManager', 'TerminalManager', 'ZMQChannelsHandler', 'NotebookNotary', 'GatewayClient',
  'IdentityProvider', 'PasswordIdentityProvider', 'ServerProxy', 'ResourceUseDisplay', 'IPKernelApp', 'InteractiveShellApp',
]);

export default defineRule({
  id: 'traitlets/single-user-setting-in-hub',
  title: 'Single-user server setting in the hub\'s config',
  severity: 'warning',
  rationale:
    'Classes such as `ServerApp`, `NotebookApp`, `LabApp`, `FileContentsManager` or `MappingKernelManager` belong to the single-user server, a separate process (often in another container) that never reads the hub\'s `jupyterhub_config.py` or `hub.config`. The hub ignores these lines without a word, so settings like a kernel culling timeout or a root directory silently do not apply.',
  howToFix:
    'Configure the single-user server where it reads its config: pass options on its command line with `c.Spawner.args = ["--ServerApp.root_dir=/srv/data"]`, set environment variables with `c.Spawner.environment`, or ship a `jupyter_server_config.py` (or `.json`) in the user image (in z2jh: `singleuser.extraFiles`). Some options have a Spawner equivalent, e.g. `c.Spawner.notebook_dir`, `c.Spawner.default_url`.',
  docs: [
    { title: 'JupyterHub: configuring the user\'s environment', url: 'https://jupyterhub.readthedocs.io/en/stable/howto/configuration/config-user-env.html' },
    { title: 'JupyterHub: Spawner.args', url: 'https://jupyterhub.readthedocs.io/en/stable/reference/api/spawner.html#jupyterhub.spawner.Spawner.args' },
  ],
  example: { bad: 'c.MappingKernelManager.cull_idle_timeout = 3600', good: 'c.Spawner.args = ["--MappingKernelManager.cull_idle_timeout=3600"]' },
  check(ctx) {
    const definedHere = new Set(ctx.model.definedClasses);
    for (const op of ctx.model.ops) {
      if (!SINGLE_USER_CLASSES.has(op.cls) || definedHere.has(op.cls) || ctx.traits.getClass(op.cls)) continue;
      const z2jh = ctx.model.kind !== 'jupyterhub_config';
      const where = z2jh ? 'a jupyter_server_config file in the user image or singleuser.extraFiles' : 'a jupyter_server_config file in the user environment';
      ctx.report({
        span: op.clsSpan,
        message: `${op.cls}.${op.trait} configures the single-user server, which does not read the hub's config: the hub ignores it. Pass it as c.Spawner.args (--${op.cls}.${op.trait}=...) or put it in ${where}`,
      });
    }
  },
});
