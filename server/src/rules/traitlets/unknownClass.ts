import { defineRule } from '../types';
import { editDistance } from '../../util/text';
import { renameEdits } from './util';

/** Configurable classes of other Jupyter applications that people set in hub configs: never near-misses. */
const OTHER_JUPYTER_CLASSES = new Set([
  'ServerApp', 'NotebookApp', 'LabApp', 'KernelManager', 'MappingKernelManager', 'AsyncMappingKernelManager', 'MultiKernelManager',
  'ContentsManager', 'FileContentsManager', 'LargeFileManager', 'IdentityProvider', 'PasswordIdentityProvider', 'ZMQChannelsHandler',
  'Session', 'KernelSpecManager', 'GatewayClient', 'TerminalManager', 'LoggingConfigurable', 'Configurable', 'Application',
  'SingleUserNotebookApp', 'ServerProxy', 'ResourceUseDisplay', 'JupyterHubSingleUser', 'IPKernelApp', 'InteractiveShellApp',
]);

export default defineRule({
  id: 'traitlets/unknown-class',
  title: 'Misspelt class name',
  severity: 'warning',
  rationale:
    'Settings for a class name that nothing uses are silently ignored. Custom classes are normal in hub configs, so only a name that is one or two letters away from a known JupyterHub or plugin class (or differs only in case) is reported.',
  howToFix: 'Correct the class name (the quick fix offers the known class).',
  docs: [{ title: 'Configuration basics', url: 'https://jupyterhub.readthedocs.io/en/stable/tutorial/getting-started/config-basics.html' }],
  fix: 'unsafe',
  example: { bad: 'c.Jupyterhub.admin_access = False', good: 'c.JupyterHub.admin_access = False' },
  check(ctx) {
    const known = ctx.traits.classNames();
    const definedHere = new Set(ctx.model.definedClasses);
    const verdicts = new Map<string, string | null>();
    for (const op of ctx.model.ops) {
      if (ctx.traits.getClass(op.cls) || OTHER_JUPYTER_CLASSES.has(op.cls) || definedHere.has(op.cls)) continue;
      // a lowercase hub.config section is z2jh/lowercase-config-section's finding
      if (op.origin === 'hub.config' && !/^[A-Z]/.test(op.cls)) continue;
      let best = verdicts.get(op.cls);
      if (best === undefined) {
        best = null;
        const lower = op.cls.toLowerCase();
        let bestD = 99;
        for (const k of known) {
          if (k.toLowerCase() === lower) {
            best = k;
            bestD = 0;
            break;
          }
          const max = op.cls.length >= 8 ? 2 : 1;
          const d = editDistance(lower, k.toLowerCase(), max);
          if (d <= max && d < bestD) {
            best = k;
            bestD = d;
          }
        }
        verdicts.set(op.cls, best);
      }
      if (!best) continue;
      // a near-miss class only counts when the trait exists on the known class
      if (!ctx.traits.getTrait(best, op.trait)) continue;
      ctx.report({
        span: op.clsSpan,
        message: `Unknown class "${op.cls}": did you mean "${best}"? Settings for ${op.cls} are ignored`,
        fixes: [{ title: `Change to ${best}`, applicability: 'unsafe', edits: renameEdits(op, best, op.trait, ctx, true) }],
      });
    }
  },
});
