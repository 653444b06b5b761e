import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments, isMap, isScalar, isSeq, type Document } from 'yaml';
import type { Node as TsNode } from 'web-tree-sitter';
import { RULES } from '../server/src/rules';
import { analyze, type EngineOptions } from '../server/src/engine';
import { applyEdits, fixAll } from '../server/src/fixes';
import type { Edit, Finding } from '../server/src/rules/types';
import { lexPython, parsePython, pythonParser } from '../server/src/parse/python';
import { listFixtures, ROOT } from './helpers/fixtures';

/**
 * Properties every fix must have, over all fixtures and examples: after applying each fix alone (and
 * all safe fixes together) the text parses as before (Python: no new tree-sitter errors; YAML: under
 * both 1.1 and 1.2), YAML values outside the edited entries read as before under both versions and the
 * edited ones read the same under both, the finding is gone, no duplicate key and (for safe fixes) no
 * new error-level finding appears, and the bytes outside the edits are unchanged.
 */

interface Input { file: string; text: string; configPath: string; opts: EngineOptions }

const HARD_CASES: Record<string, string> = {
  'values.yaml': [
    'hub:',
    '  concurrentSpawnLimit: "010"',
    '  activeServerLimit: "20"',
    '  consecutiveFailureLimit: "1_000"',
    '  config:',
    '    JupyterHub:',
    '      admin_access: false',
    '      allow_named_servers: "true"',
    '    jupyterhub:',
    '      admin_access: true',
    '    Spawner:',
    '      cpu_limit: "010"',
    '      start_timeout: "0o10"',
    '  loadRoles:',
    '    r:',
    '      scopes: read:users',
    '      users: [a]',
    'singleuser:',
    '  cloudMetadata:',
    '    enabled: true',
    '    blockWithIptables: true',
    '',
  ].join('\n'),
  'jupyterhub_config.py': [
    'c = get_config()  # noqa',
    "c.Spawner.cpu_limit = '010'",
    "c.Spawner.start_timeout = '010'",
    "c.JupyterHub.allow_named_servers = 'true'",
    "c.JupyterHub.load_roles = [{'name': 'r', 'scopes': 'read:users', 'users': ['a']}]",
    '',
  ].join('\n'),
};

function inputs(): Input[] {
  const out: Input[] = [];
  for (const fx of listFixtures(RULES.map((r) => r.id))) {
    const o: EngineOptions = {};
    if (fx.options['jupyterhub-version']) o.jupyterhubVersion = fx.options['jupyterhub-version'];
    if (fx.options.trust) o.trust = fx.options.trust as EngineOptions['trust'];
    if (fx.options.kind) o.kind = fx.options.kind as EngineOptions['kind'];
    if (fx.options['chart-version']) o.chartVersion = fx.options['chart-version'];
    const configPath = fx.options.path ?? (fx.file.endsWith('.py') ? '/srv/jupyterhub/jupyterhub_config.py' : path.join('/srv/z2jh', path.basename(fx.file)));
    out.push({ file: path.relative(ROOT, fx.file), text: fx.text, configPath, opts: o });
  }
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(py|ya?ml)$/.test(e.name)) out.push({ file: path.relative(ROOT, p), text: fs.readFileSync(p, 'utf8'), configPath: p, opts: {} });
    }
  };
  walk(path.join(ROOT, 'examples'));
  // values whose "obvious" fix reads differently under YAML 1.1, or whose fix target already exists
  for (const [name, text] of Object.entries(HARD_CASES)) out.push({ file: `(inline) ${name}`, text, configPath: `/srv/z2jh/${name}`, opts: {} });
  return out;
}

async function pyErrors(text: string): Promise<number> {
  const tree = parsePython(await pythonParser(), lexPython(text).parseText)!;
  let n = 0;
  const walk = (node: TsNode) => {
    if (node.isError || node.isMissing) n++;
    // tree-sitter takes `010`; Python 3 refuses a decimal literal with a leading zero
    if (node.type === 'integer' && /^0+[1-9]/.test(node.text)) n++;
    for (const c of node.children) if (c) walk(c);
  };
  walk(tree.rootNode);
  tree.delete();
  return n;
}

