import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { LspClient } from './helpers/lsp';

// a deployment declared by .hubcfg.yaml: the base selects the authenticator, the overlay configures it
const BASE = [
  'hub:',
  '  config:',
  '    JupyterHub:',
  '      authenticator_class: github',
  '    GitHubOAuthenticator:',
  '      allowed_organizations: [example-org]',
  'singleuser:',
  '  memory:',
  '    limit: 2G',
  '',
].join('\n');
const OVERLAY = [
  'hub:',
  '  config:',
  '    GitHubOAuthenticator:',
  '      oauth_callback_url: https://hub.example.org/hub/oauth_callback',
  '    Authenticator:',
  '      whitelist: [alice]',
  'singleuser:',
  '  memory:',
  '    limit: 4G',
  '',
].join('\n');

let client: LspClient;
let dir: string;
let alone: string;
const uriOf = (file: string) => pathToFileURL(file).href;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hubcfg-lspdep-'));
  // the repository top: discovery looks no higher
  fs.mkdirSync(path.join(dir, '.git'));
  fs.writeFileSync(path.join(dir, '.hubcfg.yaml'), 'deployments:\n  - name: prod\n    files: [config/values.yaml, config/prod.yaml]\n');
  fs.mkdirSync(path.join(dir, 'config'));
  fs.writeFileSync(path.join(dir, 'config', 'values.yaml'), BASE);
  fs.writeFileSync(path.join(dir, 'config', 'prod.yaml'), OVERLAY);
  // the same overlay in a repository that declares no deployment
  alone = fs.mkdtempSync(path.join(os.tmpdir(), 'hubcfg-lspalone-'));
  fs.mkdirSync(path.join(alone, '.git'));
  fs.writeFileSync(path.join(alone, 'prod.yaml'), OVERLAY);
  client = new LspClient();
  await client.initialize({});
});

after(async () => {
  await client.shutdown();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(alone, { recursive: true, force: true });
});

async function open(file: string, text: string, version = 1): Promise<any[]> {
  const wait = client.diagnosticsFor(uriOf(file), version);
  client.notify('textDocument/didOpen', { textDocument: { uri: uriOf(file), languageId: 'yaml', version, text } });
  return (await wait).params.diagnostics;
}
function close(file: string): void {
  client.notify('textDocument/didClose', { textDocument: { uri: uriOf(file) } });
}
const rules = (diags: any[]) => diags.map((d) => d.code);
const base = () => path.join(dir, 'config', 'values.yaml');
const overlay = () => path.join(dir, 'config', 'prod.yaml');

test('an overlay is judged with its deployment: the authenticator its base selects counts; alone it does not', async () => {
  const single = await open(path.join(alone, 'prod.yaml'), OVERLAY);
  assert.ok(rules(single).includes('z2jh/default-dummy-authenticator'), rules(single).join());
  close(path.join(alone, 'prod.yaml'));

  const statusWait = client.waitFor((m) => m.method === 'hubcfg/status' && m.params.uri === uriOf(overlay()));
  const diags = await open(overlay(), OVERLAY);
  assert.ok(!rules(diags).includes('z2jh/default-dummy-authenticator'), rules(diags).join());
  // the findings of the file itself stay, and say which deployment they come from
  const old = diags.find((d) => d.code === 'traitlets/deprecated-trait' || d.code === 'traitlets/removed-trait' || /whitelist/.test(d.message));
  assert.ok(old, JSON.stringify(diags.map((d) => [d.code, d.message])));
  assert.match(old.message, /\(deployment prod \(\.hubcfg\.yaml\)\)$/);
  assert.equal(old.range.start.line, 5);

  // the language status names the deployment and lists its files
  const status = (await statusWait).params;
  assert.deepEqual(status.deployments, [{ name: 'prod (.hubcfg.yaml)', files: ['values.yaml', 'prod.yaml'] }]);
  close(overlay());
});

test('editing the base (unsaved) re-judges the open overlay; closing the base goes back to its text on disk', async () => {
  await open(base(), BASE);
  let diags = await open(overlay(), OVERLAY);
  assert.ok(!rules(diags).includes('z2jh/default-dummy-authenticator'), rules(diags).join());

  // remove the authenticator selection from the base, without saving
  const changed = client.waitFor((m) => m.method === 'textDocument/publishDiagnostics' && m.params.uri === uriOf(overlay()) && rules(m.params.diagnostics).includes('z2jh/default-dummy-authenticator'));
  client.notify('textDocument/didChange', {
    textDocument: { uri: uriOf(base()), version: 2 },
    contentChanges: [{ range: { start: { line: 2, character: 0 }, end: { line: 4, character: 0 } }, text: '' }],
  });
  diags = (await changed).params.diagnostics;
  const found = diags.find((d: any) => d.code === 'z2jh/default-dummy-authenticator');
  // at the overlay's hub key (the last file that writes the hub mapping)
  assert.deepEqual(found.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } });

  // the base is closed without saving: the overlay is judged with the disk text again (no stale finding)
  const back = client.waitFor((m) => m.method === 'textDocument/publishDiagnostics' && m.params.uri === uriOf(overlay()) && !rules(m.params.diagnostics).includes('z2jh/default-dummy-authenticator'));
  close(base());
  await back;
  close(overlay());
});

