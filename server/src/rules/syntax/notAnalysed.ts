import { defineRule } from '../types';

export default defineRule({
  id: 'syntax/not-analysed',
  scope: 'file',
  title: 'File not analysed',
  severity: 'information',
  rationale:
    'hubcfg skips files it cannot read as text (binary content, NUL bytes), files larger than the size limit, files whose parse had to be stopped (YAML nested too deeply for the parser, aliases that expand beyond a bound, any internal failure of the parser or of hubcfg), and configs or values files that are really templates (Jinja, Salt or Go template lines such as `{% if %}` that break the Python or YAML until they are rendered). Nothing in such a file is checked, so this note says so instead of staying silent.',
  howToFix: 'Check that the file is the config you meant; raise the size limit (`hubcfg.maxFileSize`, `--max-file-size`) if it really is that large; render a template and lint its output.',
  docs: [{ title: 'Configuration basics', url: 'https://jupyterhub.readthedocs.io/en/stable/tutorial/getting-started/config-basics.html' }],
  check(ctx) {
    if (ctx.model.skipped) ctx.report({ span: { start: 0, end: 0 }, message: `Not analysed: ${ctx.model.skipped}` });
  },
});
