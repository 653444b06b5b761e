import { defineRule } from '../../types';
import { DOCS, boolOf, isTestFile, parentOf, scalarFix, valuesDocs } from './common';

export default defineRule({
  id: 'z2jh/debug-enabled',
  title: 'Debug logging for the whole deployment',
  severity: 'information',
  appliesTo: ['z2jh_values'],
  fix: 'unsafe',
  rationale:
    '`debug.enabled: true` raises the log level of the hub (and `Spawner.debug` of user servers), of the proxy and of the other components. Debug logs record request details, spawner and authenticator internals and pod specifications; they grow quickly and are read by more people and systems than the hub\'s secrets should be. Turn it on to diagnose a problem, not as a standing setting. Test files named so are not reported.',
  howToFix: 'Set `debug.enabled: false` (the default) once the problem is found; raise only the log level you need (`hub.config.JupyterHub.log_level`) if more detail is wanted for longer.',
  docs: [DOCS.ref('debug.enabled'), { title: 'z2jh: debugging', url: 'https://z2jh.jupyter.org/en/stable/administrator/debug.html' }],
  example: { bad: 'debug:\n  enabled: true', good: 'debug:\n  enabled: false' },
  check(ctx) {
    if (isTestFile(ctx)) return;
    for (const d of valuesDocs(ctx)) {
      for (const s of d.all('debug.enabled')) {
        if (boolOf(s.value) !== true) continue;
        const fix = scalarFix(ctx, s, 'false', 'unsafe', 'Turn debug logging off', parentOf(d, s));
        ctx.report({ span: s.value.span, message: 'debug.enabled: true logs request and spawn details of every component: fine for diagnosing a problem, not as a standing setting', fixes: fix ? [fix] : [] });
      }
    }
  },
});