type Ver = '1.1' | '1.2';
const read = (text: string, version: Ver): Document[] => parseAllDocuments(text, { version, uniqueKeys: true, merge: true }) as Document[];
const errorCodes = (docs: Document[]) => docs.flatMap((d) => d.errors.map((e) => e.code)).sort();

/**
 * A document as plain data (a repeated key gets a `#2` suffix, so that nothing is lost) and the key
 * paths of the entries and items whose key or scalar value the given offset ranges touch.
 */
function plain(doc: Document, spans: { start: number; end: number }[]): { js: unknown; touched: string[][] } {
  const touched: string[][] = [];
  const hit = (r: [number, number, number] | null | undefined) => !!r && spans.some((s) => (s.start === s.end ? r[0] < s.start && s.start < r[1] : s.start < r[1] && r[0] < s.end));
  // an edit over a whole entry or item (a removal) changes its parent
  const covers = (a?: number, b?: number) => a !== undefined && b !== undefined && spans.some((s) => s.start <= a && b <= s.end && s.end > s.start);
  const range = (n: unknown) => (n as { range?: [number, number, number] } | null)?.range;
  const walk = (n: unknown, at: string[], depth: number): unknown => {
    if (depth > 200) return '<deep>';
    if (isMap(n)) {
      const o: Record<string, unknown> = {};
      for (const p of n.items) {
        const base = isScalar(p.key) ? (typeof p.key.value === 'symbol' ? '<<' : String(p.key.value)) : JSON.stringify(walk(p.key, [], depth + 1));
        let k = base;
        for (let i = 2; k in o; i++) k = `${base}#${i}`;
        const path = [...at, k];
        if (hit(range(p.key)) || (isScalar(p.value) && hit(range(p.value)))) touched.push(path);
        if (covers(range(p.key)?.[0], range(p.value)?.[1] ?? range(p.key)?.[1])) touched.push(at);
        o[k] = walk(p.value, path, depth + 1);
      }
      return o;
    }
    if (isSeq(n)) return n.items.map((it, i) => {
      if (isScalar(it) && hit(it.range)) touched.push([...at, String(i)]);
      if (covers(range(it)?.[0], range(it)?.[1])) touched.push(at);
      return walk(it, [...at, String(i)], depth + 1);
    });
    if (isScalar(n)) return n.value instanceof Date ? n.value.toISOString() : typeof n.value === 'bigint' ? `${n.value}n` : n.value;
    if (n && typeof n === 'object' && 'source' in n) return `*${(n as { source: string }).source}`;
    return n ?? null;
  };
  return { js: walk(doc.contents, [], 0), touched };
}

function without(js: unknown, paths: string[][]): unknown {
  const copy = structuredClone(js);
  for (const p of paths) {
    let cur = copy as Record<string, unknown> | undefined;
    for (const k of p.slice(0, -1)) cur = cur && typeof cur === 'object' ? (cur[k] as Record<string, unknown>) : undefined;
    if (cur && typeof cur === 'object') {
      if (Array.isArray(cur)) cur[Number(p[p.length - 1])] = '<edited>';
      else delete cur[p[p.length - 1]];
    }
  }
  return copy;
}

function at(js: unknown, p: string[]): unknown {
  let cur = js as Record<string, unknown> | undefined;
  for (const k of p) cur = cur && typeof cur === 'object' ? (cur[k] as Record<string, unknown>) : undefined;
  return cur;
}


function afterSpans(edits: Edit[]): { start: number; end: number }[] {
  const sorted = [...edits].sort((a, b) => a.span.start - b.span.start);
  let shift = 0;
  return sorted.map((e) => {
    const s = { start: e.span.start + shift, end: e.span.start + shift + e.newText.length };
    shift += e.newText.length - (e.span.end - e.span.start);
    return s;
  });
}

function mapOffset(edits: Edit[], p: number): number {
  let shift = 0;
  for (const e of edits) if (e.span.end <= p) shift += e.newText.length - (e.span.end - e.span.start);
  return p + shift;
}

