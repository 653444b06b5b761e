import { defineRule } from '../types';

export default defineRule({
  id: 'syntax/parse-error',
  scope: 'file',
  title: 'Syntax error',
  severity: 'error',
  rationale:
    'JupyterHub executes the config file at start-up and stops on any exception, a syntax error included (`raise_config_file_errors` is on). Everything else in the file is still checked, but nothing in it takes effect until the error is fixed.',
  howToFix: 'Correct the Python syntax at the marked place.',
  docs: [{ title: 'Configuration basics', url: 'https://jupyterhub.readthedocs.io/en/stable/tutorial/getting-started/config-basics.html' }],
  example: { bad: 'c.JupyterHub.ip = "0.0.0.0', good: 'c.JupyterHub.ip = "0.0.0.0"' },
  check(ctx) {
    const first = ctx.model.syntaxErrors[0];
    if (first) ctx.report({ span: first.span, message: first.message });
  },
});
