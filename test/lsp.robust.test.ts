import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { LspClient } from './helpers/lsp';

const uri = (name: string) => `file:///workspace/robust/${name}`;
let client: LspClient;

before(async () => {
  client = new LspClient();
  await client.initialize({});
});

after(async () => {
  await client.shutdown();
});

async function open(name: string, text: string, version = 1, languageId = 'yaml'): Promise<any[]> {
  const wait = client.diagnosticsFor(uri(name), version);
  client.notify('textDocument/didOpen', { textDocument: { uri: uri(name), languageId, version, text } });
  return (await wait).params.diagnostics;
}

async function replace(name: string, text: string, version: number): Promise<any[]> {
  const wait = client.diagnosticsFor(uri(name), version);
  client.notify('textDocument/didChange', { textDocument: { uri: uri(name), version }, contentChanges: [{ text }] });
  return (await wait).params.diagnostics;
}

const deepMap = (depth: number) => 'hub:\n' + Array.from({ length: depth - 1 }, (_, i) => ' '.repeat(i + 1) + `k${i + 1}:`).join('\n') + ' 1\n';

test('a document edited into 1,800-deep YAML gets a "not-analysed" diagnostic, not stale findings', async () => {
  const first = await open('values.yaml', 'hub:\n  config:\n    JupyterHub:\n      admin_access: true\n');
  assert.ok(first.some((d) => d.code === 'security/admin-access'));
  const diags = await replace('values.yaml', deepMap(1800) + '---\nhub: {}\n', 2);
  assert.deepEqual(diags.map((d) => [d.code, d.severity, d.range]), [['syntax/not-analysed', 3, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }]]);
  assert.match(diags[0].message, /too deeply nested to analyse/);
  // the server keeps serving: back to a normal file
  const again = await replace('values.yaml', 'hub:\n  config:\n    JupyterHub:\n      admin_access: true\n', 3);
  assert.ok(again.some((d) => d.code === 'security/admin-access'));
});

test('a failed analysis still publishes: "not-analysed" replaces the old findings', async () => {
  const c = new LspClient();
  try {
    await c.initialize({ jupyterhubVersion: 'banana' });
    const wait = c.diagnosticsFor(uri('bad/jupyterhub_config.py'), 1);
    c.notify('textDocument/didOpen', { textDocument: { uri: uri('bad/jupyterhub_config.py'), languageId: 'python', version: 1, text: 'c.JupyterHub.admin_access = True\n' } });
    const diags = (await wait).params.diagnostics;
    assert.deepEqual(diags.map((d: any) => d.code), ['syntax/not-analysed']);
    assert.match(diags[0].message, /^Not analysed: hubcfg could not analyse this file \(.*banana/);
  } finally {
    await c.shutdown();
  }
});

const stats = async (): Promise<number> => (await client.request('hubcfg/stats', null)).analyses;

test('code actions and fix-all reuse the analysis of the current version', async () => {
  const text = 'hub:\n  config:\n    JupyterHub:\n      admin_access: true\n      allow_named_servers: "True"\n';
  const diags = await open('fix/values.yaml', text);
  const mismatch = diags.find((d) => d.code === 'traitlets/type-mismatch');
  assert.ok(mismatch);
  const ask = (only?: string[]) =>
    client.request('textDocument/codeAction', { textDocument: { uri: uri('fix/values.yaml') }, range: mismatch.range, context: { diagnostics: only ? [] : [mismatch], only } });
  const before = await stats();
  // the first fix-all analyses the fixed text once (to see whether the fixes made new ones); nothing else runs again
  const first = await ask(['source.fixAll']);
  assert.equal(first.length, 1);
  const fixedOnce = await stats();
  assert.ok(fixedOnce - before <= 1, `analyses: ${fixedOnce - before}`);
  for (let i = 0; i < 3; i++) {
    const quick = await ask();
    assert.ok(quick.some((a: any) => a.title === 'Write True'));
    assert.ok(quick.some((a: any) => a.kind === 'source.fixAll.hubcfg'));
    await ask(['source.fixAll']);
  }
  assert.equal(await stats(), fixedOnce);
  // a clean file (nothing to fix): no analysis at all beyond the one on open
  const clean = await open('fix/clean-values.yaml', 'hub:\n  config:\n    JupyterHub:\n      admin_access: true\n');
  const n = await stats();
  const r = await client.request('textDocument/codeAction', { textDocument: { uri: uri('fix/clean-values.yaml') }, range: clean[0].range, context: { diagnostics: clean, only: undefined } });
  assert.ok(Array.isArray(r));
  await client.request('textDocument/codeAction', { textDocument: { uri: uri('fix/clean-values.yaml') }, range: clean[0].range, context: { diagnostics: [], only: ['source.fixAll'] } });
  assert.equal(await stats(), n);
  // a new version is analysed again, once
  await replace('fix/values.yaml', text.replace('"True"', '"False"'), 2);
  const afterEdit = await stats();
  await ask(['source.fixAll']);
  await ask(['source.fixAll']);
  assert.ok((await stats()) - afterEdit <= 1);
});

test('a values file with a leading byte order mark is recognised; ranges point into the client document', async () => {
  const text = '\uFEFFhub:\n  config:\n    JupyterHub:\n      admin_access: true\n';
  const diags = await open('bom/values.yaml', text);
  const got = diags.map((d) => [d.code, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character]);
  assert.deepEqual(got, [
    ['z2jh/default-dummy-authenticator', 0, 1, 0, 4],
    ['traitlets/deprecated-trait', 3, 6, 3, 18],
    ['security/admin-access', 3, 20, 3, 24],
  ]);
  // and the same for a first-line finding of a Python config with a BOM
  const py = await open('bom/jupyterhub_config.py', '\uFEFFc.JupyterHub.admin_access = True\n', 1, 'python');
  assert.deepEqual(py.find((d) => d.code === 'security/admin-access')?.range, { start: { line: 0, character: 29 }, end: { line: 0, character: 33 } });
});