test('hover on a chart key shows the value the merge gives it and the file that set it', async () => {
  await open(base(), BASE);
  // singleuser.memory.limit: 2G here, but prod.yaml (not open: read from disk) sets 4G
  const h = await client.request('textDocument/hover', { textDocument: { uri: uriOf(base()) }, position: { line: 8, character: 5 } });
  assert.match(h.contents.value, /`4G`, set in `prod\.yaml` line 9/);
  assert.match(h.contents.value, /prod \(\.hubcfg\.yaml\)/);
  // a key only this file sets, to the value it has here: nothing about the merge
  const own = await client.request('textDocument/hover', { textDocument: { uri: uriOf(base()) }, position: { line: 3, character: 8 } });
  assert.doesNotMatch(own?.contents.value ?? '', /Merged value/);
  // a mapping both files write: where its keys come from
  const map = await client.request('textDocument/hover', { textDocument: { uri: uriOf(base()) }, position: { line: 0, character: 1 } });
  assert.match(map.contents.value, /a mapping merged from `values\.yaml` line 3, `prod\.yaml` line 1/);
  // singleuser.memory: prod.yaml's limit replaced the only key this file gives it
  const memory = await client.request('textDocument/hover', { textDocument: { uri: uriOf(base()) }, position: { line: 7, character: 4 } });
  assert.match(memory.contents.value, /a mapping merged from `prod\.yaml` line 8/);
  close(base());
});

test('a quick fix in the overlay edits only the overlay', async () => {
  await open(base(), BASE);
  const diags = await open(overlay(), OVERLAY);
  const d = diags.find((x) => /whitelist/.test(x.message));
  assert.ok(d, JSON.stringify(diags.map((x) => [x.code, x.message])));
  // the finding of the deployment's judgment (its position is the overlay's own)
  assert.match(d.message, /\(deployment prod \(\.hubcfg\.yaml\)\)$/);
  const actions = await client.request('textDocument/codeAction', { textDocument: { uri: uriOf(overlay()) }, range: d.range, context: { diagnostics: [d] } });
  const rename = actions.find((a: any) => /allowed_users/.test(a.title));
  assert.ok(rename, JSON.stringify(actions.map((a: any) => a.title)));
  assert.deepEqual(Object.keys(rename.edit.changes), [uriOf(overlay())]);
  assert.deepEqual(rename.edit.changes[uriOf(overlay())], [{ range: { start: { line: 5, character: 6 }, end: { line: 5, character: 15 } }, newText: 'allowed_users' }]);
  const all = await client.request('textDocument/codeAction', { textDocument: { uri: uriOf(overlay()) }, range: d.range, context: { diagnostics: [], only: ['source.fixAll'] } });
  assert.equal(all.length, 1);
  assert.deepEqual(Object.keys(all[0].edit.changes), [uriOf(overlay())]);
  assert.deepEqual(all[0].edit.changes[uriOf(overlay())], [{ range: { start: { line: 5, character: 6 }, end: { line: 5, character: 15 } }, newText: 'allowed_users' }]);
  close(overlay());
  close(base());
});

test('an unsaved .hubcfg.yaml counts: the open overlay follows the deployments it declares', async () => {
  const decl = path.join(dir, '.hubcfg.yaml');
  const saved = fs.readFileSync(decl, 'utf8');
  let diags = await open(overlay(), OVERLAY);
  assert.ok(!rules(diags).includes('z2jh/default-dummy-authenticator'), rules(diags).join());
  // the base is taken out of the deployment, without saving
  const alone = client.waitFor((m) => m.method === 'textDocument/publishDiagnostics' && m.params.uri === uriOf(overlay()) && rules(m.params.diagnostics).includes('z2jh/default-dummy-authenticator'));
  client.notify('textDocument/didOpen', { textDocument: { uri: uriOf(decl), languageId: 'yaml', version: 1, text: saved.replace('[config/values.yaml, config/prod.yaml]', '[config/prod.yaml]') } });
  diags = (await alone).params.diagnostics;
  assert.match(diags.find((d: any) => d.code === 'z2jh/default-dummy-authenticator').message, /\(deployment prod \(\.hubcfg\.yaml\)\)$/);
  // closed without saving: the saved declaration again
  const back = client.waitFor((m) => m.method === 'textDocument/publishDiagnostics' && m.params.uri === uriOf(overlay()) && !rules(m.params.diagnostics).includes('z2jh/default-dummy-authenticator'));
  close(decl);
  await back;
  close(overlay());
});