/** The properties of one edited text; returns what is wrong, or an empty list. */
async function check(inp: Input, before: { findings: Finding[] }, edits: Edit[], fixed: string, label: string, opts: { errors: boolean; gone: Finding[] }): Promise<string[]> {
  const bad: string[] = [];
  const text = inp.text;
  // bytes outside the edits are unchanged
  const sorted = [...edits].sort((a, b) => a.span.start - b.span.start);
  let rebuilt = '';
  let pos = 0;
  for (const e of sorted) {
    if (e.span.start < pos) bad.push(`${label}: overlapping edits`);
    rebuilt += text.slice(pos, e.span.start) + e.newText;
    pos = e.span.end;
  }
  rebuilt += text.slice(pos);
  if (rebuilt !== fixed) bad.push(`${label}: bytes outside the edits changed`);
  const res = await analyze(fixed, inp.configPath, inp.opts);
  if (res.kind === 'z2jh_values') {
    for (const v of ['1.1', '1.2'] as Ver[]) {
      const b = read(text, v);
      const a = read(fixed, v);
      const be = errorCodes(b);
      const ae = errorCodes(a);
      if (ae.length > be.length || ae.filter((c) => c === 'DUPLICATE_KEY').length > be.filter((c) => c === 'DUPLICATE_KEY').length) bad.push(`${label}: YAML ${v} errors ${JSON.stringify(be)} -> ${JSON.stringify(ae)}`);
      if (a.length !== b.length) { bad.push(`${label}: YAML ${v} document count changed`); continue; }
      for (let i = 0; i < a.length; i++) {
        const b12 = plain(read(text, '1.2')[i], edits.map((e) => e.span));
        const a12 = plain(read(fixed, '1.2')[i], afterSpans(edits));
        const ob = without(plain(b[i], []).js, [...b12.touched, ...a12.touched]);
        const oa = without(plain(a[i], []).js, [...a12.touched, ...b12.touched]);
        try { assert.deepStrictEqual(oa, ob); } catch { bad.push(`${label}: YAML ${v} values outside ${JSON.stringify(a12.touched)} changed`); }
        if (v === '1.1') {
          const a11 = plain(a[i], []).js;
          for (const p of a12.touched) {
            try { assert.deepStrictEqual(at(a11, p), at(a12.js, p)); } catch { bad.push(`${label}: ${p.join('.')} reads differently under YAML 1.1 and 1.2 after the fix`); }
          }
        }
      }
    }
  } else if (await pyErrors(fixed) > await pyErrors(text)) bad.push(`${label}: new Python syntax errors`);
  // the finding is gone (same rule at the same place)
  for (const f of opts.gone) {
    const where = mapOffset(edits, f.span.start);
    if (res.findings.some((g) => g.rule === f.rule && g.span.start === where && g.message === f.message)) bad.push(`${label}: ${f.rule} still reported`);
  }
  // no new error-level finding
  if (opts.errors) {
    const count = (fs: Finding[]) => { const m = new Map<string, number>(); for (const f of fs) if (f.severity === 'error') m.set(f.rule, (m.get(f.rule) ?? 0) + 1); return m; };
    const b = count(before.findings);
    for (const [rule, n] of count(res.findings)) if (n > (b.get(rule) ?? 0)) bad.push(`${label}: new error ${rule}`);
  }
  return bad;
}

