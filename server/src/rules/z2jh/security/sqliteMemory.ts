import { defineRule } from '../../types';
import { DOCS, isTestFile, parentOf, scalarFix, strOf, valuesDocs } from './common';

export default defineRule({
  id: 'z2jh/sqlite-memory',
  title: 'Hub database kept in memory',
  severity: 'warning',
  appliesTo: ['z2jh_values'],
  fix: 'unsafe',
  rationale:
    '`hub.db.type: sqlite-memory` keeps the hub\'s database in the hub process. Every restart of the hub pod (an upgrade, a node drain, a crash) forgets all users, groups, roles granted at runtime, API tokens and the record of running servers, which are then left running without the hub knowing about them. It is meant for tests. Test files named so (`values-test.yaml`, `ci/...`) are not reported.',
  howToFix: 'Use `sqlite-pvc` (the default: an SQLite file on a persistent volume) or an external `postgres`/`mysql` database with `hub.db.url`.',
  docs: [DOCS.ref('hub.db.type')],
  example: { bad: 'hub:\n  db:\n    type: sqlite-memory', good: 'hub:\n  db:\n    type: sqlite-pvc' },
  check(ctx) {
    if (isTestFile(ctx)) return;
    for (const d of valuesDocs(ctx)) {
      for (const s of d.all('hub.db.type')) {
        if (strOf(s.value) !== 'sqlite-memory') continue;
        const fix = scalarFix(ctx, s, 'sqlite-pvc', 'unsafe', 'Keep the database on a persistent volume (sqlite-pvc; needs a storage class)', parentOf(d, s));
        ctx.report({ span: s.value.span, message: 'hub.db.type sqlite-memory: every restart of the hub forgets users, tokens and running servers. Use sqlite-pvc or an external database outside tests', fixes: fix ? [fix] : [] });
      }
    }
  },
});
