import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { analyze } from '../server/src/engine';
import { ROOT } from './helpers/fixtures';

const BIN = path.join(ROOT, 'bin', 'hubcfg.js');

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'hubcfg-robust-'));
}

/** The CLI, killed after `timeoutMs` (a hang guard: these inputs must take well under a second). */
function run(args: string[], timeoutMs = 20_000) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, timedOut: r.error !== undefined || r.signal !== null };
}

/** A block mapping `hub: k1: k2: ...` nested `depth` levels deep (1-space indent), then `rest`. */
export function deepMap(depth: number, indent = 1): string {
  return 'hub:\n' + Array.from({ length: depth - 1 }, (_, i) => ' '.repeat(indent * (i + 1)) + `k${i + 1}:`).join('\n') + ' 1\n';
}

/** The 9-level "billion laughs" under hub.config, in a values file with 2,000 ordinary keys. */
function aliasBombValues(): string {
  let bomb = '    a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  for (let i = 1; i < 9; i++) bomb += `    a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(',')}]\n`;
  let filler = 'singleuser:\n  extraLabels:\n';
  for (let i = 0; i < 2000; i++) filler += `    l${i}: v${i}\n`;
  return `${filler}hub:\n  config:\n${bomb}    Spawner:\n      args: *a8\n`;
}

const INSECURE_PY = 'c.JupyterHub.authenticator_class = "dummy"\n';

test('an alias bomb under hub.config among 2,000 keys is "not analysed" at once (hang guard), other files reported', () => {
  const d = tmpdir();
  fs.writeFileSync(path.join(d, 'values.yaml'), aliasBombValues());
  fs.writeFileSync(path.join(d, 'jupyterhub_config.py'), INSECURE_PY);
  const started = Date.now();
  const r = run(['check', '--format', 'json', path.join(d, 'values.yaml'), path.join(d, 'jupyterhub_config.py')], 15_000);
  assert.ok(!r.timedOut, `the CLI hung (killed after ${Date.now() - started} ms)`);
  assert.equal(r.code, 1, r.stderr);
  const files = JSON.parse(r.stdout).files;
  const values = files.find((f: any) => f.path.endsWith('values.yaml'));
  assert.deepEqual(values.diagnostics.map((x: any) => x.rule), ['syntax/not-analysed']);
  assert.match(values.diagnostics[0].message, /more than 200000 nodes/);
  const py = files.find((f: any) => f.path.endsWith('jupyterhub_config.py'));
  assert.ok(py.diagnostics.some((x: any) => x.rule === 'security/dummy-authenticator'));
});

test('aliases and merge keys still resolve to their anchors (last anchor before the alias wins)', async () => {
  const text = [
    'defaults: &hubcfg',
    '  admin_access: true',
    'hub:',
    '  config:',
    '    JupyterHub: *hubcfg',
    '    Spawner:',
    '      <<: &lim {start_timeout: "60"}',
    '    KubeSpawner: &lim {http_timeout: 30}',
    '    LocalProcessSpawner: *lim',
    '',
  ].join('\n');
  const r = await analyze(text, 'values.yaml');
  const at = (rule: string) => r.findings.filter((f) => f.rule === rule).map((f) => text.slice(f.span.start, f.span.end));
  // JupyterHub is set only through the alias: the value is reported where it is written, at the anchor
  assert.deepEqual(at('security/admin-access'), ['true']);
  const ops = (cls: string) => r.model!.ops.filter((o) => o.cls === cls).map((o) => `${o.trait}=${text.slice(o.value.span.start, o.value.span.end)}`);
  assert.deepEqual(ops('JupyterHub'), ['admin_access=true']);
  // the merge key brings its mapping in
  assert.deepEqual(ops('Spawner'), ['start_timeout="60"']);
  // `lim` is anchored twice: the alias takes the last anchor before it
  assert.deepEqual(ops('LocalProcessSpawner'), ['http_timeout=30']);
});