test('every fix of every fixture and example keeps the file valid, its meaning elsewhere, and removes its finding', async () => {
  const problems: string[] = [];
  let fixes = 0;
  let safe = 0;
  for (const inp of inputs()) {
    const before = await analyze(inp.text, inp.configPath, inp.opts);
    for (const f of before.findings) {
      for (const x of f.fixes) {
        fixes++;
        if (x.applicability === 'safe') safe++;
        const fixed = applyEdits(inp.text, x.edits);
        const label = `${inp.file}: ${f.rule} fix "${x.title}" (${x.applicability})`;
        problems.push(...await check(inp, before, x.edits, fixed, label, { errors: x.applicability === 'safe', gone: [f] }));
      }
    }
    // all safe fixes together, as --fix and "fix all" apply them
    if (before.findings.some((f) => f.fixes.some((x) => x.applicability === 'safe'))) {
      const all = await fixAll(inp.text, inp.configPath, inp.opts);
      const res = await analyze(all.text, inp.configPath, inp.opts);
      const label = `${inp.file}: all safe fixes`;
      if (res.findings.some((f) => f.fixes.some((x) => x.applicability === 'safe'))) problems.push(`${label}: safe fixes left after fix all`);
      if (res.kind === 'z2jh_values') {
        for (const v of ['1.1', '1.2'] as Ver[]) {
          const be = errorCodes(read(inp.text, v));
          const ae = errorCodes(read(all.text, v));
          if (ae.length > be.length) problems.push(`${label}: YAML ${v} errors ${JSON.stringify(be)} -> ${JSON.stringify(ae)}`);
        }
      } else if (await pyErrors(all.text) > await pyErrors(inp.text)) problems.push(`${label}: new Python syntax errors`);
      const count = (fs: Finding[]) => fs.filter((f) => f.severity === 'error').length;
      const newErrors = res.findings.filter((g) => g.severity === 'error' && !before.findings.some((f) => f.rule === g.rule && f.message === g.message));
      if (count(res.findings) > count(before.findings) || newErrors.length) problems.push(`${label}: new errors ${newErrors.map((g) => `${g.rule}: ${g.message}`).join('; ')}`);
    }
  }
  assert.ok(fixes > 50 && safe > 10, `too few fixes checked (${fixes}, ${safe} safe): the test would prove nothing`);
  assert.deepEqual(problems, []);
});

test('the reproducer of unsafe "safe" fixes: no safe fix changes a value under YAML 1.1 or creates a duplicate key', async () => {
  const text = [
    'hub:',
    '  concurrentSpawnLimit: "010"',
    '  activeServerLimit: "20"',
    '  config:',
    '    JupyterHub:',
    '      admin_access: false',
    '    jupyterhub:',
    '      admin_access: true',
    'singleuser:',
    '  cloudMetadata:',
    '    enabled: true',
    '    blockWithIptables: true',
    '',
  ].join('\n');
  const res = await analyze(text, '/srv/z2jh/values.yaml', {});
  const safe = (rule: string) => res.findings.filter((f) => f.rule === rule).flatMap((f) => f.fixes.filter((x) => x.applicability === 'safe').map((x) => x.title));
  assert.deepEqual(safe('z2jh/lowercase-config-section'), []);
  assert.deepEqual(safe('z2jh/removed-key'), []);
  // the target key exists: a rename would make a duplicate key, so no rename is offered at all
  const all = (rule: string) => res.findings.filter((f) => f.rule === rule).flatMap((f) => f.fixes.map((x) => x.title));
  assert.deepEqual(all('z2jh/lowercase-config-section'), []);
  assert.deepEqual(all('z2jh/removed-key'), []);
  // "20" may be unquoted; "010" only as a guess at 10 (unquoted it is 8 for Helm and the chart)
  const wt = res.findings.filter((f) => f.rule === 'z2jh/wrong-type').map((f) => f.fixes.map((x) => `${x.title} (${x.applicability})`).join());
  assert.deepEqual(wt, ['Write 10 (unsafe)', 'Write 20 (safe)']);
  const fixed = await fixAll(text, '/srv/z2jh/values.yaml', {});
  assert.equal(fixed.text, text.replace('"20"', '20'));
});

test('two safe renames to the same key are not applied together', async () => {
  // each lowercase section alone may be renamed; both together would make a duplicate JupyterHub key
  const text = 'hub:\n  config:\n    jupyterhub:\n      admin_access: false\n    jupyterHub:\n      concurrent_spawn_limit: 5\n';
  const res = await analyze(text, '/srv/z2jh/values.yaml', {});
  assert.deepEqual(res.findings.filter((f) => f.rule === 'z2jh/lowercase-config-section').map((f) => f.fixes[0]?.applicability), ['safe', 'safe']);
  const fixed = await fixAll(text, '/srv/z2jh/values.yaml', {});
  const docs = read(fixed.text, '1.2');
  assert.deepEqual(errorCodes(docs), [], fixed.text);
  assert.equal(fixed.text, 'hub:\n  config:\n    JupyterHub:\n      admin_access: false\n    jupyterHub:\n      concurrent_spawn_limit: 5\n');
});
