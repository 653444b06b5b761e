import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'path';
import * as fs from 'fs';
import { execFileSync } from 'child_process';
import { LspClient } from './helpers/lsp';
import { ROOT } from './helpers/fixtures';

const uri = (name: string) => `file:///workspace/${name}`;
let client: LspClient;

before(async () => {
  client = new LspClient();
  const init = await client.initialize({});
  assert.ok(init.capabilities.hoverProvider);
});

after(async () => {
  await client.shutdown();
});

async function open(name: string, text: string, version = 1): Promise<any[]> {
  const wait = client.diagnosticsFor(uri(name), version);
  client.notify('textDocument/didOpen', { textDocument: { uri: uri(name), languageId: 'python', version, text } });
  return (await wait).params.diagnostics;
}

test('diagnostics on open carry the rule id, range, severity and doc link', async () => {
  const diags = await open('jupyterhub_config.py', 'c = get_config()\nc.JupyterHub.admin_acess = False\n');
  assert.equal(diags.length, 1);
  assert.equal(diags[0].code, 'traitlets/unknown-trait');
  assert.deepEqual(diags[0].range, { start: { line: 1, character: 13 }, end: { line: 1, character: 24 } });
  assert.equal(diags[0].severity, 2);
  assert.match(diags[0].codeDescription.href, /traitlets-unknown-trait\.md$/);
});

test('diagnostics follow incremental edits', async () => {
  const wait = client.diagnosticsFor(uri('jupyterhub_config.py'), 2);
  client.notify('textDocument/didChange', {
    textDocument: { uri: uri('jupyterhub_config.py'), version: 2 },
    contentChanges: [{ range: { start: { line: 1, character: 13 }, end: { line: 1, character: 24 } }, text: 'admin_access' }],
  });
  const diags = (await wait).params.diagnostics;
  assert.deepEqual(diags, []);
});

test('hover on a trait shows its type, default and our summary', async () => {
  await open('hover/jupyterhub_config.py', 'c.JupyterHub.admin_access = True\nc.Authenticator.allowed_users = {"a"}\n');
  const h = await client.request('textDocument/hover', { textDocument: { uri: uri('hover/jupyterhub_config.py') }, position: { line: 0, character: 16 } });
  assert.match(h.contents.value, /JupyterHub\.admin_access/);
  assert.match(h.contents.value, /Bool/);
  assert.match(h.contents.value, /Default: `False`/);
  const h2 = await client.request('textDocument/hover', { textDocument: { uri: uri('hover/jupyterhub_config.py') }, position: { line: 1, character: 4 } });
  assert.match(h2.contents.value, /\*\*Authenticator\*\*/);
  // a base class section that only reaches subclasses with the trait
  await open('hover2/jupyterhub_config.py', 'c.Authenticator.logout_redirect_url = "https://idp.example.org/logout"\n');
  const h3 = await client.request('textDocument/hover', { textDocument: { uri: uri('hover2/jupyterhub_config.py') }, position: { line: 0, character: 20 } });
  assert.match(h3.contents.value, /not a trait of `Authenticator`, but of `OAuthenticator`/);
  assert.match(h3.contents.value, /\*\*OAuthenticator\.logout_redirect_url\*\*: `Unicode`/);
});

test('completion offers classes after c. and traits after c.Class.', async () => {
  await open('complete/jupyterhub_config.py', 'c.\nc.Spawner.\n');
  const classes = await client.request('textDocument/completion', { textDocument: { uri: uri('complete/jupyterhub_config.py') }, position: { line: 0, character: 2 } });
  const labels = classes.map((i: any) => i.label);
  assert.ok(labels.includes('JupyterHub') && labels.includes('Spawner') && labels.includes('Authenticator'));
  const traits = await client.request('textDocument/completion', { textDocument: { uri: uri('complete/jupyterhub_config.py') }, position: { line: 1, character: 10 } });
  const t = traits.find((i: any) => i.label === 'mem_limit');
  assert.ok(t, 'mem_limit offered');
  assert.match(t.detail, /byte size|ByteSpecification/);
});

