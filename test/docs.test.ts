import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { RULES } from '../server/src/rules';
import { writeDocs } from '../server/src/docs/generate';
import { ROOT } from './helpers/fixtures';

test('generated rule docs and the README rule table are up to date (npm run docs)', () => {
  const stale = writeDocs(ROOT, true);
  assert.deepEqual(stale, [], `stale generated docs: ${stale.join(', ')}: run npm run docs`);
});

test('every rule has well-formed metadata', () => {
  const ids = new Set<string>();
  for (const r of RULES) {
    assert.match(r.id, /^[a-z0-9]+\/[a-z0-9]+(-[a-z0-9]+)*$/, r.id);
    assert.ok(!ids.has(r.id), `duplicate id ${r.id}`);
    ids.add(r.id);
    assert.ok(r.title.length > 3 && r.title.length < 80, `${r.id}: title`);
    assert.ok(['error', 'warning', 'information', 'hint'].includes(r.severity));
    assert.ok(r.rationale.length > 60 && /[.)]$/.test(r.rationale.trim()), `${r.id}: rationale must be a sentence or more`);
    assert.ok(r.howToFix.length > 10 && /[.)]$/.test(r.howToFix.trim()), `${r.id}: howToFix must end with a period`);
    assert.ok(r.docs.length > 0 && r.docs.every((d) => /^https:\/\//.test(d.url)), `${r.id}: upstream doc link`);
  }
});
