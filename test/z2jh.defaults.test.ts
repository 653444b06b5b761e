import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { analyze } from '../server/src/engine';
import { chartIndex, chartCatalog, type SchemaNode } from '../server/src/catalog/z2jh';

/**
 * The chart's own defaults, rebuilt from the catalogue (`def` of every key), are values Helm
 * accepts: linting them as a values file of that chart version must give no schema error and no
 * rule may throw. Every key shape of every chart release (1.0.0 on, and main) goes through every rule.
 */
function defaults(n: SchemaNode): unknown {
  const kids = Object.entries(n.p ?? {});
  if (kids.length) {
    const out: Record<string, unknown> = {};
    const own = n.def && typeof n.def === 'object' && !Array.isArray(n.def) ? (n.def as Record<string, unknown>) : {};
    for (const [k, v] of Object.entries(own)) out[k] = v;
    for (const [k, child] of kids) {
      const v = defaults(child);
      if (v !== undefined) out[k] = v;
    }
    return Object.keys(out).length ? out : n.def;
  }
  return n.def;
}

const SCHEMA_RULES = new Set(['z2jh/unknown-key', 'z2jh/wrong-type', 'z2jh/bad-enum', 'z2jh/removed-key', 'z2jh/lowercase-config-section', 'syntax/parse-error']);

for (const v of chartIndex().versions.filter((x) => x.file)) {
  test(`chart ${v.chart}: its own defaults lint without schema errors or rule crashes`, async () => {
    const cat = chartCatalog(v.file!);
    const values = defaults(cat.root) as Record<string, unknown>;
    assert.ok(values && typeof values === 'object' && 'hub' in values && 'singleuser' in values, 'the catalogue has defaults for hub and singleuser');
    const text = stringify(values, { lineWidth: 0 });
    const res = await analyze(text, '/deploy/values.yaml', { chartVersion: v.chart });
    assert.equal(res.chartVersion, v.chart);
    const bad = res.diagnostics.filter((d) => /^Internal error/.test(d.message) || (SCHEMA_RULES.has(d.rule) && d.severity === 'error'));
    assert.deepEqual(bad.map((d) => `${d.rule} ${d.range.start.line + 1}: ${d.message}`), []);
    // the chart's defaults judged as a deployment: the Dummy authenticator is the one security note every version must give
    assert.ok(res.diagnostics.some((d) => d.rule === 'z2jh/default-dummy-authenticator' || d.rule === 'security/dummy-authenticator'), res.diagnostics.map((d) => d.rule).join(', '));
  });
}