test('hover on a scope shows what it grants; completion inside a scope string offers scopes, then filters', async () => {
  const name = 'rbac/jupyterhub_config.py';
  await open(name, 'c.JupyterHub.load_roles = [{"name": "helpers", "scopes": ["read:users", "admin:servers!group=x"], "groups": ["tas"]}]\n');
  const h = await client.request('textDocument/hover', { textDocument: { uri: uri(name) }, position: { line: 0, character: 62 } });
  assert.match(h.contents.value, /read:users/);
  const wait = client.diagnosticsFor(uri(name), 2);
  client.notify('textDocument/didChange', { textDocument: { uri: uri(name), version: 2 }, contentChanges: [{ text: 'c.JupyterHub.load_roles = [{"name": "helpers", "scopes": ["read:us"], "groups": ["tas"]}]\n' }] });
  await wait;
  const items = await client.request('textDocument/completion', { textDocument: { uri: uri(name) }, position: { line: 0, character: 66 } });
  const labels = items.map((i: any) => i.label);
  assert.ok(labels.includes('read:users') && labels.includes('read:users:name'), JSON.stringify(labels));
  assert.ok(!labels.includes('admin:users'));
  const it = items.find((i: any) => i.label === 'read:users');
  assert.deepEqual(it.textEdit.range, { start: { line: 0, character: 59 }, end: { line: 0, character: 66 } });
});

test('code actions: quick fix from the diagnostic and source.fixAll with safe fixes only', async () => {
  const text = 'c.Authenticator.whitelist = {"a"}\nc.JupyterHub.admin_acess = True\n';
  const diags = await open('fix/jupyterhub_config.py', text);
  const actions = await client.request('textDocument/codeAction', { textDocument: { uri: uri('fix/jupyterhub_config.py') }, range: diags[0].range, context: { diagnostics: diags } });
  const rename = actions.find((a: any) => a.title === 'Rename to Authenticator.allowed_users');
  assert.ok(rename, JSON.stringify(actions.map((a: any) => a.title)));
  assert.equal(rename.isPreferred, true);
  const typo = actions.find((a: any) => /Change to JupyterHub.admin_access/.test(a.title));
  assert.match(typo.title, /\(unsafe\)/);
  const all = await client.request('textDocument/codeAction', { textDocument: { uri: uri('fix/jupyterhub_config.py') }, range: diags[0].range, context: { diagnostics: [], only: ['source.fixAll'] } });
  assert.equal(all.length, 1);
  const edit = all[0].edit.changes[uri('fix/jupyterhub_config.py')][0];
  assert.deepEqual(edit, { range: { start: { line: 0, character: 16 }, end: { line: 0, character: 25 } }, newText: 'allowed_users' });
});

test('the editor\'s "fix all" and the CLI\'s --fix produce identical text', async () => {
  for (const example of ['examples/insecure/jupyterhub_config.py', 'examples/z2jh/insecure/config.yaml']) {
    const src = path.join(ROOT, example);
    const text = fs.readFileSync(src, 'utf8');
    const name = `fixparity/${path.basename(path.dirname(src))}/${path.basename(src)}`;
    await open(name, text);
    const all = await client.request('textDocument/codeAction', { textDocument: { uri: uri(name) }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [], only: ['source.fixAll'] } });
    assert.equal(all.length, 1, example);
    const e = all[0].edit.changes[uri(name)][0];
    const lines = text.split('\n');
    const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
    const editor = text.slice(0, offset(e.range.start)) + e.newText + text.slice(offset(e.range.end));
    const d = fs.mkdtempSync(path.join(require('os').tmpdir(), 'hubcfg-fix-'));
    const copy = path.join(d, path.basename(src));
    fs.writeFileSync(copy, text);
    try {
      execFileSync(process.execPath, [path.join(ROOT, 'bin', 'hubcfg.js'), 'check', '--fix', copy], { encoding: 'utf8' });
    } catch {
      /* exit 1: findings remain */
    }
    assert.notEqual(editor, text, `${example}: there are safe fixes`);
    assert.equal(fs.readFileSync(copy, 'utf8'), editor, example);
  }
});