test('a document nested 1,800 deep: per-file "not-analysed", every other file still reported (JSON and text)', () => {
  const d = tmpdir();
  fs.writeFileSync(path.join(d, 'values.yaml'), deepMap(1800) + '---\nhub: {}\n');
  // a partial dedent after the deep map
  fs.writeFileSync(path.join(d, 'dedent_values.yaml'), deepMap(1800) + '  db:\n    type: sqlite-memory\n');
  fs.writeFileSync(path.join(d, 'jupyterhub_config.py'), INSECURE_PY);
  const files = ['values.yaml', 'dedent_values.yaml', 'jupyterhub_config.py'].map((f) => path.join(d, f));
  const r = run(['check', '--format', 'json', ...files]);
  assert.ok(!r.timedOut, 'the CLI hung');
  assert.equal(r.code, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /internal error/);
  const out = JSON.parse(r.stdout).files;
  for (const name of ['values.yaml', 'dedent_values.yaml']) {
    const f = out.find((x: any) => path.basename(x.path) === name);
    assert.deepEqual(f.diagnostics.map((x: any) => [x.rule, x.severity]), [['syntax/not-analysed', 'information']], name);
    assert.match(f.diagnostics[0].message, /too deeply nested to analyse/);
  }
  assert.ok(out.find((x: any) => x.path.endsWith('.py')).diagnostics.some((x: any) => x.rule === 'security/dummy-authenticator'));
  const text = run(['check', ...files]);
  assert.match(text.stdout, /values\.yaml:1:1: information \[syntax\/not-analysed\] Not analysed: the YAML is too deeply nested to analyse/);
  assert.match(text.stdout, /jupyterhub_config\.py:1:\d+: error \[security\/dummy-authenticator\]/);
});

test('valid YAML 1,735 deep is "not analysed", never a syntax error; analyze() does not throw on deeper input', async () => {
  const valid = await analyze(deepMap(1735, 2), 'values.yaml');
  assert.deepEqual(valid.findings.map((f) => [f.rule, f.severity]), [['syntax/not-analysed', 'information']]);
  assert.match(valid.findings[0].message, /too deeply nested/);
  for (const text of [deepMap(1800) + '---\nhub: {}\n', deepMap(2500), 'hub:\n  config: ' + '['.repeat(20_000) + ']'.repeat(20_000) + '\n']) {
    const r = await analyze(text, 'values.yaml');
    assert.deepEqual(r.findings.map((f) => f.rule), ['syntax/not-analysed']);
    assert.match(r.findings[0].message, /too deeply nested/);
  }
});

test('deeply nested Python is analysed without a stack overflow', async () => {
  const n = 20_000;
  for (const expr of ['['.repeat(n) + ']'.repeat(n), '{1:'.repeat(n) + '1' + '}'.repeat(n), 'f('.repeat(n) + ')'.repeat(n), '-'.repeat(n) + '1', 'a.'.repeat(n) + 'b']) {
    const text = `c.JupyterHub.x = ${expr}\nc.JupyterHub.admin_access = True\n`;
    const r = await analyze(text, 'jupyterhub_config.py');
    assert.ok(r.findings.some((f) => f.rule === 'security/admin-access'), expr.slice(0, 10));
  }
});

test('a values file that starts with a byte order mark is recognised; ranges count the BOM', async () => {
  const text = '\uFEFFhub:\n  config:\n    JupyterHub:\n      admin_access: true\n';
  const r = await analyze(text, 'values.yaml');
  assert.equal(r.kind, 'z2jh_values');
  const got = r.diagnostics.map((x) => [x.rule, x.range.start.line, x.range.start.character, x.range.end.character]);
  assert.deepEqual(got, [
    ['z2jh/default-dummy-authenticator', 0, 1, 4],
    ['traitlets/deprecated-trait', 3, 6, 18],
    ['security/admin-access', 3, 20, 24],
  ]);
});
