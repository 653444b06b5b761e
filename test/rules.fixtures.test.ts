import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'path';
import { RULES } from '../server/src/rules';
import { analyze, type EngineOptions, type Diagnostic } from '../server/src/engine';
import { listFixtures, type Fixture } from './helpers/fixtures';
import { applyEdits } from '../server/src/fixes';
import { LineIndex } from '../server/src/util/text';

const fixtures = listFixtures(RULES.map((r) => r.id));

function optionsOf(fx: Fixture): EngineOptions {
  const o: EngineOptions = {};
  if (fx.options['jupyterhub-version']) o.jupyterhubVersion = fx.options['jupyterhub-version'];
  if (fx.options.trust) o.trust = fx.options.trust as EngineOptions['trust'];
  if (fx.options.kind) o.kind = fx.options.kind as EngineOptions['kind'];
  if (fx.options['chart-version']) o.chartVersion = fx.options['chart-version'];
  // plugin-versions=oauthenticator:17.3,kubespawner:6.2
  if (fx.options['plugin-versions']) o.pluginVersions = Object.fromEntries(fx.options['plugin-versions'].split(',').map((kv) => kv.split(':') as [string, string]));
  // fixtures live under test/: name them as the config files they stand for
  return o;
}

/** Fixtures are judged as the deployment file they stand for (option `path=` names another). */
function configPath(fx: Fixture): string {
  if (fx.options.path) return fx.options.path;
  return fx.file.endsWith('.py') ? '/srv/jupyterhub/jupyterhub_config.py' : path.join('/srv/z2jh', path.basename(fx.file));
}

const fmt = (d: { rule: string; range: Diagnostic['range'] }) => `${d.rule} ${d.range.start.line + 1}:${d.range.start.character}-${d.range.end.line + 1}:${d.range.end.character}`;

test('every rule has a fixture that fires and a part where it must not fire', () => {
  for (const r of RULES) {
    const mine = fixtures.filter((f) => f.rule === r.id);
    assert.ok(mine.length, `rule ${r.id} has no fixture in test/fixtures/rules/`);
    assert.ok(mine.some((f) => f.expectations.some((e) => e.rule === r.id)), `rule ${r.id}: no fixture expects it to fire`);
    assert.ok(mine.some((f) => f.mustNotFireFrom >= 0 && f.text.split('\n').slice(f.mustNotFireFrom + 1).some((l) => l.trim() && !l.trim().startsWith('#'))), `rule ${r.id}: no "must not fire" part with code`);
  }
});

for (const fx of fixtures) {
  test(`fixture ${path.basename(fx.file)}`, async () => {
    const res = await analyze(fx.text, configPath(fx), optionsOf(fx));
    // the fixture's own rule: exactly the expected findings (rule id and exact range)
    const expectedRules = new Set(fx.expectations.map((e) => e.rule).concat(fx.rule));
    const got = res.diagnostics.filter((d) => expectedRules.has(d.rule)).map(fmt).sort();
    const want = fx.expectations.map((e) => fmt(e)).sort();
    assert.deepEqual(got, want, `findings differ in ${path.basename(fx.file)}\n${res.diagnostics.map((d) => `  ${fmt(d)}: ${d.message}`).join('\n')}`);

    // every fix: the file still parses, the finding is gone, nothing outside the edit changes
    const idx = new LineIndex(fx.text);
    for (const f of res.findings) {
      if (!expectedRules.has(f.rule)) continue;
      const exp = fx.expectations.find((e) => fmt(e) === fmt({ rule: f.rule, range: idx.range(f.span) }));
      for (const [i, fix] of f.fixes.entries()) {
        const fixedText = applyEdits(fx.text, fix.edits);
        const first = Math.min(...fix.edits.map((e) => e.span.start));
        const last = Math.max(...fix.edits.map((e) => e.span.end));
        assert.equal(fixedText.slice(0, first), fx.text.slice(0, first));
        assert.equal(fixedText.slice(fixedText.length - (fx.text.length - last)), fx.text.slice(last));
        const after = await analyze(fixedText, configPath(fx), optionsOf(fx));
        const before = res.diagnostics.filter((d) => d.rule === 'syntax/parse-error').length;
        assert.equal(after.diagnostics.filter((d) => d.rule === 'syntax/parse-error').length, before, `fix "${fix.title}" broke the syntax`);
        const count = (xs: { rule: string; message: string }[]) => xs.filter((g) => g.rule === f.rule && g.message === f.message).length;
        assert.ok(count(after.findings) < count(res.findings), `fix "${fix.title}" for ${f.rule} did not remove the finding`);
        if (i === 0 && exp?.fixed !== undefined) {
          // edits above the finding (e.g. an inserted `import os`) move its line
          const nl = (t: string) => (t.match(/\n/g) ?? []).length;
          const shift = fix.edits.filter((e) => e.span.end <= f.span.start).reduce((n, e) => n + nl(e.newText) - nl(fx.text.slice(e.span.start, e.span.end)), 0);
          const line = idx.positionAt(f.span.start).line + shift;
          const fixedLine = fixedText.split(/\r?\n/)[line];
          assert.equal(fixedLine, exp.fixed, `first fix of ${fmt(exp)}`);
        }
      }
    }
  });
}