test('a settings change re-judges open files (rule off, version)', async () => {
  const name = 'settings/jupyterhub_config.py';
  const diags = await open(name, 'c.JupyterHub.admin_acess = True\n');
  assert.equal(diags.length, 1);
  client.settings = { rules: { 'traitlets/unknown-trait': 'off' } };
  const wait = client.diagnosticsFor(uri(name));
  client.notify('workspace/didChangeConfiguration', { settings: null });
  assert.deepEqual((await wait).params.diagnostics, []);
  client.settings = {};
  const wait2 = client.diagnosticsFor(uri(name));
  client.notify('workspace/didChangeConfiguration', { settings: null });
  assert.equal((await wait2).params.diagnostics.length, 1);
});

test('files that are not JupyterHub configs are ignored quietly', async () => {
  const diags = await open('notes.py', 'print("hello")\nx = 1\n');
  assert.deepEqual(diags, []);
});

test('bad input gets a clear message and the server keeps serving', async () => {
  const cases: [string, string][] = [
    ['bad/binary/jupyterhub_config.py', 'c.JupyterHub.x = 1\u0000\u0001\u0002'],
    ['bad/empty/jupyterhub_config.py', ''],
    ['bad/longline/jupyterhub_config.py', 'c.JupyterHub.ip = "' + 'x'.repeat(20000) + '"\nc.JupyterHub.admin_acess = 1\n'],
    ['bad/nested/jupyterhub_config.py', 'c.JupyterHub.load_roles = ' + '['.repeat(3000) + ']'.repeat(3000) + '\n'],
    ['bad/notconfig/jupyterhub_config.py', '%%% this is not python at all {{{\n\u00e9\u00e9 <<<>>>\n'],
  ];
  for (const [name, text] of cases) {
    const diags = await open(name, text);
    assert.ok(Array.isArray(diags), name);
  }
  const binary = await open('bad/binary2/jupyterhub_config.py', 'c = 1\u0000');
  assert.equal(binary[0].code, 'syntax/not-analysed');
  // a 5 MB file: beyond the default limit, reported, not analysed
  const big = 'c.JupyterHub.ip = "0.0.0.0"\n'.repeat(200_000);
  const bigDiags = await open('bad/big/jupyterhub_config.py', big);
  assert.equal(bigDiags[0].code, 'syntax/not-analysed');
  assert.match(bigDiags[0].message, /larger than the limit/);
  // still serving
  const diags = await open('bad/after/jupyterhub_config.py', 'c.JupyterHub.admin_acess = 1\n');
  assert.equal(diags[0].code, 'traitlets/unknown-trait');
  assert.ok(client.alive);
});

test('the CLI and the server give the same findings for the same file', async () => {
  const file = path.join(ROOT, 'examples', 'insecure', 'jupyterhub_config.py');
  const text = fs.readFileSync(file, 'utf8');
  const lsp = await open('parity/jupyterhub_config.py', text);
  let out: string;
  try {
    out = execFileSync(process.execPath, [path.join(ROOT, 'bin', 'hubcfg.js'), 'check', '--format', 'json', file], { encoding: 'utf8' });
  } catch (e) {
    out = (e as { stdout: string }).stdout;
  }
  const cli = JSON.parse(out).files[0].diagnostics;
  const sevs = ['', 'error', 'warning', 'information', 'hint'];
  assert.ok(cli.length > 3, 'the example has findings');
  assert.deepEqual(
    lsp.map((d: any) => ({ rule: d.code, severity: sevs[d.severity], message: d.message, range: d.range })),
    cli.map((d: any) => ({ rule: d.rule, severity: d.severity, message: d.message, range: d.range })),
  );
});
